import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

/**
 * Append-only record of every action that changes money, configuration or access.
 * Actor email and role are copied at the time of the action so history survives renames.
 * A trigger (migration 0001) refuses UPDATE and DELETE on this table.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    // Users are disabled, never deleted, so the reference always resolves.
    actorId: uuid('actor_id').references(() => users.id),
    /** `system` for work no person started (bootstrap, jobs). */
    actorEmail: text('actor_email').notNull(),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    outcome: text('outcome', { enum: ['success', 'failure', 'denied'] }).notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    requestId: text('request_id'),
    /** Klarna's `error_id` when Klarna refused, and the idempotency key sent, for support. */
    klarnaErrorId: text('klarna_error_id'),
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    index('audit_log_occurred_idx').on(t.occurredAt.desc(), t.id.desc()),
    index('audit_log_actor_idx').on(t.actorId, t.occurredAt.desc(), t.id.desc()),
    index('audit_log_action_idx').on(t.action, t.occurredAt.desc(), t.id.desc()),
    // recordAuditOnce: is this intent (key) already recorded?
    index('audit_log_idempotency_key_idx')
      .on(t.idempotencyKey, t.action)
      .where(sql`${t.idempotencyKey} is not null`),
  ],
);

export type AuditRow = typeof auditLog.$inferSelect;
