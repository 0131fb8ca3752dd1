import { type Writable } from 'node:stream';
import { once } from 'node:events';
import type { DbHandle } from '@/db/client';

/**
 * Bulk loading settlement lines with Postgres `COPY … FROM STDIN` (row-by-row INSERT is
 * about 80× slower), straight into `settlement_lines` with a provisional verdict; the import
 * job then reconciles them in place (lib/settlements/reconcile.ts), writing only the lines
 * whose verdict differs. On Postgres the COPY is one stream for the whole file, running while
 * the file is parsed; PGlite (the embedded development database) takes each batch as a blob
 * (`COPY … FROM '/dev/blob'`).
 */

/** What lib/settlements/parse.ts `rowEncoder` writes for a line, in COPY order: the import, the line's fields, its provisional verdict. */
export const lineCopyColumns = [
  'import_id',
  'line_no',
  'settlement_id',
  'type',
  'payment_transaction_id',
  'payment_capture_id',
  'payment_refund_id',
  'dispute_id',
  'operation_id',
  'account_id',
  'currency',
  'amount',
  'fee_amount',
  'tax_amount',
  'discount_amount',
  'penalty_amount',
  'net_amount',
  'rate_fixed',
  'rate_variable',
  'tax_rate_fixed',
  'tax_rate_variable',
  'price_plan_id',
  'captured_at',
  'created_at',
  'transaction_created_at',
  'klarna_reference',
  'merchant_reference',
  'transaction_reference',
  'payment_option_category',
  'capture_reference',
  'refund_reference',
  'extra',
  'verdict',
] as const;

/** Rows in COPY text format with the unit separator between cells (lib/settlements/parse.ts `rowEncoder`). */
export type Copier = { write(batch: { text: string }): Promise<void>; end(): Promise<void>; abort(error: Error): Promise<void> };

const copyOptions = `(FORMAT text, DELIMITER E'\\x1f', NULL '')`;

/** Opens a COPY into `settlement_lines`; write batches, then end (or abort: the caller deletes what arrived). */
export async function openCopy(handle: DbHandle): Promise<Copier> {
  const table = 'settlement_lines';
  const columns = lineCopyColumns.join(', ');
  if (handle.driver === 'postgres') {
    // On a connection of its own: postgres.js would otherwise send other queries of this
    // process (another upload's, a progress update) down the connection in COPY mode.
    const connection = await handle.client.reserve();
    let released = false;
    const release = () => {
      if (!released) connection.release();
      released = true;
    };
    let stream: Writable;
    try {
      stream = await connection.unsafe(`COPY ${table} (${columns}) FROM STDIN ${copyOptions}`).writable();
    } catch (error) {
      release();
      throw error;
    }
    let streamError: Error | null = null;
    stream.on('error', (e: Error) => {
      streamError = e;
    });
    stream.on('close', release);
    return {
      async write({ text }) {
        if (streamError) throw streamError;
        if (!stream.write(text)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              stream.off('drain', done);
              stream.off('error', done);
              resolve();
            };
            stream.on('drain', done);
            stream.on('error', done);
          });
        }
        if (streamError) throw streamError;
      },
      async end() {
        if (streamError) throw streamError;
        const finished = once(stream, 'finish');
        stream.end();
        try {
          await finished;
        } finally {
          release();
        }
        if (streamError) throw streamError;
      },
      async abort(error) {
        // Back to the pool only once postgres.js has ended the COPY on it.
        const closed = stream.closed ? Promise.resolve() : new Promise<void>((resolve) => stream.once('close', () => resolve()));
        stream.destroy(error);
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5000))]);
        release();
      },
    };
  }
  const pg = handle.client;
  return {
    async write({ text }) {
      await pg.query(`COPY ${table} (${columns}) FROM '/dev/blob' ${copyOptions}`, [], { blob: new Blob([text]) });
    },
    async end() {},
    async abort() {},
  };
}
