import { routeContext } from '@/lib/auth/route';
import { AppError, toResponse } from '@/lib/errors';
import { paymentLinkVersion } from '@/lib/payments/links';
import { decodeSegment } from '@/lib/ui/search-params';

export const dynamic = 'force-dynamic';

/**
 * A fingerprint of one payment link and its timeline, polled by the link page: when a Klarna
 * webhook moves the request (the shopper opened, approved, was declined), the page refreshes.
 */
export async function GET(request: Request, { params }: { params: Promise<{ paymentRequestId: string }> }) {
  const { ctx, denied } = await routeContext(request, 'dashboard.read', 'paymentLinkVersion', { recent: true });
  if (denied) return denied;
  const paymentRequestId = decodeSegment((await params).paymentRequestId);
  if (!paymentRequestId || paymentRequestId.length > 300)
    return toResponse(new AppError('validation', 'INVALID_REQUEST', 'paymentRequestId: invalid'));
  const version = await paymentLinkVersion(ctx.db, paymentRequestId);
  return Response.json({ version }, { headers: { 'cache-control': 'no-store' } });
}
