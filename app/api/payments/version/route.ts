import { z } from 'zod';
import { requireCapability } from '@/lib/auth/session';
import { getDb } from '@/lib/db';
import { AppError, ForbiddenError, UnauthenticatedError } from '@/lib/errors';
import { paymentsVersion } from '@/lib/payments/cache';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ id: z.string().trim().min(1).max(300).optional() });

/**
 * A fingerprint of the payments cache (or of one transaction, `?id=`, and its timeline), polled
 * by the payment pages: when a webhook changes a payment, the page refreshes without a reload.
 */
export async function GET(request: Request) {
  try {
    await requireCapability('dashboard.read', 'paymentsVersion');
  } catch (error) {
    if (error instanceof UnauthenticatedError) return Response.json({ error: error.message }, { status: 401 });
    if (error instanceof ForbiddenError) return Response.json({ error: error.message }, { status: 403 });
    throw error;
  }
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return Response.json({ error: `id: ${parsed.error.issues[0]?.message ?? 'invalid'}` }, { status: 400 });
  try {
    const version = await paymentsVersion(getDb(), parsed.data.id);
    return Response.json({ version }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    if (error instanceof AppError) return Response.json({ error: error.message }, { status: 400 });
    throw error;
  }
}
