import type { PaymentTransactionRow } from '@/db/schema';

/**
 * What the dashboard calls a transaction's state. Klarna's own states (seed 002 l. 3035–3058:
 * Authorized, Expired, Completed, Closed) show as themselves, with one exception: a
 * transaction released before anything was captured and before its authorization expired
 * is CLOSED at Klarna, and the seed's E2E test case 6 (l. 3454–3457) calls it "Canceled"; so
 * does the dashboard. One closed after expiry (7 days' grace, nothing captured) stays "Closed".
 */
export function paymentDisplayState(
  row: Pick<PaymentTransactionRow, 'state' | 'capturedAmount' | 'expiresAt' | 'klarnaUpdatedAt'>,
): string {
  if (
    row.state === 'CLOSED' &&
    row.capturedAmount === 0 &&
    row.expiresAt !== null &&
    row.klarnaUpdatedAt < row.expiresAt
  )
    return 'CANCELED';
  return row.state;
}
