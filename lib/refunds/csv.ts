import type { RefundBatchRow, RefundBatchRowRow } from '@/db/schema';
import { csvRow } from '@/lib/csv';
import { formatMajorDecimal } from '@/lib/ui/money';
import { refundColumns } from './parse';

/**
 * A batch's verdicts and results as CSV: the columns we read, then the verdict and what Klarna did, then
 * the file's extra columns as they were. Amounts are plain decimals (and minor units), so a spreadsheet
 * sums them; text that could run as a formula is defused (lib/csv.ts).
 */
const fixed = [
  'line',
  'payment_transaction_id',
  'account_id',
  'capture_id',
  'amount',
  'amount_minor',
  'currency',
  'reason',
  'refund_reference',
  'verdict',
  'verdict_reason',
  'result',
  'refund_id',
  'klarna_error_code',
  'klarna_error_message',
  'klarna_error_id',
  'finished_at_utc',
] as const;

/** The file's columns that are not ours (kept, in the file's order). Batches stored before columns were named
 * uniquely (lib/refunds/parse.ts) may hold an empty name: its cells were kept as "column N". */
export function extraColumnsOf(batch: Pick<RefundBatchRow, 'columns'>): string[] {
  const ours = new Set<string>(refundColumns);
  return batch.columns.map((c, i) => (c === '' ? `column ${i + 1}` : c)).filter((c) => !ours.has(c.toLowerCase()));
}

export function refundCsvHeader(batch: Pick<RefundBatchRow, 'columns'>): string {
  return csvRow([...fixed, ...extraColumnsOf(batch)]);
}

const resultWords: Record<RefundBatchRowRow['result'], string> = {
  pending: 'not sent',
  sending: 'sending',
  refunded: 'refunded',
  declined: 'declined',
  skipped: 'skipped',
};

export function refundCsvRow(row: RefundBatchRowRow, extras: string[]): string {
  const money = row.amount !== null && row.currency ? formatMajorDecimal(row.amount, row.currency) : null;
  return csvRow([
    row.lineNo,
    row.paymentTransactionId,
    row.accountId,
    row.captureId,
    money,
    row.amount,
    row.currency,
    row.reason,
    row.refundReference,
    row.verdict === 'will_refund' ? 'will refund' : 'refused',
    row.verdictReason,
    row.verdict === 'refused' ? 'not sent (refused)' : resultWords[row.result],
    row.refundId,
    row.errorCode,
    row.errorMessage,
    row.klarnaErrorId,
    row.finishedAt ? row.finishedAt.toISOString().replace('T', ' ').slice(0, 19) : null,
    ...extras.map((name) => row.input[name] ?? ''),
  ]);
}
