import { and, asc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import { settlementImports, settlementQuarantine } from '@/db/schema';
import { csvRow, UTF8_BOM, wantsBom } from '@/lib/payments/csv';
import { routeContext } from '@/lib/auth/route';
import { exportTracker, trackedBody } from '@/lib/exports/progress';
import { NotFoundError, toResponse } from '@/lib/errors';

export const dynamic = 'force-dynamic';

const noSuchImport = () => new NotFoundError('No such import.');

/** The lines an import could not read, as CSV: line, column, reason, then the record's cells under the file's header (`?bom=1`: with a byte order mark, for Excel; `?progress=<uuid>`: rows counted for the page). */
export async function GET(request: Request, { params }: { params: Promise<{ importId: string }> }) {
  const { ctx, denied } = await routeContext(request, 'dashboard.read', 'downloadSettlementQuarantine');
  if (denied) return denied;
  const id = z.uuid().safeParse((await params).importId);
  if (!id.success) return toResponse(noSuchImport());
  const { db } = ctx;
  const [imp] = await db.select().from(settlementImports).where(eq(settlementImports.id, id.data));
  if (!imp) return toResponse(noSuchImport());
  const columns = imp.columns ?? [];
  const encoder = new TextEncoder();
  const tracker = exportTracker(request, ctx.actor.id);
  const bom = wantsBom(request.url) ? UTF8_BOM : '';
  let after = 0;
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(bom + csvRow(['line', 'column', 'reason', ...columns])));
        return;
      }
      const rows = await db
        .select()
        .from(settlementQuarantine)
        .where(and(eq(settlementQuarantine.importId, imp.id), gt(settlementQuarantine.lineNo, after)))
        .orderBy(asc(settlementQuarantine.lineNo))
        .limit(1000);
      if (rows.length)
        controller.enqueue(
          encoder.encode(
            rows
              .map((r) => csvRow([String(r.lineNo), r.column ?? '', r.reason, ...columns.map((c) => r.raw[c] ?? '')]))
              .join(''),
          ),
        );
      tracker?.rows(rows.length);
      after = rows.at(-1)?.lineNo ?? after;
      if (rows.length < 1000) controller.close();
    },
  });
  const base = imp.fileName.replace(/\.csv$/i, '').replace(/[^\w.-]+/g, '_');
  return new Response(trackedBody(body, tracker), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${base}-quarantined-lines.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
