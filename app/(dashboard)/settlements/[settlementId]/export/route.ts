import { z } from 'zod';
import { getSettlement, listSettlementLinesForCsv, listSettlementMissingForCsv } from '@/lib/settlements/queries';
import { routeContext } from '@/lib/auth/route';
import { exportTracker, trackedBody } from '@/lib/exports/progress';
import { NotFoundError, toResponse } from '@/lib/errors';
import { csvRow, UTF8_BOM, wantsBom } from '@/lib/payments/csv';
import { decodeSegment } from '@/lib/ui/search-params';
import { settlementCsvHeader, settlementLineCsvRow, settlementMissingCsvRow } from '@/lib/settlements/export-csv';

export const dynamic = 'force-dynamic';

const PAGE_SIZE = 1000;
const idSchema = z.string().trim().min(1).max(300);

/**
 * One payout's lines with verdicts and explanations, then its missing captures and refunds,
 * as CSV, reading only the columns it writes. Streamed a page at a time on the lines' keyset, one page per chunk the client
 * takes, so a payout of a million lines never sits in memory. `?bom=1` starts it with a UTF-8
 * byte order mark, for Excel; `?progress=<uuid>` counts its rows for the page (lib/exports/progress.ts).
 */
export async function GET(request: Request, { params }: { params: Promise<{ settlementId: string }> }) {
  const { ctx, denied } = await routeContext(request, 'dashboard.read', 'exportSettlementLines');
  if (denied) return denied;
  const id = idSchema.safeParse(decodeSegment((await params).settlementId));
  if (!id.success) return toResponse(new NotFoundError('No such payout.'));
  const { db } = ctx;
  const payout = await getSettlement(db, id.data);
  if (!payout) return toResponse(new NotFoundError('No such payout.'));

  const encoder = new TextEncoder();
  const bom = wantsBom(request.url) ? UTF8_BOM : '';
  let phase: 'header' | 'lines' | 'missing' = 'header';
  let afterLineNo = 0;
  let afterMissing: [string, string] | null = null;
  const tracker = exportTracker(request, ctx.actor.id);
  const lines = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (phase === 'header') {
          controller.enqueue(encoder.encode(bom + csvRow(settlementCsvHeader)));
          phase = 'lines';
          return;
        }
        if (phase === 'lines') {
          const rows = await listSettlementLinesForCsv(db, payout, { afterLineNo, limit: PAGE_SIZE });
          if (rows.length) controller.enqueue(encoder.encode(rows.map(settlementLineCsvRow).join('')));
          tracker?.rows(rows.length);
          afterLineNo = rows.at(-1)?.lineNo ?? afterLineNo;
          if (rows.length < PAGE_SIZE) phase = 'missing';
          return;
        }
        const page = await listSettlementMissingForCsv(db, payout, { after: afterMissing, limit: PAGE_SIZE });
        if (page.rows.length) controller.enqueue(encoder.encode(page.rows.map(settlementMissingCsvRow).join('')));
        tracker?.rows(page.rows.length);
        afterMissing = page.after;
        if (!afterMissing) controller.close();
      } catch (error) {
        // Headers are gone by now: failing the stream makes the browser report a failed download.
        console.error('[settlement export failed]', error);
        controller.error(error);
      }
    },
  });

  const name = payout.settlementId.replace(/[^\w.-]+/g, '_').slice(-80);
  return new Response(trackedBody(lines, tracker), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="settlement-${name}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
