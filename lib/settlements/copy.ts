import 'server-only';
import { type Writable } from 'node:stream';
import { once } from 'node:events';
import type { DbHandle } from '@/db/client';
import type { SettlementColumn } from '@/lib/klarna/schemas/settlements';

/** Lines go in by `COPY … FROM STDIN` (row-by-row INSERT is ~80× slower) with a provisional verdict (reconcile.ts). */

export const settlementLineColumnOf: Readonly<Record<SettlementColumn, string>> = {
  captured_at: 'captured_at',
  created_at: 'created_at',
  payment_transaction_created_at: 'transaction_created_at',
  payment_transaction_id: 'payment_transaction_id',
  klarna_reference: 'klarna_reference',
  payment_capture_id: 'payment_capture_id',
  merchant_reference: 'merchant_reference',
  payment_transaction_reference: 'transaction_reference',
  amount: 'amount',
  'payment_pricing_details.price_plan_id': 'price_plan_id',
  'payment_pricing.rate.fixed': 'rate_fixed',
  'payment_pricing.rate.variable': 'rate_variable',
  'payment_pricing.rate.tax.variable': 'tax_rate_variable',
  'payment_pricing.rate.tax.fixed': 'tax_rate_fixed',
  discount_amount: 'discount_amount',
  penalty_amount: 'penalty_amount',
  currency: 'currency',
  payment_refund_id: 'payment_refund_id',
  payment_option_category: 'payment_option_category',
  capture_reference: 'capture_reference',
  refund_reference: 'refund_reference',
  dispute_id: 'dispute_id',
  account_id: 'account_id',
  settlement_id: 'settlement_id',
  type: 'type',
  fee_amount: 'fee_amount',
  tax_amount: 'tax_amount',
  net_amount: 'net_amount',
};

export const derivedLineColumns = ['import_id', 'line_no', 'operation_id', 'extra', 'verdict'] as const;

/** Rows in COPY text format with the unit separator between cells (lib/settlements/parse.ts `rowEncoder`), as UTF-8 bytes. */
export type Copier = {
  write(batch: { data: Uint8Array }): Promise<void>;
  end(): Promise<void>;
  abort(error: Error): Promise<void>;
};

const copyOptions = `(FORMAT text, DELIMITER E'\\x1f', NULL '')`;

/** Bytes queued on COPY before a write waits: parser and Postgres work at once, memory stays bounded. */
const IN_FLIGHT_BYTES = 16 << 20;

export async function openCopy(
  handle: DbHandle,
  copyColumns: readonly string[],
  table: 'settlement_lines' | 'settlement_merchant_totals' = 'settlement_lines',
): Promise<Copier> {
  const columns = copyColumns.join(', ');
  if (handle.driver === 'postgres') {
    // On a connection of its own: postgres.js would otherwise send this process's other queries down it in COPY mode.
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
    let inFlight = 0;
    let wake: (() => void) | null = null;
    const woken = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    stream.on('error', (e: Error) => {
      streamError = e;
      woken();
    });
    stream.on('close', () => {
      release();
      woken();
    });
    return {
      async write({ data }) {
        if (streamError) throw streamError;
        const n = data.length;
        inFlight += n;
        stream.write(data, () => {
          inFlight -= n;
          if (inFlight <= IN_FLIGHT_BYTES) woken();
        });
        while (inFlight > IN_FLIGHT_BYTES && !streamError && !stream.destroyed)
          await new Promise<void>((resolve) => (wake = resolve));
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
        const closed = stream.closed
          ? Promise.resolve()
          : new Promise<void>((resolve) => stream.once('close', () => resolve()));
        stream.destroy(error);
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5000))]);
        release();
      },
    };
  }
  const pg = handle.client;
  return {
    async write({ data }) {
      await pg.query(`COPY ${table} (${columns}) FROM '/dev/blob' ${copyOptions}`, [], {
        blob: new Blob([new Uint8Array(data)]),
      });
    },
    async end() {},
    async abort() {},
  };
}
