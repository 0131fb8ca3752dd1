import { z } from 'zod';
import { requireCapability } from '@/lib/auth/session';
import { getDb } from '@/lib/db';
import { AppError, ForbiddenError, UnauthenticatedError } from '@/lib/errors';
import { merchantsVersion } from '@/lib/merchants/cache';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ account: z.string().trim().min(1).max(300).optional() });

/**
 * A fingerprint of the merchants cache (or of one account and its timeline), polled by the
 * merchant pages: when a webhook changes an account, the page refreshes without a reload.
 */
export async function GET(request: Request) {
  try {
    await requireCapability('dashboard.read', 'merchantsVersion');
  } catch (error) {
    if (error instanceof UnauthenticatedError) return Response.json({ error: error.message }, { status: 401 });
    if (error instanceof ForbiddenError) return Response.json({ error: error.message }, { status: 403 });
    throw error;
  }
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return Response.json({ error: `account: ${parsed.error.issues[0]?.message ?? 'invalid'}` }, { status: 400 });
  try {
    const version = await merchantsVersion(getDb(), parsed.data.account);
    return Response.json({ version }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    if (error instanceof AppError) return Response.json({ error: error.message }, { status: 400 });
    throw error;
  }
}
