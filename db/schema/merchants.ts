import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

/**
 * The dashboard's copy of each merchant account at Klarna (the list reads only this). Klarna
 * is the truth: the copy is refreshed from Klarna's answers after every change made here, by
 * "Sync from Klarna", and by the account and product webhooks.
 */
export const merchantAccounts = pgTable(
  'merchant_accounts',
  {
    accountId: text('account_id').primaryKey(),
    accountReference: text('account_reference').notNull(),
    accountName: text('account_name').notNull(),
    /** PARTIALLY_OPERATIONAL, OPERATIONAL, DISABLED, or a state Klarna adds later. */
    state: text('state').notNull(),
    productInstanceId: text('product_instance_id'),
    /** ENABLED, DISABLED, TERMINATED (or later values); null before the first read. */
    productState: text('product_state'),
    mcc: text('mcc'),
    pricePlanId: text('price_plan_id'),
    settlementConfigurationId: text('settlement_configuration_id'),
    channelsCount: integer('channels_count'),
    accountOwner: jsonb('account_owner').$type<Record<string, unknown>>(),
    /** Klarna's last full answer for the account, unknown fields included. */
    klarna: jsonb('klarna').$type<Record<string, unknown>>(),
    klarnaCreatedAt: timestamp('klarna_created_at', { withTimezone: true }),
    /** When Klarna's state last changed as far as we know (webhook `occurred_at`), so an older event never wins. */
    stateChangedAt: timestamp('state_changed_at', { withTimezone: true }),
    productStateChangedAt: timestamp('product_state_changed_at', { withTimezone: true }),
    onboardedBy: uuid('onboarded_by').references(() => users.id),
    /** Null when known only from a webhook so far. */
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('merchant_accounts_created_idx').on(t.createdAt.desc(), t.accountId.desc()),
    index('merchant_accounts_state_idx').on(t.state, t.createdAt.desc(), t.accountId.desc()),
    index('merchant_accounts_product_state_idx').on(t.productState, t.createdAt.desc(), t.accountId.desc()),
    index('merchant_accounts_updated_idx').on(t.updatedAt),
    // The merchant pickers' search as you type: a case-insensitive name prefix, 20 at a time in
    // this order. Collation "C" makes `like 'abc%'` a range of this index and its order bytewise.
    index('merchant_accounts_name_prefix_idx').on(sql`lower(${t.accountName}) collate "C"`, t.accountId),
  ],
);
export type MerchantAccountRow = typeof merchantAccounts.$inferSelect;

/** What happened to a merchant account: Klarna's webhooks and the changes made here. */
export const merchantTimeline = pgTable(
  'merchant_timeline',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: text('account_id').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** `webhook` (Klarna told us), `dashboard` (someone here changed it), `sync` (a read found a change). */
    source: text('source', { enum: ['webhook', 'dashboard', 'sync'] }).notNull(),
    kind: text('kind').notNull(),
    summary: text('summary').notNull(),
    state: text('state'),
    previousState: text('previous_state'),
    /** The webhook event, so a repeated delivery adds nothing. */
    eventId: text('event_id'),
    actorId: uuid('actor_id').references(() => users.id),
    actorEmail: text('actor_email'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index('merchant_timeline_account_idx').on(t.accountId, t.occurredAt.desc(), t.id.desc()),
    uniqueIndex('merchant_timeline_event_idx')
      .on(t.eventId)
      .where(sql`${t.eventId} is not null`),
  ],
);
export type MerchantTimelineRow = typeof merchantTimeline.$inferSelect;

/**
 * A half-filled onboarding, saved as the admin goes, so it survives a reload. Its id also
 * keys the onboarding call (a double submit creates one account); `accountId` is set once
 * Klarna has created the account.
 */
export const onboardingDrafts = pgTable(
  'onboarding_drafts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    label: text('label').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    step: integer('step').notNull().default(0),
    accountId: text('account_id'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('onboarding_drafts_updated_idx').on(t.updatedAt.desc())],
);
export type OnboardingDraftRow = typeof onboardingDrafts.$inferSelect;
