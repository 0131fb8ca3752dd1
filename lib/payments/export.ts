import { queryCursor, rowsOf, type Db } from '@/db/client';
import { paymentsExportQuery, type PaymentExportRow, type PaymentFilter } from './cache';
import { csvRow, paymentCsvHeader, paymentCsvRow, UTF8_BOM } from './csv';

/** Rows per batch: about 1 MB of CSV per chunk written. */
export const EXPORT_BATCH = 5000;

export type MerchantNamesOf = (db: Db, accountIds: readonly string[]) => Promise<Map<string, string>>;

/** The export's rows in batches. On Postgres one cursor query planned for all its rows (a sequential read and a
 * sort, not a million random heap reads); on PGlite, which cannot hold a query open beside the app's others,
 * keyset pages. `close` ends the query early. */
function exportBatches(db: Db, filter: PaymentFilter, batch: number) {
  const cursor = queryCursor<PaymentExportRow>(db, paymentsExportQuery(db, filter), batch);
  if (cursor) {
    let pending: Promise<IteratorResult<PaymentExportRow[]>> | null = null;
    return {
      next: async () => {
        pending = cursor.next();
        const { done, value } = await pending;
        return done ? null : value;
      },
      close: async () => {
        // postgres.js closes the portal only between batches: a batch still on its way is awaited first.
        await pending?.catch(() => {});
        await cursor.return?.();
      },
    };
  }
  let after: PaymentExportRow | null = null;
  let finished = false;
  return {
    next: async () => {
      if (finished) return null;
      const rows = rowsOf<PaymentExportRow>(await db.execute(paymentsExportQuery(db, filter, { after, size: batch })));
      finished = rows.length < batch;
      after = rows.at(-1) ?? null;
      return rows.length ? rows : null;
    },
    close: async () => {
      finished = true;
    },
  };
}

/** The payments export as a CSV stream, one chunk per batch: the next batch is read while this one is written,
 * so at most two batches are in memory whatever the size. A download given up ends the query. */
export function paymentsCsvStream(
  db: Db,
  filter: PaymentFilter,
  options: { bom: boolean; merchantNames: MerchantNamesOf; batch?: number; onRows?: (count: number) => void },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const names = new Map<string, string>();
  const looked = new Set<string>();
  let batches: ReturnType<typeof exportBatches> | null = null;
  let next: Promise<PaymentExportRow[] | null> | null = null;
  const read = () => {
    const promise = batches!.next();
    // A failure is reported by pull; this only keeps it from counting as unhandled meanwhile.
    promise.catch(() => {});
    return promise;
  };

  async function nameAccounts(rows: PaymentExportRow[]) {
    let unknown: string[] | null = null;
    for (const row of rows)
      if (!looked.has(row.account_id)) {
        looked.add(row.account_id);
        (unknown ??= []).push(row.account_id);
      }
    if (unknown) for (const [id, name] of await options.merchantNames(db, unknown)) names.set(id, name);
  }

  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode((options.bom ? UTF8_BOM : '') + csvRow(paymentCsvHeader)));
      batches = exportBatches(db, filter, options.batch ?? EXPORT_BATCH);
      next = read();
    },
    async pull(controller) {
      try {
        const rows = await next!;
        if (!rows) {
          controller.close();
          return;
        }
        next = read();
        await nameAccounts(rows);
        let text = '';
        for (const row of rows) text += paymentCsvRow(row, names.get(row.account_id));
        controller.enqueue(encoder.encode(text));
        options.onRows?.(rows.length);
      } catch (error) {
        // Headers are gone by now: failing the stream makes the browser report a failed download.
        console.error('[payments export failed]', error);
        controller.error(error);
        await batches?.close().catch(() => {});
      }
    },
    async cancel() {
      await batches?.close();
    },
  });
}
