import type { PaymentTransactionRow } from '@/db/schema';

/** A transaction released before any capture and expiry is CLOSED at Klarna, "Canceled" here as in the seed's
 * E2E case 6 (seed 002 l. 3454–3457); other states show as themselves. */
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
