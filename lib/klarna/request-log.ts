import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { apiRequests, type ApiRequestRow } from '@/db/schema';
import type { KlarnaAttempt } from './client';

/** The client's `record` hook writing to `api_requests`. */
export function recordKlarnaAttemptsIn(db: Db): (attempt: KlarnaAttempt) => Promise<void> {
  return async (attempt) => {
    await db.insert(apiRequests).values({
      operation: attempt.operation,
      method: attempt.method,
      path: attempt.path,
      accountId: attempt.accountId,
      attempt: attempt.attempt,
      status: attempt.status,
      durationMs: attempt.durationMs,
      errorCode: attempt.errorCode,
      errorId: attempt.errorId,
      idempotencyKey: attempt.idempotencyKey,
      correlationId: attempt.correlationId,
      requestBody: attempt.requestBody ?? null,
      responseBody: attempt.responseBody ?? null,
    });
  };
}

export type ApiRequestFilter = { idempotencyKey?: string; errorId?: string; beforeId?: number; limit?: number };

/** Newest first; `beforeId` pages on (the identity id grows with insertion). */
export async function listApiRequests(db: Db, filter: ApiRequestFilter = {}): Promise<{ rows: ApiRequestRow[]; nextBeforeId: number | null }> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const where: SQL[] = [];
  if (filter.idempotencyKey) where.push(eq(apiRequests.idempotencyKey, filter.idempotencyKey));
  if (filter.errorId) where.push(eq(apiRequests.errorId, filter.errorId));
  if (filter.beforeId) where.push(sql`${apiRequests.id} < ${filter.beforeId}`);
  const rows = await db.select().from(apiRequests).where(and(...where)).orderBy(desc(apiRequests.id)).limit(limit + 1);
  const page = rows.slice(0, limit);
  return { rows: page, nextBeforeId: rows.length > limit ? page.at(-1)!.id : null };
}
