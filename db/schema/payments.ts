import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

/**
 * The dashboard's copy of Klarna payment transactions (the payments list reads only this).
 * Amounts are integers in the currency's minor units (bigint, read as JS numbers: safe up to
 * 2^53). Written from Klarna's answers after every operation made here, by the transaction
 * webhooks, and by "refresh from Klarna"; `klarnaUpdatedAt` orders them, so an older view
 * never overwrites a newer one.
 */
export const paymentTransactions = pgTable(
  'payment_transactions',
  {
    paymentTransactionId: text('payment_transaction_id').primaryKey(),
    accountId: text('account_id').notNull(),
    paymentRequestId: text('payment_request_id'),
    state: text('state').notNull(),
    currency: text('currency').notNull(),
    authorizedAmount: bigint('authorized_amount', { mode: 'number' }).notNull(),
    capturedAmount: bigint('captured_amount', { mode: 'number' }).notNull(),
    refundedAmount: bigint('refunded_amount', { mode: 'number' }).notNull(),
    remainingAuthorizedAmount: bigint('remaining_authorized_amount', { mode: 'number' }).notNull(),
    merchantReference: text('merchant_reference'),
    paymentReference: text('payment_reference'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    klarnaCreatedAt: timestamp('klarna_created_at', { withTimezone: true }).notNull(),
    klarnaUpdatedAt: timestamp('klarna_updated_at', { withTimezone: true }).notNull(),
    /** Klarna's `operations_count` with that view (null: not told); breaks ties of `klarnaUpdatedAt`. */
    klarnaOperations: integer('klarna_operations'),
    /** Klarna's last full answer (captures, refunds, lines, shipping, pricing), unknown fields kept. Null when known from a webhook only. */
    klarna: jsonb('klarna').$type<Record<string, unknown>>(),
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One index per filter the list offers, each ending in the keyset order (created, id).
    index('payment_transactions_created_idx').on(t.klarnaCreatedAt.desc(), t.paymentTransactionId.desc()),
    index('payment_transactions_account_idx').on(t.accountId, t.klarnaCreatedAt.desc(), t.paymentTransactionId.desc()),
    index('payment_transactions_state_idx').on(t.state, t.klarnaCreatedAt.desc(), t.paymentTransactionId.desc()),
    index('payment_transactions_currency_idx').on(t.currency, t.klarnaCreatedAt.desc(), t.paymentTransactionId.desc()),
    // The amount sorts order by (amount, id) ASC or DESC (drizzle's asc/desc: NULLS LAST / NULLS FIRST,
    // both columns NOT NULL anyway): this index read forwards or backwards is exactly either order.
    index('payment_transactions_amount_idx').on(t.authorizedAmount, t.paymentTransactionId),
    index('payment_transactions_merchant_ref_idx').using('btree', sql`${t.merchantReference} text_pattern_ops`),
    index('payment_transactions_payment_ref_idx').using('btree', sql`${t.paymentReference} text_pattern_ops`),
    index('payment_transactions_request_idx').on(t.paymentRequestId),
    index('payment_transactions_updated_idx').on(t.updatedAt),
  ],
);
export type PaymentTransactionRow = typeof paymentTransactions.$inferSelect;

/** Everything that happened to a payment: Klarna's webhooks, operations made here, drift found on refresh. */
export const paymentTimeline = pgTable(
  'payment_timeline',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    paymentTransactionId: text('payment_transaction_id'),
    paymentRequestId: text('payment_request_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    source: text('source', { enum: ['webhook', 'dashboard', 'sync'] }).notNull(),
    kind: text('kind').notNull(),
    summary: text('summary').notNull(),
    amount: bigint('amount', { mode: 'number' }),
    currency: text('currency'),
    eventId: text('event_id'),
    actorId: uuid('actor_id').references(() => users.id),
    actorEmail: text('actor_email'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index('payment_timeline_transaction_idx').on(t.paymentTransactionId, t.occurredAt.desc(), t.id.desc()),
    index('payment_timeline_request_idx').on(t.paymentRequestId, t.occurredAt.desc(), t.id.desc()),
    uniqueIndex('payment_timeline_event_idx')
      .on(t.eventId)
      .where(sql`${t.eventId} is not null`),
  ],
);
export type PaymentTimelineRow = typeof paymentTimeline.$inferSelect;

/** Payment requests (payment links) created here, and ones learnt from webhooks. */
export const paymentRequests = pgTable(
  'payment_requests',
  {
    paymentRequestId: text('payment_request_id').primaryKey(),
    accountId: text('account_id').notNull(),
    state: text('state').notNull(),
    currency: text('currency'),
    paymentAmount: bigint('payment_amount', { mode: 'number' }),
    paymentReference: text('payment_reference'),
    merchantReference: text('merchant_reference'),
    distributionUrl: text('distribution_url'),
    paymentTransactionId: text('payment_transaction_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    klarnaUpdatedAt: timestamp('klarna_updated_at', { withTimezone: true }),
    klarna: jsonb('klarna').$type<Record<string, unknown>>(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('payment_requests_created_idx').on(t.createdAt.desc(), t.paymentRequestId.desc()),
    index('payment_requests_account_idx').on(t.accountId, t.createdAt.desc()),
    // The links list's live fingerprint reads max(updated_at).
    index('payment_requests_updated_idx').on(t.updatedAt),
  ],
);
export type PaymentRequestRow = typeof paymentRequests.$inferSelect;

/**
 * Every capture and refund the dashboard knows, one row each (settlement lines reconcile
 * against these). Written with the transaction from Klarna's full answers and from the
 * captured / refunded webhooks. The rate is the transaction's `payment_pricing.rate` when the
 * capture was made (fees apply per capture); null when not known yet.
 */
export const paymentOperations = pgTable(
  'payment_operations',
  {
    /** `payment_capture_id` or `payment_refund_id`. */
    operationId: text('operation_id').primaryKey(),
    kind: text('kind', { enum: ['capture', 'refund'] }).notNull(),
    paymentTransactionId: text('payment_transaction_id').notNull(),
    accountId: text('account_id').notNull(),
    currency: text('currency').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    /** For a refund: the capture it was made against, when it was. */
    paymentCaptureId: text('payment_capture_id'),
    reference: text('reference'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    rateFixed: bigint('rate_fixed', { mode: 'number' }),
    rateVariable: bigint('rate_variable', { mode: 'number' }),
    taxFixed: bigint('tax_fixed', { mode: 'number' }),
    taxVariable: bigint('tax_variable', { mode: 'number' }),
  },
  (t) => [
    index('payment_operations_transaction_idx').on(t.paymentTransactionId),
    index('payment_operations_occurred_idx').on(t.occurredAt),
  ],
);
export type PaymentOperationRow = typeof paymentOperations.$inferSelect;

/**
 * Money operations sent to Klarna whose outcome is not known yet (design.md, "Idempotency").
 * A row is written before the first attempt (`sending`) and removed when Klarna's answer is
 * definitive. When retries run out without one (5xx, timeout, broken connection) it turns
 * `unknown` and blocks every other operation on the payment until Klarna's read of the
 * transaction tells whether it was made; one that was not made stays (`not_made`, 24 h, the
 * key's life at Klarna) so that its key is never sent again (Klarna may replay a failure under
 * it): the same intent sent again gets a new key. A `sending` row's key is reused by the same
 * intent sent again while it waits.
 */
export const paymentPendingOperations = pgTable(
  'payment_pending_operations',
  {
    idempotencyKey: text('idempotency_key').primaryKey(),
    paymentTransactionId: text('payment_transaction_id').notNull(),
    accountId: text('account_id').notNull(),
    operation: text('operation', { enum: ['capture', 'refund', 'release', 'reauthorize'] }).notNull(),
    /** The nonce the key was derived from (the form's intent id when the intent was first sent). */
    nonce: text('nonce').notNull(),
    /** Digest of (operation, target, body): the same intent submitted again finds its key by it. */
    intentDigest: text('intent_digest').notNull(),
    /** The wire body sent, and what the dashboard adds (the capture refunded, the reason). */
    request: jsonb('request').$type<Record<string, unknown>>().notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    /** The transaction as known just before the first attempt: what a later read is compared with. */
    baseline: jsonb('baseline').$type<Record<string, unknown>>().notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: ['sending', 'unknown', 'not_made'] }).notNull(),
    /** Why the outcome is unknown, as a sentence ("Klarna did not answer in time."). */
    cause: text('cause'),
    actorId: uuid('actor_id').references(() => users.id),
    actorEmail: text('actor_email'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('payment_pending_operations_transaction_idx').on(t.paymentTransactionId, t.status)],
);
export type PaymentPendingOperationRow = typeof paymentPendingOperations.$inferSelect;
