import { type Writable } from 'node:stream';
import { once } from 'node:events';
import type { DbHandle } from '@/db/client';
import type { ParsedLine } from './parse';

/**
 * Bulk loading settlement lines with Postgres `COPY … FROM STDIN` (row-by-row INSERT is
 * about 80× slower). The lines go first into an UNLOGGED staging table of the import's own
 * (no WAL, no indexes); reconciliation then moves them into `settlement_lines` with their
 * verdicts in one set-based INSERT … SELECT (lib/settlements/reconcile.ts). On Postgres the
 * COPY is one stream for the whole file; PGlite (the embedded development database) takes
 * each batch as a blob (`COPY … FROM '/dev/blob'`).
 */

/** The staging table's columns, in COPY order (the ParsedLine fields, snake_cased). */
export const stagingColumns = [
  ['line_no', 'integer'],
  ['settlement_id', 'text'],
  ['type', 'text'],
  ['payment_transaction_id', 'text'],
  ['payment_capture_id', 'text'],
  ['payment_refund_id', 'text'],
  ['dispute_id', 'text'],
  ['operation_id', 'text'],
  ['account_id', 'text'],
  ['currency', 'text'],
  ['amount', 'bigint'],
  ['fee_amount', 'bigint'],
  ['tax_amount', 'bigint'],
  ['discount_amount', 'bigint'],
  ['penalty_amount', 'bigint'],
  ['net_amount', 'bigint'],
  ['rate_fixed', 'bigint'],
  ['rate_variable', 'bigint'],
  ['tax_rate_fixed', 'bigint'],
  ['tax_rate_variable', 'bigint'],
  ['price_plan_id', 'text'],
  ['captured_at', 'timestamptz'],
  ['created_at', 'timestamptz'],
  ['transaction_created_at', 'timestamptz'],
  ['klarna_reference', 'text'],
  ['merchant_reference', 'text'],
  ['transaction_reference', 'text'],
  ['payment_option_category', 'text'],
  ['capture_reference', 'text'],
  ['refund_reference', 'text'],
  ['extra', 'jsonb'],
] as const;

export const stagingTableName = (importId: string) => `settlement_staging_${importId.replace(/-/g, '')}`;

export function createStagingSql(table: string): string {
  return `CREATE UNLOGGED TABLE IF NOT EXISTS ${table} (${stagingColumns.map(([n, t]) => `${n} ${t}`).join(', ')})`;
}

const ESCAPE = /[\\\t\n\r]/;
/** A value in COPY's text format: `\N` for null; backslash, tab and line breaks escaped. */
function cell(v: string | number | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  return ESCAPE.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;
}

/** One line as a COPY text-format row (tab-separated, newline-terminated). */
export function copyRow(l: ParsedLine): string {
  return (
    `${l.lineNo}\t${cell(l.settlementId)}\t${l.type}\t${cell(l.paymentTransactionId)}\t${cell(l.paymentCaptureId)}\t${cell(l.paymentRefundId)}\t${cell(l.disputeId)}\t${cell(l.operationId)}\t${cell(l.accountId)}\t${l.currency}\t` +
    `${l.amount}\t${l.feeAmount}\t${l.taxAmount}\t${l.discountAmount}\t${l.penaltyAmount}\t${l.netAmount}\t${cell(l.rateFixed)}\t${cell(l.rateVariable)}\t${cell(l.taxRateFixed)}\t${cell(l.taxRateVariable)}\t` +
    `${cell(l.pricePlanId)}\t${l.capturedAt}\t${cell(l.createdAt)}\t${cell(l.transactionCreatedAt)}\t${cell(l.klarnaReference)}\t${cell(l.merchantReference)}\t${cell(l.transactionReference)}\t` +
    `${cell(l.paymentOptionCategory)}\t${cell(l.captureReference)}\t${cell(l.refundReference)}\t${l.extra ? cell(JSON.stringify(l.extra)) : '\\N'}\n`
  );
}

export type Copier = { write(lines: ParsedLine[]): Promise<void>; end(): Promise<void>; abort(error: Error): Promise<void> };

/** Opens a COPY into the staging table; write batches, then end (or abort). */
export async function openCopy(handle: DbHandle, table: string): Promise<Copier> {
  const columns = stagingColumns.map(([n]) => n).join(', ');
  if (handle.driver === 'postgres') {
    const stream: Writable = await handle.client.unsafe(`COPY ${table} (${columns}) FROM STDIN`).writable();
    let streamError: Error | null = null;
    stream.on('error', (e: Error) => {
      streamError = e;
    });
    return {
      async write(lines) {
        if (streamError) throw streamError;
        let text = '';
        for (const l of lines) text += copyRow(l);
        if (!stream.write(text)) await Promise.race([once(stream, 'drain'), once(stream, 'error')]);
        if (streamError) throw streamError;
      },
      async end() {
        if (streamError) throw streamError;
        const finished = once(stream, 'finish');
        stream.end();
        await finished;
        if (streamError) throw streamError;
      },
      async abort(error) {
        stream.destroy(error);
      },
    };
  }
  const pg = handle.client;
  return {
    async write(lines) {
      let text = '';
      for (const l of lines) text += copyRow(l);
      await pg.query(`COPY ${table} (${columns}) FROM '/dev/blob'`, [], { blob: new Blob([text]) });
    },
    async end() {},
    async abort() {},
  };
}
