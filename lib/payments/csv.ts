import type { PaymentListRow } from '@/lib/payments/cache';
import { csvRow } from '@/lib/csv';
import { formatMajorDecimal } from '@/lib/ui/money';

export { csvCell, csvRow, needsFormulaGuard, UTF8_BOM, wantsBom } from '@/lib/csv';

const amounts = ['authorized', 'captured', 'refunded', 'remaining_authorized'] as const;
const amountOf = (row: PaymentListRow, name: (typeof amounts)[number]) =>
  ({
    authorized: row.authorizedAmount,
    captured: row.capturedAmount,
    refunded: row.refundedAmount,
    remaining_authorized: row.remainingAuthorizedAmount,
  })[name];

/** The payments export's columns: each amount in major units (the currency's exponent) and in minor units. */
export const paymentCsvHeader: readonly string[] = [
  'payment_transaction_id',
  'account_id',
  'merchant_name',
  'merchant_reference',
  'payment_reference',
  'state',
  'currency',
  ...amounts.flatMap((a) => [`${a}_amount`, `${a}_amount_minor`]),
  'created_at_utc',
  'expires_at_utc',
];

export function paymentCsvRow(row: PaymentListRow, merchantName: string | null | undefined): string {
  return csvRow([
    row.paymentTransactionId,
    row.accountId,
    merchantName,
    row.merchantReference,
    row.paymentReference,
    row.state,
    row.currency,
    ...amounts.flatMap((a) => [formatMajorDecimal(amountOf(row, a), row.currency), amountOf(row, a)]),
    row.klarnaCreatedAt.toISOString(),
    row.expiresAt?.toISOString(),
  ]);
}
