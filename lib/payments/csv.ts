import { utcIso, type PaymentExportRow } from '@/lib/payments/cache';
import { csvTextCell as textCell } from '@/lib/csv';
import { majorDecimalFormatter } from '@/lib/ui/money';

export { csvCell, csvRow, needsFormulaGuard, UTF8_BOM, wantsBom } from '@/lib/csv';

const amounts = ['authorized', 'captured', 'refunded', 'remaining_authorized'] as const;

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

/**
 * One line of the payments export, written straight into one string (the export writes millions:
 * no array of cells per row, and the currency's formatter is made once per code). Amounts come
 * as Postgres writes a bigint: the minor units are written as they are.
 */
export function paymentCsvRow(row: PaymentExportRow, merchantName: string | null | undefined): string {
  const major = majorDecimalFormatter(row.currency);
  return (
    `${textCell(row.id)},${textCell(row.account_id)},${textCell(merchantName)},` +
    `${textCell(row.merchant_reference)},${textCell(row.payment_reference)},${textCell(row.state)},${textCell(row.currency)},` +
    `${major(Number(row.authorized))},${row.authorized},${major(Number(row.captured))},${row.captured},` +
    `${major(Number(row.refunded))},${row.refunded},${major(Number(row.remaining))},${row.remaining},` +
    `${utcIso(row.created)},${row.expires ? utcIso(row.expires) : ''}\r\n`
  );
}
