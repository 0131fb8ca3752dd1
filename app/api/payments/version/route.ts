import { z } from 'zod';
import { routeContext } from '@/lib/auth/route';
import { AppError, toResponse } from '@/lib/errors';
import { paymentsVersion } from '@/lib/payments/cache';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ id: z.string().trim().min(1).max(300).optional() });

/**
 * A fingerprint of the payments cache (or of one transaction, `?id=`, and its timeline), polled
 * by the payment pages: when a webhook changes a payment, the page refreshes without a reload.
 */
export async function GET(request: Request) {
  const { ctx, denied } = await routeContext(request, 'dashboard.read', 'paymentsVersion', { recent: true });
  if (denied) return denied;
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success)
    return toResponse(
      new AppError('validation', 'INVALID_REQUEST', `id: ${parsed.error.issues[0]?.message ?? 'invalid'}`),
    );
  try {
    const version = await paymentsVersion(ctx.db, parsed.data.id);
    return Response.json({ version }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return toResponse(error);
  }
}
