import { z } from 'zod';
import type { PaymentListRow } from '@/lib/payments/cache';
import { formatMajorDecimal } from '@/lib/ui/money';

/**
 * RFC 4180 CSV, safe in a spreadsheet: text that could run as a formula (`=`, `+`, `@`, tab, CR, or `-`
 * not starting a plain decimal) gets a leading `'` (OWASP, "CSV injection"). Plain decimals stay
 * numbers, so a SUM over net amounts counts refunds.
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
