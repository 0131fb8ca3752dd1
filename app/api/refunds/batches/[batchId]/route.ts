import { routeContext } from '@/lib/auth/route';
import { toResponse } from '@/lib/errors';
import { getRefundBatchProgress } from '@/lib/refunds/service';

export const dynamic = 'force-dynamic';

/** A batch's progress (polled by every browser showing it): counts, rows per second, time left. */
export async function GET(request: Request, { params }: { params: Promise<{ batchId: string }> }) {
  const { ctx, denied } = await routeContext(request, 'dashboard.read', 'readRefundBatch');
  if (denied) return denied;
  try {
    const progress = await getRefundBatchProgress(ctx, (await params).batchId);
    return Response.json(progress, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return toResponse(error, { requestId: ctx.requestId });
  }
}
