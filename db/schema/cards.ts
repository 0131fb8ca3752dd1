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

/**
 * Virtual cards (Klarna's Merchant Card Service, lib/cards). Card numbers and CVVs are never
 * stored in the clear: a card keeps Klarna's encrypted `pci_data`, `iv` and `aes_key` (opened
 * only for a step-up reveal) and what may be shown — brand, BIN, last four, expiry.
 */

/** RSA key pairs for card data: the private key sealed like every other secret (lib/crypto/secrets). */
export const cardKeys = pgTable(
  'card_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    label: text('label').notNull(),
    /** Klarna's key_id once enrolled; null while the public key awaits enrolment. */
    klarnaKeyId: text('klarna_key_id'),
    bits: integer('bits').notNull(),
    source: text('source', { enum: ['generated', 'imported'] }).notNull(),
    /** PKCS#8 PEM, sealed with the keyring under `card_keys.private_key:<id>`. */
    privateKeySealed: text('private_key_sealed').notNull(),
    publicJwk: jsonb('public_jwk').$type<{ kty: 'RSA'; n: string; e: string }>().notNull(),
    status: text('status', { enum: ['active', 'retired'] })
      .notNull()
      .default('active'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true }),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (t) => [
    index('card_keys_created_idx').on(t.createdAt.desc(), t.id.desc()),
    uniqueIndex('card_keys_klarna_key_idx')
      .on(t.klarnaKeyId)
      .where(sql`${t.klarnaKeyId} is not null`),
  ],
);
export type CardKeyRow = typeof cardKeys.$inferSelect;

export type CardSpecificationRecord = { amount: number; currency: string; reference: string; fund_amount?: number };

/** Card promises made here (or read from Klarna); a newer promise for the same order replaces the older. */
export const cardPromises = pgTable(
  'card_promises',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    promiseId: text('promise_id').notNull(),
    orderId: text('order_id').notNull(),
    cards: jsonb('cards').$type<CardSpecificationRecord[]>().notNull(),
    cardCount: integer('card_count').notNull(),
    status: text('status', { enum: ['open', 'replaced', 'settled'] })
      .notNull()
      .default('open'),
    replacedBy: text('replaced_by'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('card_promises_promise_idx').on(t.promiseId),
    index('card_promises_order_idx').on(t.orderId, t.seq.desc()),
    // The Overview's "open promises about to expire".
    index('card_promises_open_expiry_idx')
      .on(t.expiresAt)
      .where(sql`${t.status} = 'open'`),
  ],
);
export type CardPromiseRow = typeof cardPromises.$inferSelect;

/** Card settlements: one per order (Klarna reads "the order's settlement"). */
export const cardSettlements = pgTable(
  'card_settlements',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    settlementId: text('settlement_id').notNull(),
    promiseId: text('promise_id'),
    orderId: text('order_id').notNull(),
    cardKeyId: uuid('card_key_id')
      .notNull()
      .references(() => cardKeys.id),
    cardCount: integer('card_count').notNull(),
    /** Cards whose data could not be decrypted with the key (shown as such, never guessed). */
    unreadableCount: integer('unreadable_count').notNull().default(0),
    klarnaCreatedAt: timestamp('klarna_created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('card_settlements_settlement_idx').on(t.settlementId),
    uniqueIndex('card_settlements_order_idx').on(t.orderId),
  ],
);
export type CardSettlementRow = typeof cardSettlements.$inferSelect;

/** The cards of a settlement: masked fields to show, Klarna's encrypted data for a reveal. */
export const cards = pgTable(
  'cards',
  {
    cardId: text('card_id').primaryKey(),
    settlementId: text('settlement_id').notNull(),
    position: integer('position').notNull(),
    reference: text('reference').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    brand: text('brand').notNull(),
    holder: text('holder'),
    /** First six digits and last four; null when the data could not be decrypted. */
    bin: text('bin'),
    last4: text('last4'),
    expiryDate: text('expiry_date'),
    readable: boolean('readable').notNull(),
    pciData: text('pci_data').notNull(),
    iv: text('iv').notNull(),
    aesKey: text('aes_key').notNull(),
  },
  (t) => [uniqueIndex('cards_settlement_idx').on(t.settlementId, t.position)],
);
export type CardRow = typeof cards.$inferSelect;

/** An order's cancellation request and what Klarna answered last; the job asks again after `checkAfter`. */
export const cardCancellations = pgTable(
  'card_cancellations',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: text('order_id').notNull(),
    status: text('status', { enum: ['PENDING', 'CANCELLED', 'REJECTED'] }).notNull(),
    checkAfter: timestamp('check_after', { withTimezone: true }),
    reasonCode: text('reason_code'),
    reasonMessage: text('reason_message'),
    requestedBy: uuid('requested_by').references(() => users.id),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    checkedAt: timestamp('checked_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('card_cancellations_order_idx').on(t.orderId),
    index('card_cancellations_pending_idx')
      .on(t.checkAfter)
      .where(sql`${t.status} = 'PENDING'`),
  ],
);
export type CardCancellationRow = typeof cardCancellations.$inferSelect;
