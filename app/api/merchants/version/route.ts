import { z } from 'zod';
import { routeContext } from '@/lib/auth/route';
import { AppError, toResponse } from '@/lib/errors';
import { merchantsVersion } from '@/lib/merchants/cache';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ account: z.string().trim().min(1).max(300).optional() });

/**
 * A fingerprint of the merchants cache (or of one account and its timeline), polled by the
 * merchant pages: when a webhook changes an account, the page refreshes without a reload.
 */
export async function GET(request: Request) {
  const { ctx, denied } = await routeContext(request, 'dashboard.read', 'merchantsVersion', { recent: true });
  if (denied) return denied;
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success)
    return toResponse(
      new AppError('validation', 'INVALID_REQUEST', `account: ${parsed.error.issues[0]?.message ?? 'invalid'}`),
    );
  try {
    const version = await merchantsVersion(ctx.db, parsed.data.account);
    return Response.json({ version }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return toResponse(error);
  }
}
