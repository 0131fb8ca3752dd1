import { routeContext } from '@/lib/auth/route';
import { exportTracker, trackedBody } from '@/lib/exports/progress';
import { UTF8_BOM, wantsBom } from '@/lib/csv';
import { toResponse } from '@/lib/errors';
import { extraColumnsOf, refundCsvHeader, refundCsvRow } from '@/lib/refunds/csv';
import { getRefundBatch, listRefundBatchRows } from '@/lib/refunds/service';

export const dynamic = 'force-dynamic';

/**
 * A batch's rows as CSV: each row's verdict (the dry run) and, once run, its result (refund id, or
 * Klarna's code, words and error id). Streamed a page at a time; `?bom=1` for Excel; `?progress=<uuid>`
 * counts its rows for the page (lib/exports/progress.ts).
 */
export async function GET(request: Request, { params }: { params: Promise<{ batchId: string }> }) {
  const { ctx, denied } = await routeContext(request, 'dashboard.read', 'exportRefundBatch');
  if (denied) return denied;
  let batch;
  try {
    batch = await getRefundBatch(ctx, (await params).batchId);
  } catch (error) {
    return toResponse(error, { requestId: ctx.requestId });
  }
  const extras = extraColumnsOf(batch);
  const encoder = new TextEncoder();
  const tracker = exportTracker(request, ctx.actor.id);
  let afterLine: number | null = -1;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (afterLine === -1) {
          controller.enqueue(encoder.encode((wantsBom(request.url) ? UTF8_BOM : '') + refundCsvHeader(batch)));
          afterLine = 0;
          return;
        }
        if (afterLine === null) return controller.close();
        const page = await listRefundBatchRows(ctx, { batchId: batch.id, afterLine, limit: 1000 });
        if (page.rows.length)
          controller.enqueue(encoder.encode(page.rows.map((r) => refundCsvRow(r, extras)).join('')));
        tracker?.rows(page.rows.length);
        afterLine = page.nextAfterLine;
        if (afterLine === null) controller.close();
      } catch (error) {
        console.error('[refund batch export failed]', error);
        controller.error(error);
      }
    },
  });
  const stem =
    batch.fileName
      .replace(/\.csv$/i, '')
      .replace(/[^\w.-]+/g, '_')
      .slice(0, 80) || 'refunds';
  const kind = batch.status === 'dry_run' ? 'verdicts' : 'results';
  return new Response(trackedBody(body, tracker), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${stem}-${kind}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
