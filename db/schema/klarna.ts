import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './users';

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
    /**
     * Whether the bodies had personal data masked (lib/klarna/redact.ts) when stored. True for
     * every row written since masking exists; rows stored before it start false until the
     * start-up backfill (lib/klarna/mask-backfill.ts) masks them, and are masked on read till then.
     */
    personalDataMasked: boolean('personal_data_masked').notNull().default(true),
  },
  (t) => [
    index('api_requests_unmasked_idx')
      .on(t.id)
      .where(sql`not ${t.personalDataMasked}`),
    index('api_requests_occurred_idx').on(t.occurredAt.desc(), t.id.desc()),
    index('api_requests_idempotency_key_idx').on(t.idempotencyKey),
    index('api_requests_error_id_idx').on(t.errorId),
    // The log's operation and account filters, in its order (id DESC: these read backwards).
    index('api_requests_operation_idx').on(t.operation, t.id),
    index('api_requests_account_idx').on(t.accountId, t.id),
  ],
);

export type ApiRequestRow = typeof apiRequests.$inferSelect;

/** Where the dashboard talks to Klarna: the embedded sandbox, Klarna's test or live environment. */
export const klarnaEnvironments = ['sandbox', 'test', 'live'] as const;
export type KlarnaEnvironment = (typeof klarnaEnvironments)[number];

/**
 * The partner's Klarna API keys, sealed (lib/crypto/secrets.ts); only the last four characters
 * are ever shown. One active key per environment is what the client uses.
 */
export const klarnaCredentials = pgTable(
  'klarna_credentials',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    environment: text('environment', { enum: klarnaEnvironments }).notNull(),
    label: text('label').notNull(),
    apiKeySealed: text('api_key_sealed').notNull(),
    last4: text('last4').notNull(),
    /** Klarna's id for the key when the dashboard created it (a pasted key's id is unknown). */
    klarnaCredentialId: text('klarna_credential_id'),
    active: boolean('active').notNull().default(false),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('klarna_credentials_one_active_key')
      .on(t.environment)
      .where(sql`${t.active}`),
    index('klarna_credentials_created_idx').on(t.createdAt),
  ],
);
export type KlarnaCredentialRow = typeof klarnaCredentials.$inferSelect;

/**
 * Webhook signing keys. Klarna shows a key once, at creation, so the dashboard seals it then;
 * the receiver looks keys up by the `Klarna-Signing-Key-Id` header. Deleted keys are kept
 * (marked) so old events still show which key signed them. `deleted_at` is when the receiver
 * stops accepting the key: now for a key an admin deletes, 12 hours ahead for one retired by
 * a rotation (Klarna's retries of older deliveries still carry it).
 */
export const klarnaSigningKeys = pgTable(
  'klarna_signing_keys',
  {
    signingKeyId: text('signing_key_id').primaryKey(),
    environment: text('environment', { enum: klarnaEnvironments }).notNull(),
    keySealed: text('key_sealed').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('klarna_signing_keys_environment_idx').on(t.environment, t.createdAt)],
);
export type KlarnaSigningKeyRow = typeof klarnaSigningKeys.$inferSelect;

export const webhookVerdicts = ['valid', 'rejected'] as const;
export type WebhookVerdict = (typeof webhookVerdicts)[number];
/**
 * processed: a handler applied it; no_handler: stored only; failed: the handler threw
 * (re-processable); ignored: a handler declined it with a sentence (e.g. no such payment here);
 * rejected: not accepted.
 */
export const webhookStatuses = ['processed', 'no_handler', 'failed', 'ignored', 'rejected'] as const;
export type WebhookStatus = (typeof webhookStatuses)[number];

/**
 * Every delivery that reached the receiver, valid or not, with its headers and the raw body
 * exactly as received. A valid event is stored once per `event_id`; repeats are counted.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    verdict: text('verdict', { enum: webhookVerdicts }).notNull(),
    rejectReason: text('reject_reason'),
    status: text('status', { enum: webhookStatuses }).notNull(),
    processingError: text('processing_error'),
    /** How many times a handler applied the event (re-process adds one). */
    applyCount: integer('apply_count').notNull().default(0),
    duplicateCount: integer('duplicate_count').notNull().default(0),
    lastDuplicateAt: timestamp('last_duplicate_at', { withTimezone: true }),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    eventId: text('event_id'),
    eventType: text('event_type'),
    eventVersion: text('event_version'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }),
    accountId: text('account_id'),
    productInstanceId: text('product_instance_id'),
    webhookId: text('webhook_id'),
    correlationId: text('correlation_id'),
    live: boolean('live'),
    signingKeyId: text('signing_key_id'),
    sourceIp: text('source_ip'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    /**
     * A valid event's body exactly as received (what the signature covers); parsed where it is
     * read. A rejected delivery keeps only its first 4 KB (REJECTED_PREFIX_BYTES), with its size
     * and digest below, so a flood of large posts cannot fill the database.
     */
    rawBody: text('raw_body').notNull(),
    /** A rejected delivery's size in bytes: as read, or as its Content-Length claimed when it was refused unread. */
    bodyBytes: integer('body_bytes'),
    /** Hex SHA-256 of a rejected delivery's whole body; null when it was not read to the end. */
    bodySha256: text('body_sha256'),
    /**
     * On a summary row (verdict rejected, no body): how many rejected deliveries from
     * `source_ip` were counted but not stored, being over the per-source storage limit.
     */
    notStoredCount: integer('not_stored_count').notNull().default(0),
  },
  (t) => [
    uniqueIndex('webhook_events_event_id_key')
      .on(t.eventId)
      .where(sql`${t.verdict} = 'valid'`),
    // Rows arrive in received_at order, so a BRIN index serves the time filter at almost no
    // cost per insert (the receiver's hot path).
    index('webhook_events_received_brin').using('brin', t.receivedAt),
    // id DESC NULLS FIRST: the event log's `desc(id)`, which the primary key read backwards also
    // serves unfiltered (drizzle-kit's plain `.desc()` would be NULLS LAST, which it cannot use).
    index('webhook_events_type_idx').on(t.eventType, t.id.desc().nullsFirst()),
    index('webhook_events_account_idx').on(t.accountId, t.id.desc().nullsFirst()),
    index('webhook_events_status_idx').on(t.verdict, t.status, t.id.desc().nullsFirst()),
    // The event log's source filter, which is for rejected deliveries (a flood's address).
    index('webhook_events_rejected_source_idx')
      .on(t.sourceIp, t.id.desc().nullsFirst())
      .where(sql`${t.verdict} = 'rejected'`),
  ],
);
export type WebhookEventRow = typeof webhookEvents.$inferSelect;
