import { z } from 'zod';
import type { PaymentListRow } from '@/lib/payments/cache';
import { formatMajorDecimal } from '@/lib/ui/money';

/**
 * CSV as RFC 4180 writes it (comma, CRLF, quotes doubled), safe to open in a spreadsheet: a
 * text cell that a spreadsheet would read as a formula gets a leading `'` (OWASP, "CSV
 * injection"), so a merchant reference such as `=HYPERLINK(…)` stays text. A plain decimal
 * number (`-29.00`, `0`, `1234.5`: how every amount here is written) is left alone, so a
 * spreadsheet's SUM over net amounts counts the refunds.
 *
 * Neutralised: a cell starting with `=`, `+`, `@`, tab or CR, and one starting with `-` that is
 * not a plain decimal (`-1+2`, `-1e5`, `-.5`). `+1` is neutralised too: no export here writes a
 * plus sign on a number, so such a cell is text from outside (a reference, a phone number) that
 * a spreadsheet would evaluate or strip. `1e5` starts with no formula character and is not
 * touched (a spreadsheet may read it as 100000, as it would any CSV).
 */

const formulaStart = /^[=+\-@\t\r]/;
/** What the exports write for an amount: an optional minus, digits, an optional fraction. */
const plainNumber = /^-?\d+(?:\.\d+)?$/;

/** Whether a spreadsheet could run the text as a formula (and the cell must be neutralised). */
export function needsFormulaGuard(text: string): boolean {
  return formulaStart.test(text) && !plainNumber.test(text);
}

/** One cell. Numbers are written as they are; text is defused, then quoted when it must be. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = needsFormulaGuard(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The byte order mark Excel needs to read a CSV as UTF-8 (without it, `Café Zürich` opens as
 * `CafÃ© ZÃ¼rich`). Exports add it when asked (`?bom=1`, the "For Excel" box by each export).
 */
export const UTF8_BOM = '\uFEFF';

const bomParamSchema = z.enum(['1', 'true', 'yes']).optional().catch(undefined);

/** Whether an export's URL asks for the byte order mark (`?bom=1`). */
export function wantsBom(url: string | URL): boolean {
  return bomParamSchema.parse(new URL(url).searchParams.get('bom') ?? undefined) !== undefined;
}

/** One line, CRLF-terminated. */
export function csvRow(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

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
