import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { settlementImports } from '@/db/schema';
import { settlementIdsOf } from '@/lib/settlements/import';
import { routeContext } from '@/lib/auth/route';
import { NotFoundError, toResponse } from '@/lib/errors';

export const dynamic = 'force-dynamic';

const noSuchImport = () => new NotFoundError('No such import.');

/** An import's stored progress (polled by every browser showing it). */
export async function GET(request: Request, { params }: { params: Promise<{ importId: string }> }) {
  const { ctx, denied } = await routeContext(request, 'dashboard.read', 'readSettlementImport');
  if (denied) return denied;
  const id = z.uuid().safeParse((await params).importId);
  if (!id.success) return toResponse(noSuchImport());
  const { db } = ctx;
  const [row] = await db.select().from(settlementImports).where(eq(settlementImports.id, id.data));
  if (!row) return toResponse(noSuchImport());
  return Response.json(
    {
      id: row.id,
      status: row.status,
      fileName: row.fileName,
      source: row.source,
      sizeBytes: row.sizeBytes,
      bytesRead: row.bytesRead,
      linesRead: row.linesRead,
      linesImported: row.linesImported,
      linesQuarantined: row.linesQuarantined,
      error: row.error,
      createdAt: row.createdAt,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
      uploadedByEmail: row.uploadedByEmail,
      settlementIds: row.status === 'done' ? await settlementIdsOf(db, row.id) : [],
    },
    { headers: { 'cache-control': 'no-store' } },
  );
}
