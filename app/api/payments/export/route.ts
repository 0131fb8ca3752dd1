import { routeContext } from '@/lib/auth/route';
import { listPayments } from '@/lib/payments/cache';
import { csvRow, paymentCsvHeader, paymentCsvRow, UTF8_BOM, wantsBom } from '@/lib/payments/csv';
import { merchantNames } from '@/lib/merchants/names';
import { parsePaymentSearch } from '@/app/(dashboard)/payments/_components/list-search';

export const dynamic = 'force-dynamic';

/** Rows read per query: fewer round trips, still a bounded page in memory. */
const PAGE_SIZE = 2000;

/**
 * The payments list as CSV, with the list's own URL filters (an invalid one is dropped, as the
 * page drops it) and its order. Streamed page by page on the list's keyset, one page read per
 * chunk the client takes, so an export of any size never sits in memory. Every matching row,
 * without Klarna's JSON of each (the list's columns only).
 * `?bom=1` starts it with a UTF-8 byte order mark, for Excel.
 */
export async function GET(request: Request) {
  const { ctx, denied } = await routeContext(request, 'dashboard.read', 'exportPayments');
  if (denied) return denied;
  const params = new URL(request.url).searchParams;
  const bom = wantsBom(request.url) ? UTF8_BOM : '';
  const { filter } = parsePaymentSearch(Object.fromEntries([...params.keys()].map((k) => [k, params.getAll(k)])));
  const { db } = ctx;
  const encoder = new TextEncoder();
  const names = new Map<string, string>();
  const looked = new Set<string>();
  let cursor: string | undefined;
  let started = false;

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(bom + csvRow(paymentCsvHeader)));
        return;
      }
      try {
        const page = await listPayments(db, { ...filter, cursor }, PAGE_SIZE);
        const unknown = [...new Set(page.rows.map((r) => r.accountId))].filter((id) => !looked.has(id));
        if (unknown.length) {
          for (const [id, name] of await merchantNames(db, unknown)) names.set(id, name);
          for (const id of unknown) looked.add(id);
        }
        if (page.rows.length)
          controller.enqueue(encoder.encode(page.rows.map((r) => paymentCsvRow(r, names.get(r.accountId))).join('')));
        cursor = page.nextCursor ?? undefined;
        if (!cursor) controller.close();
      } catch (error) {
        // Headers are gone by now: failing the stream makes the browser report a failed download.
        console.error('[payments export failed]', error);
        controller.error(error);
      }
    },
  });

  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="payments-${day}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
