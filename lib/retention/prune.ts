import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '@/db/client';
import type { Env } from '@/lib/env';

/** Deleted in short `SKIP LOCKED` batches, never blocking the receiver. Kept whatever their age: failed events,
 * the only record of a capture or refund, re-processed events, API attempts of a money operation still pending. */

export type RetentionPeriods = {
  rejectedWebhooksDays: number;
  webhookEventsDays: number;
  apiRequestsDays: number;
  signInAttemptsDays: number;
  sessionsDays: number;
  batchSize: number;
};

export function retentionPeriods(
  config: Pick<
    Env,
    | 'RETENTION_REJECTED_WEBHOOKS_DAYS'
    | 'RETENTION_WEBHOOK_EVENTS_DAYS'
    | 'RETENTION_API_REQUESTS_DAYS'
    | 'RETENTION_SIGN_IN_ATTEMPTS_DAYS'
    | 'RETENTION_SESSIONS_DAYS'
    | 'RETENTION_BATCH_SIZE'
  >,
): RetentionPeriods {
  return {
    rejectedWebhooksDays: config.RETENTION_REJECTED_WEBHOOKS_DAYS,
    webhookEventsDays: config.RETENTION_WEBHOOK_EVENTS_DAYS,
    apiRequestsDays: config.RETENTION_API_REQUESTS_DAYS,
    signInAttemptsDays: config.RETENTION_SIGN_IN_ATTEMPTS_DAYS,
    sessionsDays: config.RETENTION_SESSIONS_DAYS,
    batchSize: config.RETENTION_BATCH_SIZE,
  };
}

export type PruneCounts = {
  rejectedWebhooks: number;
  webhookEvents: number;
  apiRequests: number;
  signInAttempts: number;
  sessions: number;
};

// A cap of batches per kind per run, so a first run on a neglected database stays bounded.
const MAX_BATCHES_PER_RUN = 1000;

const DAY_MS = 86_400_000;

// jsonb refuses \u0000, and one such event would stop every run; \ufffd keeps the body valid JSON.
const bodyJson = sql.raw(`replace(e.raw_body, '\\u0000', '\\ufffd')::jsonb`);

/** The ids of one batch to delete, each kind's rule; `cutoff` is the oldest instant kept. */
const batches: Record<keyof PruneCounts, { table: SQL; select: (cutoff: SQL, limit: number) => SQL }> = {
  rejectedWebhooks: {
    table: sql`webhook_events`,
    select: (cutoff, limit) => sql`
      SELECT id FROM webhook_events
      WHERE verdict = 'rejected' AND received_at < ${cutoff}
      LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
  },
  webhookEvents: {
    table: sql`webhook_events`,
    select: (cutoff, limit) => sql`
      SELECT e.id FROM webhook_events e
      WHERE e.verdict = 'valid' AND e.status <> 'failed'
        AND e.received_at < ${cutoff} AND (e.last_duplicate_at IS NULL OR e.last_duplicate_at < ${cutoff})
        AND NOT EXISTS (
          SELECT 1 FROM audit_log a
          WHERE a.action = 'webhook_events.reprocess' AND a.target_type = 'webhook_event' AND a.target_id = e.id::text)
        AND NOT (CASE WHEN e.event_type LIKE 'payment.transaction.%' THEN EXISTS (
          SELECT 1 FROM (VALUES
            ((${bodyJson}) #>> '{payload,capture,payment_capture_id}'),
            ((${bodyJson}) #>> '{payload,refund,payment_refund_id}')) AS named(operation_id)
          WHERE named.operation_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM payment_operations o WHERE o.operation_id = named.operation_id))
        ELSE false END)
      LIMIT ${limit} FOR UPDATE OF e SKIP LOCKED`,
  },
  apiRequests: {
    table: sql`api_requests`,
    select: (cutoff, limit) => sql`
      SELECT r.id FROM api_requests r
      WHERE r.occurred_at < ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM payment_pending_operations p WHERE p.idempotency_key = r.idempotency_key)
      LIMIT ${limit} FOR UPDATE OF r SKIP LOCKED`,
  },
  signInAttempts: {
    table: sql`sign_in_attempts`,
    select: (cutoff, limit) => sql`
      SELECT id FROM sign_in_attempts
      WHERE created_at < ${cutoff}
      LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
  },
  sessions: {
    table: sql`user_sessions`,
    select: (cutoff, limit) => sql`
      SELECT id FROM user_sessions
      WHERE coalesce(ended_at, created_at) < ${cutoff}
      LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
  },
};

const periodOf: Record<keyof PruneCounts, keyof RetentionPeriods> = {
  rejectedWebhooks: 'rejectedWebhooksDays',
  webhookEvents: 'webhookEventsDays',
  apiRequests: 'apiRequestsDays',
  signInAttempts: 'signInAttemptsDays',
  sessions: 'sessionsDays',
};

export async function pruneExpired(db: Db, periods: RetentionPeriods, now: Date = new Date()): Promise<PruneCounts> {
  const counts: PruneCounts = { rejectedWebhooks: 0, webhookEvents: 0, apiRequests: 0, signInAttempts: 0, sessions: 0 };
  for (const kind of Object.keys(batches) as (keyof PruneCounts)[]) {
    const cutoff = sql`${new Date(now.getTime() - periods[periodOf[kind]] * DAY_MS).toISOString()}::timestamptz`;
    const { table, select } = batches[kind];
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      const deleted = rowsOf(
        await db.execute(sql`DELETE FROM ${table} WHERE id IN (${select(cutoff, periods.batchSize)}) RETURNING 1`),
      ).length;
      counts[kind] += deleted;
      if (deleted < periods.batchSize) break;
    }
  }
  return counts;
}
