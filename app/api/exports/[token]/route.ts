import { routeContext } from '@/lib/auth/route';
import { NotFoundError, toResponse } from '@/lib/errors';
import { readExportProgress } from '@/lib/exports/progress';

export const dynamic = 'force-dynamic';

/** How many rows a running export has written (lib/exports/progress.ts), for the person who started it. */
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { ctx, denied } = await routeContext(request, 'dashboard.read', 'readExportProgress', { recent: true });
  if (denied) return denied;
  const progress = readExportProgress((await params).token, ctx.actor.id);
  if (!progress) return toResponse(new NotFoundError('This export has not started yet.'), { requestId: ctx.requestId });
  return Response.json(progress, { headers: { 'cache-control': 'no-store' } });
}
