import type { PaymentTransactionRow } from '@/db/schema';

/**
 * Klarna's states (seed 002 l. 3035–3058) show as themselves, except a transaction released before any
 * capture and before expiry: CLOSED at Klarna, "Canceled" here as in the seed's E2E case 6 (l. 3454–3457).
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
