import type { PaymentTransactionRow } from '@/db/schema';
import { formatMajorDecimal } from '@/lib/ui/money';

/**
 * CSV as RFC 4180 writes it (comma, CRLF, quotes doubled), safe to open in a spreadsheet: a
 * text cell that a spreadsheet would read as a formula gets a leading `'` (OWASP, "CSV
 * injection"), so a merchant reference such as `=HYPERLINK(…)` stays text.
 */

const formulaStart = /^[=+\-@\t\r]/;

/** One cell. Numbers are written as they are; text is defused, then quoted when it must be. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line, CRLF-terminated. */
export function csvRow(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

const amounts = ['authorized', 'captured', 'refunded', 'remaining_authorized'] as const;
const amountOf = (row: PaymentTransactionRow, name: (typeof amounts)[number]) =>
  ({ authorized: row.authorizedAmount, captured: row.capturedAmount, refunded: row.refundedAmount, remaining_authorized: row.remainingAuthorizedAmount })[name];

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

export function paymentCsvRow(row: PaymentTransactionRow, merchantName: string | null | undefined): string {
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
