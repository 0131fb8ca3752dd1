import { bigint, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Every HTTP attempt the dashboard made to Klarna (lib/klarna/client.ts), bodies redacted. */
export const apiRequests = pgTable(
  'api_requests',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    operation: text('operation').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    accountId: text('account_id'),
    attempt: integer('attempt').notNull(),
    /** Null when no answer came (network failure or timeout). */
    status: integer('status'),
    durationMs: integer('duration_ms').notNull(),
    errorCode: text('error_code'),
    errorId: text('error_id'),
    idempotencyKey: text('idempotency_key'),
    correlationId: text('correlation_id'),
    requestBody: jsonb('request_body'),
    responseBody: jsonb('response_body'),
  },
  (t) => [
    index('api_requests_occurred_idx').on(t.occurredAt.desc(), t.id.desc()),
    index('api_requests_idempotency_key_idx').on(t.idempotencyKey),
    index('api_requests_error_id_idx').on(t.errorId),
  ],
);

export type ApiRequestRow = typeof apiRequests.$inferSelect;
