import { z } from 'zod';
import { utcIso, type PaymentExportRow } from '@/lib/payments/cache';
import { majorDecimalFormatter } from '@/lib/ui/money';

/**
 * RFC 4180 CSV, safe in a spreadsheet: text that could run as a formula (`=`, `+`, `@`, tab, CR, or `-`
 * not starting a plain decimal) gets a leading `'` (OWASP, "CSV injection"). Plain decimals stay
 * numbers, so a SUM over net amounts counts refunds.
 */

/** What the exports write for an amount: an optional minus, digits, an optional fraction. */
const plainNumber = /^-?\d+(?:\.\d+)?$/;
const needsQuotes = /[",\r\n]/;

/** `=`, `+`, `-`, `@`, tab, CR: a first character a spreadsheet may run as the start of a formula. */
function formulaStart(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
}

/** Whether a spreadsheet could run the text as a formula (and the cell must be neutralised). */
export function needsFormulaGuard(text: string): boolean {
  return formulaStart(text) && !plainNumber.test(text);
}

/** A text cell: defused, then quoted when it must be; nothing for a missing value. */
function textCell(value: string | null | undefined): string {
  if (!value) return '';
  const text = formulaStart(value) && !plainNumber.test(value) ? `'${value}` : value;
  return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One cell. Numbers are written as they are; text is defused, then quoted when it must be. */
export function csvCell(value: string | number | null | undefined): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return textCell(value);
}

/** The BOM Excel needs to read UTF-8 (else `Café` opens as `CafÃ©`); added on `?bom=1`. */
export const UTF8_BOM = '\uFEFF';

const bomParamSchema = z.enum(['1', 'true', 'yes']).optional().catch(undefined);

export function wantsBom(url: string | URL): boolean {
  return bomParamSchema.parse(new URL(url).searchParams.get('bom') ?? undefined) !== undefined;
}

export function csvRow(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

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
