import 'server-only';
import { and, asc, desc, eq, gt, lt, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  cardCancellations,
  cardKeys,
  cardPromises,
  cardSettlements,
  cards,
  type CardCancellationRow,
  type CardKeyRow,
  type CardPromiseRow,
  type CardSettlementRow,
} from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { assertCan, type Actor } from '@/lib/auth/guard';
import { assertSteppedUp } from '@/lib/auth/step-up';
import { klarnaFor } from '@/lib/credentials/connection';
import type { ServiceContext } from '@/lib/context';
import { openSecret, sealSecret } from '@/lib/crypto/secrets';
import { AppError, ConflictError, InputError, NotFoundError } from '@/lib/errors';
import { enqueue, queues } from '@/lib/jobs/queue';
import { intentSchema, klarnaOperation } from '@/lib/klarna-operation';
import {
  cardCurrencies,
  cardSpecificationSchema,
  MAX_CARDS_PER_PROMISE,
  type Cancellation,
  type CardSettlement,
} from '@/lib/klarna/schemas/cards';
import { decodeIdCursor, descNullsLast, encodeIdCursor, pageOf } from '@/lib/pagination';
import { parseInput } from '@/lib/parse-input';
import {
  CardDecryptionError,
  CardKeyError,
  DEFAULT_KEY_BITS,
  decryptCard,
  decryptCards,
  generateCardKey,
  importCardKey,
  privateKeyFromPem,
  type CardKeyPair,
} from './crypto';

/**
 * Virtual cards (Klarna's Merchant Card Service): RSA keys for card data, card promises,
 * settlements whose cards are stored masked (PAN and CVV never in the clear), a step-up reveal,
 * and order cancellations that a job asks about again after `check_after`.
 *
 * Every change at Klarna is one `klarnaOperation` (lib/klarna-operation.ts): guard → idempotency
 * key → call → typed refusal audited with Klarna's error id, or the rows written with the audit
 * entry in one transaction, once per key. Reads (GET) call the api directly.
 */

export type CardsCtx = ServiceContext;

/** Lists show this many rows per page. */
export const CARDS_PAGE_SIZE = 50;

const keyContext = (id: string) => `card_keys.private_key:${id}`;

function guard(ctx: CardsCtx, capability: Parameters<typeof assertCan>[1]): asserts ctx is CardsCtx & { actor: Actor } {
  assertCan(ctx.actor, capability);
}

// --- keys ----------------------------------------------------------------------------------------

export type CardKeyView = Omit<CardKeyRow, 'privateKeySealed'>;
const keyView = ({ privateKeySealed: _sealed, ...rest }: CardKeyRow): CardKeyView => rest;

export const generateKeyInputSchema = z.object({
  label: z.string().trim().min(1, 'Give the key a name').max(100),
  bits: z.coerce
    .number()
    .int()
    .refine((b) => [2048, 3072, 4096].includes(b), 'Choose 2048, 3072 or 4096 bits')
    .default(DEFAULT_KEY_BITS),
});

export const importKeyInputSchema = z.object({
  label: z.string().trim().min(1, 'Give the key a name').max(100),
  pem: z.string().trim().min(1, 'Paste the private key (PEM)').max(20_000),
});

async function storeKey(
  ctx: CardsCtx & { actor: Actor },
  label: string,
  pair: CardKeyPair,
  source: 'generated' | 'imported',
): Promise<CardKeyView> {
  const id = globalThis.crypto.randomUUID();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(cardKeys)
      .values({
        id,
        label,
        bits: pair.bits,
        source,
        privateKeySealed: sealSecret(pair.privateKeyPem, ctx.settings.keyring, keyContext(id)),
        publicJwk: pair.publicJwk,
        createdBy: ctx.actor.id,
        createdAt: ctx.now(),
      })
      .returning();
    await recordAudit(tx, {
      actor: ctx.actor,
      action: source === 'generated' ? 'cards.generate_key' : 'cards.import_key',
      target: { type: 'card_key', id },
      details: { label, bits: pair.bits },
      requestId: ctx.requestId,
    });
    return keyView(row!);
  });
}

/** A new RSA key pair made on the server; the private key never leaves it. */
export async function generateKey(ctx: CardsCtx, input: z.input<typeof generateKeyInputSchema>): Promise<CardKeyView> {
  guard(ctx, 'cards.keys');
  const { label, bits } = parseInput(generateKeyInputSchema, input);
  return storeKey(ctx, label, await generateCardKey(bits), 'generated');
}

/** An existing private key (PEM): RSA of at least 2048 bits, else a field error saying why. */
export async function importKey(ctx: CardsCtx, input: z.input<typeof importKeyInputSchema>): Promise<CardKeyView> {
  guard(ctx, 'cards.keys');
  const { label, pem } = parseInput(importKeyInputSchema, input);
  let pair: CardKeyPair;
  try {
    pair = importCardKey(pem);
  } catch (error) {
    if (error instanceof CardKeyError) throw new InputError(error.message, { pem: [error.message] });
    throw error;
  }
  return storeKey(ctx, label, pair, 'imported');
}

export const enrolKeyInputSchema = z.object({
  cardKeyId: z.uuid('Choose a key'),
  /** The key_id Klarna gave for this public key, when enrolled with Klarna out of band. */
  klarnaKeyId: z.string().trim().max(255).optional(),
});

/** The sandbox's control API enrols a public key (ours: Klarna makes enrolment a step with them). */
async function enrolInSandbox(ctx: CardsCtx, jwk: CardKeyRow['publicJwk']): Promise<string> {
  const response = await fetch(new URL('/_sandbox/merchantcard/keys', ctx.settings.baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jwk }),
    signal: AbortSignal.timeout(15_000),
  }).catch(() => null);
  const body = (await response?.json().catch(() => null)) as { key_id?: unknown } | null;
  if (!response?.ok || typeof body?.key_id !== 'string')
    throw new AppError('unavailable', 'SANDBOX_ENROLMENT_FAILED', 'The sandbox did not enrol the key; try again.');
  return body.key_id;
}

/**
 * Records the key_id Klarna knows this public key by: in the sandbox, enrolled through its control
 * API; elsewhere the one Klarna gave when the public key (JWK) was sent to them.
 */
export async function enrolKey(ctx: CardsCtx, input: z.input<typeof enrolKeyInputSchema>): Promise<CardKeyView> {
  guard(ctx, 'cards.keys');
  const { cardKeyId, klarnaKeyId: given } = parseInput(enrolKeyInputSchema, input);
  const key = await loadKey(ctx, cardKeyId);
  if (key.status !== 'active') throw new ConflictError('This key is retired; generate or import another.');
  if (key.klarnaKeyId) throw new ConflictError(`This key is already enrolled as ${key.klarnaKeyId}.`);
  let klarnaKeyId = given || null;
  if (!klarnaKeyId) {
    if (ctx.settings.environment !== 'sandbox')
      throw new InputError('Enter the key_id Klarna gave for this public key.', {
        klarnaKeyId: ['Enter the key_id Klarna gave for this public key.'],
      });
    klarnaKeyId = await enrolInSandbox(ctx, key.publicJwk);
  }
  const [taken] = await ctx.db.select({ id: cardKeys.id }).from(cardKeys).where(eq(cardKeys.klarnaKeyId, klarnaKeyId));
  if (taken) throw new InputError('Another key here already has this key_id.', { klarnaKeyId: ['Already in use.'] });
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(cardKeys)
      .set({ klarnaKeyId, enrolledAt: ctx.now() })
      .where(eq(cardKeys.id, cardKeyId))
      .returning();
    await recordAudit(tx, {
      actor: ctx.actor,
      action: 'cards.enrol_key',
      target: { type: 'card_key', id: cardKeyId },
      details: { klarnaKeyId, via: given ? 'entered' : 'sandbox' },
      requestId: ctx.requestId,
    });
    return keyView(row!);
  });
}

export const retireKeyInputSchema = z.object({ cardKeyId: z.uuid('Choose a key') });

/** A retired key is offered for no new settlement; its cards can still be revealed. */
export async function retireKey(ctx: CardsCtx, input: z.input<typeof retireKeyInputSchema>): Promise<CardKeyView> {
  guard(ctx, 'cards.keys');
  const { cardKeyId } = parseInput(retireKeyInputSchema, input);
  const key = await loadKey(ctx, cardKeyId);
  if (key.status === 'retired') throw new ConflictError('This key is already retired.');
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(cardKeys)
      .set({ status: 'retired', retiredAt: ctx.now() })
      .where(eq(cardKeys.id, cardKeyId))
      .returning();
    await recordAudit(tx, {
      actor: ctx.actor,
      action: 'cards.retire_key',
      target: { type: 'card_key', id: cardKeyId },
      details: { label: key.label, klarnaKeyId: key.klarnaKeyId },
      requestId: ctx.requestId,
    });
    return keyView(row!);
  });
}

async function loadKey(ctx: CardsCtx, id: string): Promise<CardKeyRow> {
  const [row] = await ctx.db.select().from(cardKeys).where(eq(cardKeys.id, id)).limit(1);
  if (!row) throw new NotFoundError('No such card key.');
  return row;
}

/** Every key, newest first (admins). */
export async function listKeys(ctx: CardsCtx): Promise<CardKeyView[]> {
  guard(ctx, 'cards.keys');
  const rows = await ctx.db
    .select()
    .from(cardKeys)
    .orderBy(descNullsLast(cardKeys.createdAt), descNullsLast(cardKeys.id))
    .limit(200);
  return rows.map(keyView);
}

/** Active, enrolled keys a settlement may be made with (operators choose one). */
export async function settlementKeys(
  ctx: CardsCtx,
): Promise<Pick<CardKeyRow, 'id' | 'label' | 'bits' | 'klarnaKeyId'>[]> {
  guard(ctx, 'cards.operate');
  const rows = await ctx.db
    .select({ id: cardKeys.id, label: cardKeys.label, bits: cardKeys.bits, klarnaKeyId: cardKeys.klarnaKeyId })
    .from(cardKeys)
    .where(and(eq(cardKeys.status, 'active'), sql`${cardKeys.klarnaKeyId} is not null`))
    .orderBy(descNullsLast(cardKeys.createdAt), descNullsLast(cardKeys.id))
    .limit(200);
  return rows;
}

function openPrivateKeyPem(ctx: CardsCtx, key: CardKeyRow): string {
  return openSecret(key.privateKeySealed, ctx.settings.keyring, keyContext(key.id));
}

// --- promises ------------------------------------------------------------------------------------

export const createPromiseInputSchema = z.object({
  orderId: z.string().trim().min(1, 'Enter the order id').max(255),
  cards: z.array(cardSpecificationSchema).min(1, 'Add at least one card').max(MAX_CARDS_PER_PROMISE),
  intentId: intentSchema,
});

/**
 * A promise of cards for an order. A newer promise for the same order replaces the older one at
 * Klarna (seed 001): the answer names the promise it replaced, if we knew one (none on a replay
 * of the same intent, which writes nothing again).
 */
export async function createPromise(
  ctx: CardsCtx,
  input: z.input<typeof createPromiseInputSchema>,
): Promise<{ promiseId: string; expiresAt: Date; replaced: string | null }> {
  guard(ctx, 'cards.operate');
  const parsed = parseInput(createPromiseInputSchema, input);
  let replaced: string | null = null;
  const created = await klarnaOperation(ctx, {
    capability: 'cards.operate',
    intent: { operation: 'cardPromises.create', target: parsed.orderId, nonce: parsed.intentId },
    audit: {
      action: 'cards.create_promise',
      target: { type: 'order', id: parsed.orderId },
      details: { cardCount: parsed.cards.length },
    },
    fields: (parameter) => (parameter === 'order_id' ? 'orderId' : parameter),
    call: (api, key) =>
      api.cardPromises.create({ order_id: parsed.orderId, cards: parsed.cards }, { idempotencyKey: key }),
    record: async (promise, tx) => {
      const [open] = await tx
        .select({ promiseId: cardPromises.promiseId })
        .from(cardPromises)
        .where(and(eq(cardPromises.orderId, parsed.orderId), eq(cardPromises.status, 'open')))
        .orderBy(desc(cardPromises.seq))
        .limit(1);
      replaced = open && open.promiseId !== promise.promise_id ? open.promiseId : null;
      if (replaced)
        await tx
          .update(cardPromises)
          .set({ status: 'replaced', replacedBy: promise.promise_id })
          .where(and(eq(cardPromises.orderId, parsed.orderId), eq(cardPromises.status, 'open')));
      await tx
        .insert(cardPromises)
        .values({
          promiseId: promise.promise_id,
          orderId: parsed.orderId,
          cards: parsed.cards,
          cardCount: parsed.cards.length,
          expiresAt: new Date(promise.expires_at),
          createdBy: ctx.actor.id,
          createdAt: ctx.now(),
        })
        .onConflictDoNothing();
      return {
        target: { type: 'card_promise', id: promise.promise_id },
        details: { orderId: parsed.orderId, cardCount: parsed.cards.length, replaced },
      };
    },
  });
  return { promiseId: created.promise_id, expiresAt: new Date(created.expires_at), replaced };
}

/** The order's open promise, if any: the form says a new one replaces it. */
export async function openPromiseForOrder(ctx: CardsCtx, orderId: string): Promise<CardPromiseRow | null> {
  guard(ctx, 'dashboard.read');
  const [row] = await ctx.db
    .select()
    .from(cardPromises)
    .where(and(eq(cardPromises.orderId, orderId), eq(cardPromises.status, 'open')))
    .orderBy(desc(cardPromises.seq))
    .limit(1);
  return row ?? null;
}

type Page<T> = { rows: T[]; nextCursor: string | null };

/** Promises, newest first. */
export async function listPromises(ctx: CardsCtx, options: { cursor?: string } = {}): Promise<Page<CardPromiseRow>> {
  guard(ctx, 'dashboard.read');
  const after = decodeIdCursor(options.cursor);
  const rows = await ctx.db
    .select()
    .from(cardPromises)
    .where(after === null ? undefined : lt(cardPromises.seq, after))
    .orderBy(desc(cardPromises.seq))
    .limit(CARDS_PAGE_SIZE + 1);
  return pageOf(rows, CARDS_PAGE_SIZE, (last) => encodeIdCursor(last.seq));
}

/** Open promises expiring within `withinMs` (the Overview links to them), soonest first. */
export async function promisesExpiringSoon(
  ctx: CardsCtx,
  withinMs = 6 * 3600 * 1000,
): Promise<Pick<CardPromiseRow, 'promiseId' | 'orderId' | 'expiresAt' | 'cardCount'>[]> {
  guard(ctx, 'dashboard.read');
  const now = ctx.now();
  return ctx.db
    .select({
      promiseId: cardPromises.promiseId,
      orderId: cardPromises.orderId,
      expiresAt: cardPromises.expiresAt,
      cardCount: cardPromises.cardCount,
    })
    .from(cardPromises)
    .where(
      and(
        eq(cardPromises.status, 'open'),
        gt(cardPromises.expiresAt, now),
        lte(cardPromises.expiresAt, new Date(now.getTime() + withinMs)),
      ),
    )
    .orderBy(asc(cardPromises.expiresAt))
    .limit(20);
}

// --- settlements ---------------------------------------------------------------------------------

export const createSettlementInputSchema = z.object({
  orderId: z.string().trim().min(1, 'Enter the order id').max(255),
  promiseId: z
    .string()
    .trim()
    .max(255)
    .optional()
    .transform((v) => v || undefined),
  cardKeyId: z.uuid('Choose a key'),
  intentId: intentSchema,
});

/** Cards as stored: masked fields from the decrypted data (PAN and CVV dropped at once), Klarna's ciphertext kept. */
async function maskedCards(ctx: CardsCtx, settlement: CardSettlement, key: CardKeyRow) {
  const opened = await decryptCards(settlement.cards, openPrivateKeyPem(ctx, key));
  return settlement.cards.map((card, position) => {
    const data = opened[position]!;
    const readable = !(data instanceof CardDecryptionError);
    return {
      cardId: card.card_id,
      settlementId: settlement.settlement_id,
      position,
      reference: card.reference,
      amount: card.amount,
      currency: card.currency,
      brand: card.brand,
      holder: card.holder ?? null,
      bin: readable ? data.pan.slice(0, 6) : null,
      last4: readable ? data.pan.slice(-4) : null,
      expiryDate: readable ? data.expiry_date : null,
      readable,
      pciData: card.pci_data,
      iv: card.iv,
      aesKey: card.aes_key,
    };
  });
}

/** Rows per insert of cards (15 columns: well under Postgres' 65,535 parameters). */
const CARD_INSERT_CHUNK = 500;

/**
 * A settlement of an order's promise (or of a given promise) with cards encrypted for the chosen
 * key. Every card is decrypted once to keep its brand, BIN, last four and expiry; the number and
 * CVV are discarded.
 */
export async function createSettlement(
  ctx: CardsCtx,
  input: z.input<typeof createSettlementInputSchema>,
): Promise<{ settlementId: string; cardCount: number; unreadable: number }> {
  guard(ctx, 'cards.operate');
  const parsed = parseInput(createSettlementInputSchema, input);
  const key = await loadKey(ctx, parsed.cardKeyId);
  if (key.status !== 'active' || !key.klarnaKeyId)
    throw new InputError('Choose an active, enrolled key.', { cardKeyId: ['This key is not active and enrolled.'] });
  const klarnaKeyId = key.klarnaKeyId;
  const { settlement, rows, unreadable } = await klarnaOperation(ctx, {
    capability: 'cards.operate',
    intent: { operation: 'cardSettlements.create', target: parsed.orderId, nonce: parsed.intentId },
    audit: {
      action: 'cards.create_settlement',
      target: { type: 'order', id: parsed.orderId },
      details: { promiseId: parsed.promiseId ?? null, klarnaKeyId },
    },
    fields: { order_id: 'orderId', promise_id: 'promiseId', key_id: 'cardKeyId' },
    call: async (api, idempotencyKey) => {
      const settlement = await api.cardSettlements.create(
        {
          order_id: parsed.orderId,
          key_id: klarnaKeyId,
          ...(parsed.promiseId ? { promise_id: parsed.promiseId } : {}),
        },
        { idempotencyKey },
      );
      // Decrypted outside the audit's transaction: RSA work on many cards should hold no lock.
      const rows = await maskedCards(ctx, settlement, key);
      return { settlement, rows, unreadable: rows.filter((r) => !r.readable).length };
    },
    record: async ({ settlement, rows, unreadable }, tx) => {
      const [inserted] = await tx
        .insert(cardSettlements)
        .values({
          settlementId: settlement.settlement_id,
          promiseId: settlement.promise_id ?? null,
          orderId: settlement.order_id,
          cardKeyId: key.id,
          cardCount: rows.length,
          unreadableCount: unreadable,
          klarnaCreatedAt: new Date(settlement.created_at),
          expiresAt: new Date(settlement.expires_at),
          createdBy: ctx.actor.id,
          createdAt: ctx.now(),
        })
        .onConflictDoNothing()
        .returning({ seq: cardSettlements.seq });
      if (inserted)
        for (let i = 0; i < rows.length; i += CARD_INSERT_CHUNK)
          await tx
            .insert(cards)
            .values(rows.slice(i, i + CARD_INSERT_CHUNK))
            .onConflictDoNothing();
      if (settlement.promise_id)
        await tx
          .update(cardPromises)
          .set({ status: 'settled' })
          .where(eq(cardPromises.promiseId, settlement.promise_id));
      return {
        target: { type: 'card_settlement', id: settlement.settlement_id },
        details: {
          orderId: settlement.order_id,
          promiseId: settlement.promise_id ?? null,
          cardCount: rows.length,
          unreadable,
          klarnaKeyId,
        },
      };
    },
  });
  return { settlementId: settlement.settlement_id, cardCount: rows.length, unreadable };
}

export type SettlementView = CardSettlementRow & { keyLabel: string };

/** Settlements, newest first. */
export async function listSettlements(ctx: CardsCtx, options: { cursor?: string } = {}): Promise<Page<SettlementView>> {
  guard(ctx, 'dashboard.read');
  const after = decodeIdCursor(options.cursor);
  const rows = await ctx.db
    .select({ settlement: cardSettlements, keyLabel: cardKeys.label })
    .from(cardSettlements)
    .innerJoin(cardKeys, eq(cardKeys.id, cardSettlements.cardKeyId))
    .where(after === null ? undefined : lt(cardSettlements.seq, after))
    .orderBy(desc(cardSettlements.seq))
    .limit(CARDS_PAGE_SIZE + 1);
  return pageOf(
    rows.map((r) => ({ ...r.settlement, keyLabel: r.keyLabel })),
    CARDS_PAGE_SIZE,
    (last) => encodeIdCursor(last.seq),
  );
}

export async function getSettlement(ctx: CardsCtx, settlementId: string): Promise<SettlementView> {
  guard(ctx, 'dashboard.read');
  const [row] = await ctx.db
    .select({ settlement: cardSettlements, keyLabel: cardKeys.label })
    .from(cardSettlements)
    .innerJoin(cardKeys, eq(cardKeys.id, cardSettlements.cardKeyId))
    .where(eq(cardSettlements.settlementId, settlementId))
    .limit(1);
  if (!row) throw new NotFoundError('No such card settlement.');
  return { ...row.settlement, keyLabel: row.keyLabel };
}

/** What a list may show of a card: never the number or CVV, never the ciphertext. */
export type MaskedCard = {
  cardId: string;
  position: number;
  reference: string;
  amount: number;
  currency: string;
  brand: string;
  bin: string | null;
  last4: string | null;
  expiryDate: string | null;
  readable: boolean;
};

export const CARDS_LIST_PAGE_SIZE = 100;

/** A settlement's cards in Klarna's order, masked; `after` is the last position of the previous page. */
export async function listCards(
  ctx: CardsCtx,
  settlementId: string,
  options: { after?: number; limit?: number } = {},
): Promise<{ rows: MaskedCard[]; nextAfter: number | null }> {
  guard(ctx, 'dashboard.read');
  const limit = Math.min(options.limit ?? CARDS_LIST_PAGE_SIZE, 1000);
  const rows = await ctx.db
    .select({
      cardId: cards.cardId,
      position: cards.position,
      reference: cards.reference,
      amount: cards.amount,
      currency: cards.currency,
      brand: cards.brand,
      bin: cards.bin,
      last4: cards.last4,
      expiryDate: cards.expiryDate,
      readable: cards.readable,
    })
    .from(cards)
    .where(
      and(
        eq(cards.settlementId, settlementId),
        options.after === undefined ? undefined : gt(cards.position, options.after),
      ),
    )
    .orderBy(asc(cards.position))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { rows: page, nextAfter: rows.length > limit ? page.at(-1)!.position : null };
}

export const revealCardInputSchema = z.object({ cardId: z.string().trim().min(1, 'Choose a card').max(255) });

/**
 * A card's full number and CVV, decrypted for this answer only (never stored, never logged):
 * operators and admins, after a step-up within the last 5 minutes; audited with who, when and
 * which card.
 */
export async function revealCard(
  ctx: CardsCtx,
  input: z.input<typeof revealCardInputSchema>,
): Promise<{ cardId: string; pan: string; cvv: string; expiryDate: string; brand: string }> {
  guard(ctx, 'cards.reveal');
  const { cardId } = parseInput(revealCardInputSchema, input);
  await assertSteppedUp(ctx, ctx.actor);
  const [row] = await ctx.db
    .select({ card: cards, key: cardKeys })
    .from(cards)
    .innerJoin(cardSettlements, eq(cardSettlements.settlementId, cards.settlementId))
    .innerJoin(cardKeys, eq(cardKeys.id, cardSettlements.cardKeyId))
    .where(eq(cards.cardId, cardId))
    .limit(1);
  if (!row) throw new NotFoundError('No such card.');
  let data;
  try {
    data = decryptCard(
      { pci_data: row.card.pciData, iv: row.card.iv, aes_key: row.card.aesKey },
      privateKeyFromPem(openPrivateKeyPem(ctx, row.key)),
    );
  } catch (error) {
    if (error instanceof CardDecryptionError)
      throw new AppError('conflict', 'CARD_UNREADABLE', 'This card’s data cannot be decrypted with its key.');
    throw error;
  }
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: 'cards.reveal',
    target: { type: 'card', id: cardId },
    details: { settlementId: row.card.settlementId, last4: row.card.last4, brand: row.card.brand },
    requestId: ctx.requestId,
  });
  return { cardId, pan: data.pan, cvv: data.cvv, expiryDate: data.expiry_date, brand: row.card.brand };
}

// --- cancellations -------------------------------------------------------------------------------

export const requestCancelInputSchema = z.object({
  orderId: z.string().trim().min(1, 'Enter the order id').max(255),
  intentId: intentSchema,
});

/** How to ask again later: a pg-boss job by default (tests pass their own). */
export type CancellationScheduler = (orderId: string, at: Date) => Promise<unknown>;
export const scheduleCancellationCheck: CancellationScheduler = (orderId, at) =>
  enqueue(queues.cardCancellationCheck, { orderId }, { startAfter: at });

async function saveCancellation(
  ctx: CardsCtx,
  tx: Pick<CardsCtx['db'], 'insert'>,
  orderId: string,
  answer: Cancellation,
  requested: { by: string | null } | null,
): Promise<CardCancellationRow> {
  const now = ctx.now();
  const values = {
    status: answer.status as CardCancellationRow['status'],
    checkAfter: answer.check_after ? new Date(answer.check_after) : null,
    reasonCode: answer.reason_code ?? null,
    reasonMessage: answer.reason_message ?? null,
    checkedAt: now,
    updatedAt: now,
  };
  const [row] = await tx
    .insert(cardCancellations)
    .values({ orderId, ...values, requestedBy: requested?.by ?? null, requestedAt: now })
    .onConflictDoUpdate({
      target: cardCancellations.orderId,
      set: requested ? { ...values, requestedBy: requested.by, requestedAt: now } : values,
    })
    .returning();
  return row!;
}

const knownStatus = (status: string): status is CardCancellationRow['status'] =>
  status === 'PENDING' || status === 'CANCELLED' || status === 'REJECTED';

/**
 * Asks Klarna to cancel an order's card settlement: CANCELLED at once (200) or PENDING with
 * `check_after` (202), when a job asks again.
 */
export async function requestCancel(
  ctx: CardsCtx,
  input: z.input<typeof requestCancelInputSchema>,
  schedule: CancellationScheduler = scheduleCancellationCheck,
): Promise<CardCancellationRow> {
  guard(ctx, 'cards.operate');
  const { orderId, intentId } = parseInput(requestCancelInputSchema, input);
  let saved: CardCancellationRow | undefined;
  await klarnaOperation(ctx, {
    capability: 'cards.operate',
    intent: { operation: 'cardCancellations.request', target: orderId, nonce: intentId },
    audit: { action: 'cards.request_cancel', target: { type: 'order', id: orderId }, details: {} },
    call: async (api, idempotencyKey) => {
      const answer = await api.cardCancellations.request(orderId, { idempotencyKey });
      // Not Klarna's refusal: nothing stored, nothing audited.
      if (!knownStatus(answer.status))
        throw new AppError('unavailable', 'UNKNOWN_STATUS', `Klarna answered an unknown status (${answer.status}).`);
      return answer;
    },
    record: async (answer, tx) => {
      saved = await saveCancellation(ctx, tx, orderId, answer, { by: ctx.actor.id });
      return { details: { status: answer.status, checkAfter: answer.check_after ?? null } };
    },
  });
  // A replay of the same intent writes nothing again: it answers with what is stored.
  const row = saved ?? (await loadCancellation(ctx, orderId));
  if (row.status === 'PENDING') await schedule(orderId, row.checkAfter ?? new Date(ctx.now().getTime() + 60_000));
  return row;
}

async function loadCancellation(ctx: CardsCtx, orderId: string): Promise<CardCancellationRow> {
  const [row] = await ctx.db.select().from(cardCancellations).where(eq(cardCancellations.orderId, orderId)).limit(1);
  if (!row) throw new NotFoundError('No cancellation was requested for this order here.');
  return row;
}

/** When to ask again about a pending request: at check_after, or in a minute once it has passed. */
const nextCheck = (ctx: CardsCtx, row: CardCancellationRow) =>
  new Date(Math.max(row.checkAfter?.getTime() ?? 0, ctx.now().getTime() + 60_000));

/**
 * Reads the order's cancellation status from Klarna and stores it (the job, or "Check now"); a
 * decision is audited once; still PENDING → asked again later.
 */
export async function checkCancellation(
  ctx: CardsCtx,
  input: { orderId: string },
  schedule: CancellationScheduler = scheduleCancellationCheck,
): Promise<CardCancellationRow> {
  if (ctx.actor) assertCan(ctx.actor, 'cards.operate');
  const { orderId } = parseInput(z.object({ orderId: z.string().trim().min(1).max(255) }), input);
  const before = await loadCancellation(ctx, orderId);
  const api = await klarnaFor(ctx.db, ctx.settings);
  const answer = await api.cardCancellations.get(orderId);
  if (!knownStatus(answer.status))
    throw new AppError('unavailable', 'UNKNOWN_STATUS', `Klarna answered an unknown status (${answer.status}).`);
  const row = await ctx.db.transaction(async (tx) => {
    const saved = await saveCancellation(ctx, tx, orderId, answer, null);
    if (before.status === 'PENDING' && saved.status !== 'PENDING')
      await recordAudit(tx, {
        actor: ctx.actor ?? 'system',
        action: 'cards.cancellation_decided',
        target: { type: 'order', id: orderId },
        details: { status: saved.status, reasonCode: saved.reasonCode, reasonMessage: saved.reasonMessage },
        requestId: ctx.requestId,
      });
    return saved;
  });
  if (row.status === 'PENDING') await schedule(orderId, nextCheck(ctx, row));
  return row;
}

/** Cancellation requests, newest first. */
export async function listCancellations(
  ctx: CardsCtx,
  options: { cursor?: string } = {},
): Promise<Page<CardCancellationRow>> {
  guard(ctx, 'dashboard.read');
  const after = decodeIdCursor(options.cursor);
  const rows = await ctx.db
    .select()
    .from(cardCancellations)
    .where(after === null ? undefined : lt(cardCancellations.seq, after))
    .orderBy(desc(cardCancellations.seq))
    .limit(CARDS_PAGE_SIZE + 1);
  return pageOf(rows, CARDS_PAGE_SIZE, (last) => encodeIdCursor(last.seq));
}

/** The currencies a card may be issued in (the promise form's choices). */
export const promiseCurrencies = cardCurrencies;
