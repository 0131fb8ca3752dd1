import { asc, not, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { apiRequests } from '@/db/schema';
import { redact } from './redact';

/** Masking is not idempotent (`+46 *** ** 12` would become `***`), so `personal_data_masked` ensures once only.
 * Batches lock `FOR UPDATE SKIP LOCKED`, so instances share the work. */
export async function maskStoredApiRequests(db: Db, options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let masked = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: apiRequests.id, requestBody: apiRequests.requestBody, responseBody: apiRequests.responseBody })
        .from(apiRequests)
        .where(not(apiRequests.personalDataMasked))
        .orderBy(asc(apiRequests.id))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      if (rows.length === 0) return 0;
      const batch = rows.map((r) => ({
        id: r.id,
        req: redact(r.requestBody) ?? null,
        res: redact(r.responseBody) ?? null,
      }));
      await tx.execute(sql`
        UPDATE ${apiRequests} AS r
        SET request_body = v.req, response_body = v.res, personal_data_masked = true
        FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) AS v(id bigint, req jsonb, res jsonb)
        WHERE r.id = v.id`);
      return rows.length;
    });
    masked += done;
    if (done < batchSize) return masked;
  }
}

export async function hasUnmaskedApiRequests(db: Db): Promise<boolean> {
  const [row] = await db
    .select({ id: apiRequests.id })
    .from(apiRequests)
    .where(not(apiRequests.personalDataMasked))
    .limit(1);
  return row !== undefined;
}

/** A stored row as the log's pages may show it: a row the backfill has not reached yet is masked on read. */
export function maskedForDisplay<
  T extends { personalDataMasked: boolean; requestBody: unknown; responseBody: unknown },
>(row: T): T {
  if (row.personalDataMasked) return row;
  return { ...row, requestBody: redact(row.requestBody), responseBody: redact(row.responseBody) };
}
