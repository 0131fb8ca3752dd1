import { and, between, desc, eq, isNull, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { decodeIdCursor, encodeIdCursor, pageOf, utcDayRange } from '@/lib/pagination';
import { apiRequests, type ApiRequestRow } from '@/db/schema';
import type { KlarnaAttempt } from './client';
import { maskedForDisplay } from './mask-backfill';

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

export const apiRequestStatusClasses = ['2xx', '4xx', '5xx', 'network'] as const;
export type ApiRequestStatusClass = (typeof apiRequestStatusClasses)[number];

export const apiRequestFilterSchema = z
  .object({
    operation: z.string().trim().max(100).optional(),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
    /** `network`: no answer came (status null). */
    status: z.enum(apiRequestStatusClasses).optional(),
    idempotencyKey: z.string().trim().max(300).optional(),
    errorId: z.string().trim().max(300).optional(),
    accountId: z.string().trim().max(300).optional(),
    correlationId: z.string().trim().max(300).optional(),
    /** Inclusive UTC day bounds, YYYY-MM-DD. */
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'must not be before from' });
export type ApiRequestFilter = z.input<typeof apiRequestFilterSchema>;

const listColumns = {
  id: apiRequests.id,
  occurredAt: apiRequests.occurredAt,
  operation: apiRequests.operation,
  method: apiRequests.method,
  path: apiRequests.path,
  accountId: apiRequests.accountId,
  attempt: apiRequests.attempt,
  status: apiRequests.status,
  durationMs: apiRequests.durationMs,
  errorCode: apiRequests.errorCode,
  errorId: apiRequests.errorId,
  idempotencyKey: apiRequests.idempotencyKey,
  correlationId: apiRequests.correlationId,
};
export type ApiRequestListRow = Pick<ApiRequestRow, keyof typeof listColumns>;
export type ApiRequestPage = { rows: ApiRequestListRow[]; nextCursor: string | null };

const statusRanges = { '2xx': [200, 299], '4xx': [400, 499], '5xx': [500, 599] } as const;

export async function listApiRequests(db: Db, filter: ApiRequestFilter = {}): Promise<ApiRequestPage> {
  const f = apiRequestFilterSchema.parse(filter);
  const where: SQL[] = [];
  if (f.operation) where.push(eq(apiRequests.operation, f.operation));
  if (f.method) where.push(eq(apiRequests.method, f.method));
  if (f.status === 'network') where.push(isNull(apiRequests.status));
  else if (f.status) {
    const [low, high] = statusRanges[f.status];
    where.push(between(apiRequests.status, low, high));
  }
  if (f.idempotencyKey) where.push(eq(apiRequests.idempotencyKey, f.idempotencyKey));
  if (f.errorId) where.push(eq(apiRequests.errorId, f.errorId));
  if (f.accountId) where.push(eq(apiRequests.accountId, f.accountId));
  if (f.correlationId) where.push(eq(apiRequests.correlationId, f.correlationId));
  where.push(...utcDayRange(apiRequests.occurredAt, f.from, f.to));
  const cursor = decodeIdCursor(f.cursor);
  if (cursor) where.push(lt(apiRequests.id, cursor));
  const rows = await db
    .select(listColumns)
    .from(apiRequests)
    .where(and(...where))
    .orderBy(desc(apiRequests.id))
    .limit(f.limit + 1);
  return pageOf(rows, f.limit, (last) => encodeIdCursor(last.id));
}

/** One request with its bodies, personal data masked (on read if the row predates masking and the backfill has not reached it). */
export async function getApiRequest(db: Db, id: number): Promise<ApiRequestRow | null> {
  if (!Number.isSafeInteger(id) || id < 1) return null;
  const [row] = await db.select().from(apiRequests).where(eq(apiRequests.id, id)).limit(1);
  return row ? maskedForDisplay(row) : null;
}
