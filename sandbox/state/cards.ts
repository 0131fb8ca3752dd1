import {
  constants,
  createCipheriv,
  createPublicKey,
  publicEncrypt,
  randomBytes,
  randomInt,
  randomUUID,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { brandOfPan, luhnCheckDigit } from '../../lib/klarna/card-numbers';
import type { CardPromiseCreateRequest, RsaPublicJwk } from '../../lib/klarna/schemas/cards';
import { SandboxError, sandboxErrors } from '../errors';
import type { SandboxRuntime } from '../runtime';
import { getOwn, setOwn } from './accounts';
import type {
  CardCancellationRecord,
  CardKeyRecord,
  CardOrderRecord,
  CardPromiseRecord,
  CardScope,
  CardSettlementRecord,
  IssuedCardRecord,
} from './types';

/**
 * The Merchant Card Service (seed 001) as Klarna would run it: promises, settlements whose cards
 * are encrypted for an enrolled key when they are sent (seed 000), and order cancellations decided
 * by the sandbox clock. What the seed leaves open is in docs/klarna-decisions.md, "Virtual cards".
 */

/** Promises and settlements expire 24 h after creation (notes, from the seed's examples). */
export const CARD_RESOURCE_TTL_MS = 24 * 3600 * 1000;
/** A cancellation request is decided this long after it is made (ours; the seed says only "at a later time"). */
export const CANCEL_DECISION_DELAY_MS = 10 * 60 * 1000;
/** Smallest RSA key the seed allows ("must be at least of the size 2048 bits"). */
export const MIN_CARD_KEY_BITS = 2048;
/** On every card (ours: the seed's settlement card has a `holder` and prints no example of it). */
export const CARD_HOLDER = 'KLARNA VIRTUAL CARD';

/** Test BINs: a Visa and a Mastercard range that no real issuer's test cards collide with here. */
const BINS = ['457173', '455951', '535522', '542418', '222300'] as const;

const ORDER_KEY_SEPARATOR = '\u241f';
const orderKey = (scope: CardScope, orderId: string) => `${scope}${ORDER_KEY_SEPARATOR}${orderId}`;

const mcsErrors = {
  /** A business rule of a request the schema cannot check: 400 with the error object. */
  badRequest: (code: string, message: string) => new SandboxError(400, 'INPUT_ERROR', code, message),
  forbidden: (message: string) => sandboxErrors.forbidden(message),
  notFound: (what: string) => sandboxErrors.resourceNotFound(what),
};

/** Whose resources a call touches: the partner, or a merchant account it onboarded (else 403). */
export function cardScope(sandbox: SandboxRuntime, accountId: string | null): CardScope {
  if (!accountId) return sandbox.store.partnerAccountId;
  const account = getOwn(sandbox.store.data.accounts, accountId);
  if (!account || account.onboarded_by !== sandbox.store.partnerAccountId)
    throw mcsErrors.forbidden(`Account ${accountId} is not an account of this partner.`);
  return accountId;
}

// --- keys (control API: the seed makes enrolment a step with Klarna) -------------------------

const keyObjects = new Map<string, KeyObject>();

function keyObject(record: CardKeyRecord): KeyObject {
  let key = keyObjects.get(record.key_id);
  if (!key) {
    key = createPublicKey({ key: record.jwk, format: 'jwk' });
    keyObjects.set(record.key_id, key);
  }
  return key;
}

/** Enrols an RSA public key (JWK) for a scope; answers its key_id. */
export function enrolCardKey(sandbox: SandboxRuntime, jwk: RsaPublicJwk, scope: CardScope): CardKeyRecord {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
  } catch {
    throw sandboxErrors.validation([{ parameter: 'jwk', error_message: 'is not a usable RSA public key' }]);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_CARD_KEY_BITS)
    throw sandboxErrors.validation([
      { parameter: 'jwk.n', error_message: `the key has ${bits} bits; at least ${MIN_CARD_KEY_BITS} are required` },
    ]);
  const record: CardKeyRecord = {
    key_id: randomUUID(),
    scope,
    jwk: { kty: 'RSA', n: jwk.n, e: jwk.e },
    bits,
    active: true,
    created_at: sandbox.clock.iso(),
    deactivated_at: null,
  };
  sandbox.store.data.card_keys[record.key_id] = record;
  keyObjects.set(record.key_id, key);
  sandbox.store.changed();
  return record;
}

export function deactivateCardKey(sandbox: SandboxRuntime, keyId: string): CardKeyRecord {
  const record = getOwn(sandbox.store.data.card_keys, keyId);
  if (!record) throw mcsErrors.notFound(`Key ${keyId}`);
  if (record.active) {
    record.active = false;
    record.deactivated_at = sandbox.clock.iso();
    sandbox.store.changed();
  }
  return record;
}

export const publicCardKey = (k: CardKeyRecord) => ({
  key_id: k.key_id,
  account_id: k.scope,
  bits: k.bits,
  active: k.active,
  created_at: k.created_at,
  deactivated_at: k.deactivated_at,
});

/** The active key `keyId` of this scope; 403 otherwise (unknown, another account's or deactivated). */
function activeKey(sandbox: SandboxRuntime, scope: CardScope, keyId: string, parameter: string): CardKeyRecord {
  const record = getOwn(sandbox.store.data.card_keys, keyId);
  if (!record || record.scope !== scope)
    throw mcsErrors.forbidden(`${parameter} ${keyId} is not a public key enrolled for this account.`);
  if (!record.active) throw mcsErrors.forbidden(`${parameter} ${keyId} was deactivated; enrol or use another key.`);
  return record;
}

// --- encryption (seed 000, "Encryption and decryption of card data") -------------------------

/**
 * The card JSON `{pan, expiry_date, cvv}` under AES-128-CTR with a fresh key and 16-byte IV
 * (`pci_data`, `iv`), the AES key under the RSA key with PKCS#1 v1.5 padding (`aes_key`); base64.
 */
export function encryptCardData(
  card: Pick<IssuedCardRecord, 'pan' | 'expiry_date' | 'cvv'>,
  publicKey: KeyObject,
): { pci_data: string; iv: string; aes_key: string } {
  const aesKey = randomBytes(16);
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-ctr', aesKey, iv);
  const plain = Buffer.from(JSON.stringify({ pan: card.pan, expiry_date: card.expiry_date, cvv: card.cvv }));
  const pciData = Buffer.concat([cipher.update(plain), cipher.final()]);
  const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, aesKey);
  return { pci_data: pciData.toString('base64'), iv: iv.toString('base64'), aes_key: wrapped.toString('base64') };
}

/** A Luhn-valid test card number from one of the sandbox's BINs (16 digits). */
export function issueCardNumber(): string {
  const bin = BINS[randomInt(BINS.length)]!;
  let body = bin;
  while (body.length < 15) body += String(randomInt(10));
  return body + luhnCheckDigit(body);
}

/** The seed's example card, created 2018-12-03, expires `01/19`: ours, the month after issue. */
function expiryAfter(createdAt: Date): string {
  const month = createdAt.getUTCMonth() + 1; // next month, 0-based + 1
  const year = createdAt.getUTCFullYear() + (month === 12 ? 1 : 0);
  return `${String((month % 12) + 1).padStart(2, '0')}/${String(year % 100).padStart(2, '0')}`;
}

// --- orders -----------------------------------------------------------------------------------

function orderOf(sandbox: SandboxRuntime, scope: CardScope, orderId: string): CardOrderRecord | undefined {
  return getOwn(sandbox.store.data.card_orders, orderKey(scope, orderId));
}

/** The order's record in any scope: one of another account is a 403, none a 404. */
function ownOrder(sandbox: SandboxRuntime, scope: CardScope, orderId: string): CardOrderRecord | undefined {
  const own = orderOf(sandbox, scope, orderId);
  if (own) return own;
  const foreign = Object.values(sandbox.store.data.card_orders).some(
    (o) => o.order_id === orderId && o.settlement_id !== null,
  );
  if (foreign) throw mcsErrors.forbidden(`Order ${orderId} belongs to another account.`);
  return undefined;
}

// --- promises -----------------------------------------------------------------------------------

export function createCardPromise(
  sandbox: SandboxRuntime,
  scope: CardScope,
  input: CardPromiseCreateRequest,
): CardPromiseRecord {
  const existing = ownOrder(sandbox, scope, input.order_id);
  if (existing?.settlement_id)
    throw mcsErrors.badRequest(
      'ORDER_ALREADY_SETTLED',
      `Order ${input.order_id} already has a card settlement (${existing.settlement_id}); a new promise cannot be settled.`,
    );
  const now = sandbox.clock.now();
  const record: CardPromiseRecord = {
    promise_id: randomUUID(),
    scope,
    order_id: input.order_id,
    cards: input.cards.map((c) => ({ ...c })),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + CARD_RESOURCE_TTL_MS).toISOString(),
    replaced_by: null,
    settlement_id: null,
  };
  // Seed 001: "The old promise is automatically invalidated if a new promise is created for an order".
  if (existing?.promise_id) {
    const old = sandbox.store.data.card_promises[existing.promise_id];
    if (old) old.replaced_by = record.promise_id;
  }
  sandbox.store.data.card_promises[record.promise_id] = record;
  setOwn(sandbox.store.data.card_orders, orderKey(scope, input.order_id), {
    scope,
    order_id: input.order_id,
    promise_id: record.promise_id,
    settlement_id: null,
    cancellation: existing?.cancellation ?? null,
  });
  sandbox.store.changed();
  return record;
}

export function getCardPromise(sandbox: SandboxRuntime, scope: CardScope, promiseId: string): CardPromiseRecord {
  const record = getOwn(sandbox.store.data.card_promises, promiseId);
  if (!record) throw mcsErrors.notFound(`Promise ${promiseId}`);
  if (record.scope !== scope) throw mcsErrors.forbidden(`Promise ${promiseId} belongs to another account.`);
  return record;
}

/** The read (seed 001 "Get details of a card promise"): `expire_at`, as the seed prints it there. */
export const publicCardPromise = (p: CardPromiseRecord) => ({
  promise_id: p.promise_id,
  order_id: p.order_id,
  cards: p.cards,
  created_at: p.created_at,
  expire_at: p.expires_at,
});

// --- settlements --------------------------------------------------------------------------------

export function createCardSettlement(
  sandbox: SandboxRuntime,
  scope: CardScope,
  input: { promise_id?: string; order_id: string; key_id: string },
): { settlement: CardSettlementRecord; key: CardKeyRecord } {
  const key = activeKey(sandbox, scope, input.key_id, 'key_id');
  const order = ownOrder(sandbox, scope, input.order_id);
  let promise: CardPromiseRecord;
  if (input.promise_id) {
    promise = getCardPromise(sandbox, scope, input.promise_id);
    if (promise.order_id !== input.order_id)
      throw mcsErrors.badRequest(
        'PROMISE_ORDER_MISMATCH',
        `Promise ${promise.promise_id} is for order ${promise.order_id}, not ${input.order_id}.`,
      );
  } else {
    if (!order?.promise_id)
      throw mcsErrors.badRequest('NO_PROMISE', `Order ${input.order_id} has no card promise; create one first.`);
    promise = sandbox.store.data.card_promises[order.promise_id]!;
  }
  if (order?.settlement_id)
    throw mcsErrors.badRequest(
      'ORDER_ALREADY_SETTLED',
      `Order ${input.order_id} already has a card settlement (${order.settlement_id}); read it with GET /settlements/order/{order_id}.`,
    );
  if (promise.replaced_by)
    throw mcsErrors.badRequest(
      'PROMISE_INVALIDATED',
      `Promise ${promise.promise_id} was invalidated by a newer promise for the order (${promise.replaced_by}).`,
    );
  const now = sandbox.clock.now();
  if (Date.parse(promise.expires_at) <= now.getTime())
    throw mcsErrors.badRequest('PROMISE_EXPIRED', `Promise ${promise.promise_id} expired at ${promise.expires_at}.`);

  const settlement: CardSettlementRecord = {
    settlement_id: randomUUID(),
    scope,
    promise_id: promise.promise_id,
    order_id: promise.order_id,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + CARD_RESOURCE_TTL_MS).toISOString(),
    cards: promise.cards.map((spec) => {
      const pan = issueCardNumber();
      return {
        card_id: randomUUID(),
        reference: spec.reference,
        amount: spec.amount,
        currency: spec.currency,
        brand: brandOfPan(pan)!,
        holder: CARD_HOLDER,
        pan,
        expiry_date: expiryAfter(now),
        cvv: String(randomInt(1000)).padStart(3, '0'),
      };
    }),
  };
  promise.settlement_id = settlement.settlement_id;
  sandbox.store.data.card_settlements[settlement.settlement_id] = settlement;
  const record = orderOf(sandbox, scope, promise.order_id)!;
  record.settlement_id = settlement.settlement_id;
  sandbox.store.changed();
  return { settlement, key };
}

/** A settlement read with the `KeyId` header: 403 unless it names an active key of the account. */
export function readCardSettlement(
  sandbox: SandboxRuntime,
  scope: CardScope,
  by: { settlement_id: string } | { order_id: string },
  keyId: string,
): { settlement: CardSettlementRecord; key: CardKeyRecord } {
  let settlement: CardSettlementRecord | undefined;
  if ('settlement_id' in by) {
    settlement = getOwn(sandbox.store.data.card_settlements, by.settlement_id);
    if (!settlement) throw mcsErrors.notFound(`Settlement ${by.settlement_id}`);
    if (settlement.scope !== scope)
      throw mcsErrors.forbidden(`Settlement ${by.settlement_id} belongs to another account.`);
  } else {
    const order = ownOrder(sandbox, scope, by.order_id);
    if (!order?.settlement_id) throw mcsErrors.notFound(`A card settlement for order ${by.order_id}`);
    settlement = sandbox.store.data.card_settlements[order.settlement_id]!;
  }
  return { settlement, key: activeKey(sandbox, scope, keyId, 'KeyId') };
}

/** A settlement as sent: each card's data encrypted afresh for `key`. */
export function publicCardSettlement(s: CardSettlementRecord, key: CardKeyRecord) {
  const publicKey = keyObject(key);
  return {
    settlement_id: s.settlement_id,
    promise_id: s.promise_id,
    order_id: s.order_id,
    cards: s.cards.map((c) => ({
      card_id: c.card_id,
      reference: c.reference,
      amount: c.amount,
      currency: c.currency,
      brand: c.brand,
      holder: c.holder,
      ...encryptCardData(c, publicKey),
    })),
    created_at: s.created_at,
    expires_at: s.expires_at,
  };
}

// --- cancellations ------------------------------------------------------------------------------

/** Decides a pending request whose `check_after` has passed by the sandbox clock. */
function settle(sandbox: SandboxRuntime, c: CardCancellationRecord): void {
  if (c.status !== 'PENDING' || Date.parse(c.check_after) > sandbox.clock.nowMs()) return;
  if (c.reject_with) {
    c.status = 'REJECTED';
    c.reason_code = c.reject_with.reason_code;
    c.reason_message = c.reject_with.reason_message;
  } else c.status = 'CANCELLED';
  sandbox.store.changed();
}

function settledOrder(sandbox: SandboxRuntime, scope: CardScope, orderId: string): CardOrderRecord {
  const order = ownOrder(sandbox, scope, orderId);
  if (!order?.settlement_id) throw mcsErrors.notFound(`Order ${orderId} with a virtual credit card settlement`);
  return order;
}

/** 200 `CANCELLED` when already cancelled; else 202 `PENDING` (a new request after a rejection). */
export function requestCardCancellation(
  sandbox: SandboxRuntime,
  scope: CardScope,
  orderId: string,
): { status: 200 | 202; body: Record<string, string> } {
  const order = settledOrder(sandbox, scope, orderId);
  if (order.cancellation) settle(sandbox, order.cancellation);
  const current = order.cancellation;
  if (current?.status === 'CANCELLED') return { status: 200, body: { status: 'CANCELLED' } };
  if (current?.status === 'PENDING')
    return { status: 202, body: { status: 'PENDING', check_after: current.check_after } };
  const now = sandbox.clock.nowMs();
  order.cancellation = {
    status: 'PENDING',
    requested_at: new Date(now).toISOString(),
    check_after: new Date(now + CANCEL_DECISION_DELAY_MS).toISOString(),
    reject_with: null,
    reason_code: null,
    reason_message: null,
  };
  sandbox.store.changed();
  return { status: 202, body: { status: 'PENDING', check_after: order.cancellation.check_after } };
}

export function cardCancellationStatus(sandbox: SandboxRuntime, scope: CardScope, orderId: string) {
  const order = settledOrder(sandbox, scope, orderId);
  if (!order.cancellation)
    throw mcsErrors.badRequest(
      'NO_REQUEST_FOUND',
      `Order ${orderId} was never requested for cancellation; POST /orders/{order_id}/cancel-request first.`,
    );
  settle(sandbox, order.cancellation);
  const c = order.cancellation;
  return {
    status: c.status,
    check_after: c.check_after,
    ...(c.reason_code ? { reason_code: c.reason_code } : {}),
    ...(c.reason_message ? { reason_message: c.reason_message } : {}),
  };
}

/** Control API: the pending request of `orderId` (any account) will be rejected with this reason. */
export function rejectPendingCancellation(
  sandbox: SandboxRuntime,
  orderId: string,
  reason: { reason_code: string; reason_message: string },
): CardCancellationRecord {
  const order = Object.values(sandbox.store.data.card_orders).find(
    (o) => o.order_id === orderId && o.cancellation?.status === 'PENDING',
  );
  if (!order?.cancellation)
    throw sandboxErrors.conflict(`Order ${orderId} has no pending cancellation request to decide.`);
  order.cancellation.reject_with = reason;
  sandbox.store.changed();
  return order.cancellation;
}
