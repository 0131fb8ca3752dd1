import { requireCapability } from '@/lib/auth/session';
import { getDb } from '@/lib/db';
import { ForbiddenError, UnauthenticatedError } from '@/lib/errors';
import { paymentLinkVersion } from '@/lib/payments/links';

export const dynamic = 'force-dynamic';

/**
 * A fingerprint of one payment link and its timeline, polled by the link page: when a Klarna
 * webhook moves the request (the shopper opened, approved, was declined), the page refreshes.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ paymentRequestId: string }> }) {
  try {
    await requireCapability('dashboard.read', 'paymentLinkVersion');
  } catch (error) {
    if (error instanceof UnauthenticatedError) return Response.json({ error: error.message }, { status: 401 });
    if (error instanceof ForbiddenError) return Response.json({ error: error.message }, { status: 403 });
    throw error;
  }
  // The segment may arrive still URL-encoded (`krn%3Apayment%3A…`), depending on the caller.
  let { paymentRequestId } = await params;
  try {
    paymentRequestId = decodeURIComponent(paymentRequestId);
  } catch {
    // Not encoded after all: used as it is.
  }
  if (!paymentRequestId || paymentRequestId.length > 300) return Response.json({ error: 'paymentRequestId: invalid' }, { status: 400 });
  const version = await paymentLinkVersion(getDb(), paymentRequestId);
  return Response.json({ version }, { headers: { 'cache-control': 'no-store' } });
}
