import { appDb } from '@/lib/db';
import { routeContext } from '@/lib/auth/route';
import { handleSettlementUpload } from './handle';

export const dynamic = 'force-dynamic';
// Files of several GB take a while to arrive.
export const maxDuration = 3600;

/**
 * A settlement file upload: the raw file as the request body (not multipart), parsed as it
 * arrives and COPYed into Postgres while hashed, never held whole in memory nor written to disk
 * (proxy.ts leaves this route out so Next.js does not buffer it), so any instance can take it
 * and any instance's worker reconciles it. Answers when the last byte is in, with the import
 * to follow (GET /api/settlements/imports/{id} shows the reconciliation's progress).
 */
export async function POST(request: Request) {
  const { ctx, denied } = await routeContext(request, 'settlements.reconcile', 'uploadSettlementFile');
  if (denied) return denied;
  return handleSettlementUpload(request, { ...ctx, handle: appDb() });
}
