import { routeContext } from '@/lib/auth/route';
import { exportTracker, trackedBody } from '@/lib/exports/progress';
import { wantsBom } from '@/lib/payments/csv';
import { paymentsCsvStream } from '@/lib/payments/export';
import { merchantNames } from '@/lib/merchants/names';
import { parsePaymentSearch } from '@/app/(dashboard)/payments/_components/list-search';

export const dynamic = 'force-dynamic';

/**
 * The payments list as CSV, with the list's own URL filters (an invalid one is dropped, as the
 * page drops it) and its order. Streamed page by page on the list's keyset
 * (lib/payments/export.ts), so an export of any size never sits in memory. Every matching row,
 * reading only the columns it writes.
 * `?bom=1` starts it with a UTF-8 byte order mark, for Excel; `?progress=<uuid>` counts its rows for the
 * page that started it (lib/exports/progress.ts).
 */
export async function GET(request: Request) {
  const { ctx, denied } = await routeContext(request, 'dashboard.read', 'exportPayments');
  if (denied) return denied;
  const params = new URL(request.url).searchParams;
  const { filter } = parsePaymentSearch(Object.fromEntries([...params.keys()].map((k) => [k, params.getAll(k)])));
  const tracker = exportTracker(request, ctx.actor.id);
  const body = trackedBody(
    paymentsCsvStream(ctx.db, filter, {
      bom: wantsBom(request.url),
      merchantNames,
      onRows: (count) => tracker?.rows(count),
    }),
    tracker,
  );

  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="payments-${day}.csv"`,
      // no-transform: Next.js would otherwise gzip the stream on the app server's CPU (measured on
      // a million rows: 12–14 s of server CPU with gzip, 8 s without). The CSV travels uncompressed
      // (about 5× the bytes); no-transform asks proxies on the way not to recompress it either.
      'cache-control': 'no-store, no-transform',
      'x-content-type-options': 'nosniff',
    },
  });
}
