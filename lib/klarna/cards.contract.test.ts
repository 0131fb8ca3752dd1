import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decryptCard, generateCardKey, type CardKeyPair } from '@/lib/cards/crypto';
import { startSandbox, type RunningSandbox } from '../../sandbox/start';
import { mutation, sandboxClient } from '../../sandbox/test-helpers';
import type { KlarnaApi } from './api';
import { brandOfPan, luhnValid } from './card-numbers';
import type { KlarnaAttempt } from './client';
import { KlarnaApiError } from './errors';
import type { OnboardRequest } from './schemas/accounts';
import type { CardSettlement, CardSpecification } from './schemas/cards';

// The Merchant Card Service (seed 001) against the embedded sandbox, over real HTTP through the
// typed client: every endpoint, each error the seed lists for it (400/403/404/503), the error
// object, idempotency, rate limits, and the card data decrypted as seed 000 says.

let sandbox: RunningSandbox;
let api: KlarnaApi;
let attempts: KlarnaAttempt[];
let apiKey: string;
let keyA: CardKeyPair;
let keyB: CardKeyPair;
let privateA: KeyObject;
let privateB: KeyObject;
let keyIdA: string;
let keyIdB: string;

const START = '2025-03-12T10:00:00.000Z';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const cards: CardSpecification[] = [
  { amount: 12_500, currency: 'EUR', reference: 'seller-1' },
  { amount: 4_999, currency: 'EUR', reference: 'seller-2', fund_amount: 4_000 },
];

const merchant: OnboardRequest = {
  account_reference: 'M-CARDS-1',
  account_name: 'Card Shop',
  account_owner: { given_name: 'Julia', family_name: 'Doe', email: 'julia.doe@cards.example', phone: '+15555555555' },
  products: [{ type: 'PAYMENT', merchant_category_code: '5691' }],
  channel: { websites: [{ urls: ['https://cards.example'] }] },
};

/** The error Klarna answered (the call must fail). */
async function refusal(call: Promise<unknown>): Promise<KlarnaApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof KlarnaApiError) return error;
    throw error;
  }
  throw new Error('expected Klarna to refuse the call');
}

/** The seed's error object on every refusal: an id, a type and a message besides the code. */
function expectErrorObject(error: KlarnaApiError, status: number, code: string) {
  expect({ status: error.status, code: error.errorCode }).toEqual({ status, code });
  expect(error.errorId).toMatch(UUID);
  expect(error.errorType).toMatch(/^(INPUT|RESOURCE|ACCESS|TECHNICAL)_ERROR$/);
  expect(error.errorMessage).toBeTruthy();
}

const orderId = () => `order-${randomUUID()}`;
const DAY_MS = 24 * 3600 * 1000;
const sandboxNow = async () => Date.parse((await sandbox.control.clock()).now);

/** An instant the sandbox stamped between `before` and `after` (its clock runs on in real time), plus `offsetMs`. */
function stampedBetween(iso: string, before: number, after: number, offsetMs = 0) {
  const at = Date.parse(iso);
  expect(at).toBeGreaterThanOrEqual(before + offsetMs);
  expect(at).toBeLessThanOrEqual(after + offsetMs);
}

async function settled(order = orderId(), keyId = keyIdA): Promise<CardSettlement> {
  const promise = await api.cardPromises.create({ order_id: order, cards }, mutation());
  return api.cardSettlements.create({ promise_id: promise.promise_id, order_id: order, key_id: keyId }, mutation());
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, dataDir: null, rateLimits: 'off' });
  [keyA, keyB] = await Promise.all([generateCardKey(2048), generateCardKey(2048)]);
  privateA = createPrivateKey(keyA.privateKeyPem);
  privateB = createPrivateKey(keyB.privateKeyPem);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await sandbox.control.reset();
  await sandbox.control.setClock(START);
  apiKey = (await sandbox.control.bootstrapKey()).api_key;
  ({ api, attempts } = sandboxClient(sandbox.baseUrl, apiKey));
  keyIdA = (await sandbox.control.enrolCardKey(keyA.publicJwk)).key_id;
  keyIdB = (await sandbox.control.enrolCardKey(keyB.publicJwk)).key_id;
});

describe('key enrolment (control API, ours)', () => {
  it('gives each key an id, keeps several active, refuses a key under 2048 bits naming the field', async () => {
    expect(keyIdA).toMatch(UUID);
    expect(keyIdB).not.toBe(keyIdA);
    const keys = await sandbox.control.listCardKeys();
    expect(keys.map((k) => [k.bits, k.active])).toEqual([
      [2048, true],
      [2048, true],
    ]);
    const small = { kty: 'RSA' as const, n: keyA.publicJwk.n.slice(0, 171), e: 'AQAB' };
    await expect(sandbox.control.enrolCardKey(small)).rejects.toMatchObject({
      status: 400,
      body: { error_code: 'VALIDATION_ERROR', errors: [{ parameter: 'jwk.n' }] },
    });
  });
});

describe('POST /promises and GET /promises/{promise_id}', () => {
  it('creates a promise that expires in 24 h; the read says expire_at, as the seed prints it', async () => {
    const order = orderId();
    const before = await sandboxNow();
    const created = await api.cardPromises.create({ order_id: order, cards }, mutation());
    const after = await sandboxNow();
    expect(created).toEqual({ promise_id: expect.stringMatching(UUID), expires_at: expect.any(String) });
    stampedBetween(created.expires_at, before, after, DAY_MS);
    expect(attempts.at(-1)).toMatchObject({ status: 201, method: 'POST', path: '/merchantcard/v3/promises' });
    const read = await api.cardPromises.get(created.promise_id);
    expect(read).toEqual({
      promise_id: created.promise_id,
      order_id: order,
      cards,
      created_at: expect.any(String),
      expire_at: created.expires_at,
    });
    expect(Date.parse(read.expire_at) - Date.parse(read.created_at)).toBe(DAY_MS);
    expect(read).not.toHaveProperty('expires_at');
  });

  it('answers a repeat with the same idempotency key with the same promise', async () => {
    const key = mutation();
    const order = orderId();
    const first = await api.cardPromises.create({ order_id: order, cards }, key);
    const again = await api.cardPromises.create({ order_id: order, cards }, key);
    expect(again.promise_id).toBe(first.promise_id);
  });

  it('refuses 0 or 1001 cards and bad card fields with 400, naming each parameter', async () => {
    const order = orderId();
    const cases: [unknown, string][] = [
      [{ order_id: order, cards: [] }, 'cards'],
      [{ order_id: order, cards: Array.from({ length: 1001 }, () => cards[0]) }, 'cards'],
      [{ order_id: order, cards: [{ ...cards[0], amount: 0 }] }, 'cards[0].amount'],
      [{ order_id: order, cards: [{ ...cards[0], currency: 'JPY' }] }, 'cards[0].currency'],
      [{ order_id: order, cards: [{ ...cards[0], reference: '' }] }, 'cards[0].reference'],
      [{ order_id: order, cards: [{ ...cards[0], reference: 'r'.repeat(256) }] }, 'cards[0].reference'],
      [{ order_id: order, cards: [{ ...cards[0], fund_amount: 12_501 }] }, 'cards[0].fund_amount'],
      [{ cards }, 'order_id'],
    ];
    for (const [body, parameter] of cases) {
      const error = await refusal(api.cardPromises.create(body as never, mutation()));
      expectErrorObject(error, 400, 'VALIDATION_ERROR');
      expect(error.errors.map((e) => e.parameter)).toContain(parameter);
    }
  });

  it('takes 1000 cards in one promise', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({
      amount: 100 + i,
      currency: 'SEK' as const,
      reference: `r${i}`,
    }));
    const created = await api.cardPromises.create({ order_id: orderId(), cards: many }, mutation());
    expect((await api.cardPromises.get(created.promise_id)).cards).toHaveLength(1000);
  });

  it('404 for an unknown promise, 403 for another account’s', async () => {
    expectErrorObject(await refusal(api.cardPromises.get(randomUUID())), 404, 'RESOURCE_NOT_FOUND');
    await sandbox.control.setAccountActivationDelay(0);
    const account = (await api.accounts.onboard(merchant, mutation())).account_id;
    const theirs = await api.cardPromises.create({ order_id: orderId(), cards }, mutation(), account);
    expect((await api.cardPromises.get(theirs.promise_id, account)).promise_id).toBe(theirs.promise_id);
    expectErrorObject(await refusal(api.cardPromises.get(theirs.promise_id)), 403, 'OPERATION_FORBIDDEN');
    const foreign = (await sandbox.control.createForeignAccount()).account_id;
    expectErrorObject(
      await refusal(api.cardPromises.create({ order_id: orderId(), cards }, mutation(), foreign)),
      403,
      'OPERATION_FORBIDDEN',
    );
  });

  it('503 when the service is unavailable; the client retries with the same key and gets one promise', async () => {
    await sandbox.control.addFaultRule({ operation: 'cardPromises.create', fault: 'unavailable', times: 1 });
    const created = await api.cardPromises.create({ order_id: orderId(), cards }, mutation());
    expect(attempts.map((a) => a.status)).toEqual([503, 201]);
    expect(attempts[0]!.errorCode).toBe('TEMPORARY_UNAVAILABLE');
    expect(attempts[0]!.idempotencyKey).toBe(attempts[1]!.idempotencyKey);
    expect((await api.cardPromises.get(created.promise_id)).promise_id).toBe(created.promise_id);
  });

  it('a 503 on every attempt reaches the caller as 503 with the error object', async () => {
    const { api: once } = sandboxClient(sandbox.baseUrl, apiKey, { maxAttempts: 1 });
    await sandbox.control.addFaultRule({ operation: 'cardSettlements.create', fault: 'unavailable', times: 1 });
    const error = await refusal(once.cardSettlements.create({ order_id: orderId(), key_id: keyIdA }, mutation()));
    expectErrorObject(error, 503, 'TEMPORARY_UNAVAILABLE');
    expect(error.outcomeUnknown).toBe(true);
  });

  it('is paced like the rest of the sandbox: a 429 is retried', async () => {
    await sandbox.control.setFaults({ rate_limit_burst: 1 });
    const created = await api.cardPromises.create({ order_id: orderId(), cards }, mutation());
    expect(attempts.map((a) => a.status)).toEqual([429, 201]);
    expect(created.promise_id).toMatch(UUID);
  });
});

describe('POST /settlements', () => {
  it('issues one card per specification, each encrypted for the key: Luhn-valid, brand from the BIN', async () => {
    const order = orderId();
    const promise = await api.cardPromises.create({ order_id: order, cards }, mutation());
    const settlement = await api.cardSettlements.create(
      { promise_id: promise.promise_id, order_id: order, key_id: keyIdA },
      mutation(),
    );
    expect(settlement).toMatchObject({
      settlement_id: expect.stringMatching(UUID),
      promise_id: promise.promise_id,
      order_id: order,
    });
    expect(Date.parse(settlement.expires_at) - Date.parse(settlement.created_at)).toBe(DAY_MS);
    expect(settlement.cards.map((c) => [c.reference, c.amount, c.currency])).toEqual([
      ['seller-1', 12_500, 'EUR'],
      ['seller-2', 4_999, 'EUR'],
    ]);
    for (const card of settlement.cards) {
      expect(Buffer.from(card.iv, 'base64')).toHaveLength(16);
      expect(Buffer.from(card.aes_key, 'base64')).toHaveLength(256);
      const data = decryptCard(card, privateA);
      expect(luhnValid(data.pan)).toBe(true);
      expect(data.pan).toHaveLength(16);
      expect(brandOfPan(data.pan)).toBe(card.brand);
      // The seed's example card (created 2018-12-03) expires 01/19: the month after issue.
      expect(data.expiry_date).toBe('04/25');
      expect(data.cvv).toMatch(/^\d{3}$/);
      expect(JSON.stringify(card)).not.toContain(data.pan);
      expect(() => decryptCard(card, privateB)).toThrow('could not be decrypted');
    }
    expect(new Set(settlement.cards.map((c) => c.card_id)).size).toBe(2);
  });

  it('settles an order from its current promise when no promise_id is given', async () => {
    const order = orderId();
    const promise = await api.cardPromises.create({ order_id: order, cards: [cards[0]!] }, mutation());
    const settlement = await api.cardSettlements.create({ order_id: order, key_id: keyIdB }, mutation());
    expect(settlement.promise_id).toBe(promise.promise_id);
    expect(decryptCard(settlement.cards[0]!, privateB).pan).toMatch(/^\d{16}$/);
  });

  it('a newer promise for the order invalidates the older: settling the older is a 400', async () => {
    const order = orderId();
    const old = await api.cardPromises.create({ order_id: order, cards }, mutation());
    const newer = await api.cardPromises.create({ order_id: order, cards: [cards[1]!] }, mutation());
    const error = await refusal(
      api.cardSettlements.create({ promise_id: old.promise_id, order_id: order, key_id: keyIdA }, mutation()),
    );
    expectErrorObject(error, 400, 'PROMISE_INVALIDATED');
    expect(error.errorMessage).toContain(newer.promise_id);
    const settlement = await api.cardSettlements.create({ order_id: order, key_id: keyIdA }, mutation());
    expect(settlement.promise_id).toBe(newer.promise_id);
    expect(settlement.cards).toHaveLength(1);
  });

  it('400 for an expired promise, a promise of another order, an order without promise, an order settled twice', async () => {
    const order = orderId();
    const promise = await api.cardPromises.create({ order_id: order, cards }, mutation());
    expectErrorObject(
      await refusal(
        api.cardSettlements.create({ promise_id: promise.promise_id, order_id: 'other', key_id: keyIdA }, mutation()),
      ),
      400,
      'PROMISE_ORDER_MISMATCH',
    );
    expectErrorObject(
      await refusal(api.cardSettlements.create({ order_id: orderId(), key_id: keyIdA }, mutation())),
      400,
      'NO_PROMISE',
    );
    const validation = await refusal(api.cardSettlements.create({ order_id: order } as never, mutation()));
    expectErrorObject(validation, 400, 'VALIDATION_ERROR');
    expect(validation.errors.map((e) => e.parameter)).toEqual(['key_id']);

    await sandbox.control.advanceClock(24 * 3600);
    expectErrorObject(
      await refusal(api.cardSettlements.create({ order_id: order, key_id: keyIdA }, mutation())),
      400,
      'PROMISE_EXPIRED',
    );
    const done = await settled();
    expectErrorObject(
      await refusal(api.cardSettlements.create({ order_id: done.order_id, key_id: keyIdA }, mutation())),
      400,
      'ORDER_ALREADY_SETTLED',
    );
    expectErrorObject(
      await refusal(api.cardPromises.create({ order_id: done.order_id, cards }, mutation())),
      400,
      'ORDER_ALREADY_SETTLED',
    );
  });

  it('403 for a key_id that is unknown, deactivated or another account’s', async () => {
    const order = orderId();
    await api.cardPromises.create({ order_id: order, cards }, mutation());
    expectErrorObject(
      await refusal(api.cardSettlements.create({ order_id: order, key_id: randomUUID() }, mutation())),
      403,
      'OPERATION_FORBIDDEN',
    );
    await sandbox.control.deactivateCardKey(keyIdA);
    const deactivated = await refusal(api.cardSettlements.create({ order_id: order, key_id: keyIdA }, mutation()));
    expectErrorObject(deactivated, 403, 'OPERATION_FORBIDDEN');
    expect(deactivated.errorMessage).toContain('deactivated');
    await sandbox.control.setAccountActivationDelay(0);
    const account = (await api.accounts.onboard(merchant, mutation())).account_id;
    const theirKey = (await sandbox.control.enrolCardKey(keyA.publicJwk, account)).key_id;
    expectErrorObject(
      await refusal(api.cardSettlements.create({ order_id: order, key_id: theirKey }, mutation())),
      403,
      'OPERATION_FORBIDDEN',
    );
    // The key still works: B is active.
    expect((await api.cardSettlements.create({ order_id: order, key_id: keyIdB }, mutation())).cards).toHaveLength(2);
  });
});

describe('GET /settlements/{settlement_id} and /settlements/order/{order_id} (KeyId header)', () => {
  it('encrypts the same cards afresh for the key the KeyId header names', async () => {
    const settlement = await settled();
    const created = settlement.cards.map((c) => decryptCard(c, privateA));
    const byId = await api.cardSettlements.get(settlement.settlement_id, keyIdB);
    const byOrder = await api.cardSettlements.getByOrder(settlement.order_id, keyIdA);
    expect(byId.cards.map((c) => decryptCard(c, privateB))).toEqual(created);
    expect(byOrder.cards.map((c) => decryptCard(c, privateA))).toEqual(created);
    expect(byOrder.cards[0]!.aes_key).not.toBe(settlement.cards[0]!.aes_key);
    expect(byId).toMatchObject({ settlement_id: settlement.settlement_id, order_id: settlement.order_id });
    expect(attempts.at(-1)).toMatchObject({
      status: 200,
      path: `/merchantcard/v3/settlements/order/${settlement.order_id}`,
    });
  });

  it('400 without the KeyId header, 403 for a key that is not the account’s active key, 404 when unknown', async () => {
    const settlement = await settled();
    const response = await fetch(`${sandbox.baseUrl}/merchantcard/v3/settlements/${settlement.settlement_id}`, {
      headers: { Authorization: `Basic ${apiKey}` },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error_code: 'VALIDATION_ERROR', errors: [{ parameter: 'KeyId' }] });

    expectErrorObject(
      await refusal(api.cardSettlements.get(settlement.settlement_id, randomUUID())),
      403,
      'OPERATION_FORBIDDEN',
    );
    await sandbox.control.deactivateCardKey(keyIdB);
    expectErrorObject(
      await refusal(api.cardSettlements.getByOrder(settlement.order_id, keyIdB)),
      403,
      'OPERATION_FORBIDDEN',
    );
    expectErrorObject(await refusal(api.cardSettlements.get(randomUUID(), keyIdA)), 404, 'RESOURCE_NOT_FOUND');
    expectErrorObject(await refusal(api.cardSettlements.getByOrder(orderId(), keyIdA)), 404, 'RESOURCE_NOT_FOUND');
  });

  it('403 for another account’s settlement, by id and by order', async () => {
    await sandbox.control.setAccountActivationDelay(0);
    const account = (await api.accounts.onboard(merchant, mutation())).account_id;
    const theirKey = (await sandbox.control.enrolCardKey(keyA.publicJwk, account)).key_id;
    const order = orderId();
    await api.cardPromises.create({ order_id: order, cards }, mutation(), account);
    const theirs = await api.cardSettlements.create({ order_id: order, key_id: theirKey }, mutation(), account);
    expect((await api.cardSettlements.get(theirs.settlement_id, theirKey, account)).cards).toHaveLength(2);
    expectErrorObject(await refusal(api.cardSettlements.get(theirs.settlement_id, keyIdA)), 403, 'OPERATION_FORBIDDEN');
    expectErrorObject(await refusal(api.cardSettlements.getByOrder(order, keyIdA)), 403, 'OPERATION_FORBIDDEN');
  });
});

describe('POST and GET /orders/{order_id}/cancel-request', () => {
  it('202 PENDING with check_after; CANCELLED once the sandbox clock passes it; then 200 CANCELLED', async () => {
    const { order_id } = await settled();
    expectErrorObject(await refusal(api.cardCancellations.get(order_id)), 400, 'NO_REQUEST_FOUND');
    const before = await sandboxNow();
    const requested = await api.cardCancellations.request(order_id, mutation());
    const after = await sandboxNow();
    expect(requested).toEqual({ status: 'PENDING', check_after: expect.any(String) });
    stampedBetween(requested.check_after!, before, after, 10 * 60 * 1000);
    expect(attempts.at(-1)).toMatchObject({ status: 202, method: 'POST' });
    expect(await api.cardCancellations.get(order_id)).toEqual(requested);
    // A repeat while pending is the same request.
    await sandbox.control.advanceClock(60);
    expect(await api.cardCancellations.request(order_id, mutation())).toEqual(requested);

    await sandbox.control.setClock(new Date(Date.parse(requested.check_after!) - 1000));
    expect((await api.cardCancellations.get(order_id)).status).toBe('PENDING');
    await sandbox.control.setClock(requested.check_after!);
    expect(await api.cardCancellations.get(order_id)).toEqual({
      status: 'CANCELLED',
      check_after: requested.check_after,
    });
    expect(await api.cardCancellations.request(order_id, mutation())).toEqual({ status: 'CANCELLED' });
    expect(attempts.at(-1)).toMatchObject({ status: 200, method: 'POST' });
  });

  it('a rejection set through the control API: REJECTED with its reason; a new request is PENDING again', async () => {
    const { order_id } = await settled();
    await expect(
      sandbox.control.rejectCardCancellation(order_id, { reason_code: 'CARD_IN_USE', reason_message: 'in use' }),
    ).rejects.toMatchObject({ status: 409 });
    const { check_after } = await api.cardCancellations.request(order_id, mutation());
    const message = 'Cancellation request was rejected because the virtual credit card linked to this order is in use.';
    await sandbox.control.rejectCardCancellation(order_id, { reason_code: 'CARD_IN_USE', reason_message: message });
    expect((await api.cardCancellations.get(order_id)).status).toBe('PENDING');
    await sandbox.control.advanceClock(600);
    expect(await api.cardCancellations.get(order_id)).toEqual({
      status: 'REJECTED',
      check_after,
      reason_code: 'CARD_IN_USE',
      reason_message: message,
    });
    const again = await api.cardCancellations.request(order_id, mutation());
    expect(again.status).toBe('PENDING');
    expect(Date.parse(again.check_after!)).toBeGreaterThanOrEqual(Date.parse(check_after!) + 10 * 60 * 1000);
  });

  it('404 for an order without a card settlement (even with a promise), 403 for another account’s order', async () => {
    expectErrorObject(await refusal(api.cardCancellations.request(orderId(), mutation())), 404, 'RESOURCE_NOT_FOUND');
    const order = orderId();
    await api.cardPromises.create({ order_id: order, cards }, mutation());
    expectErrorObject(await refusal(api.cardCancellations.request(order, mutation())), 404, 'RESOURCE_NOT_FOUND');
    expectErrorObject(await refusal(api.cardCancellations.get(order)), 404, 'RESOURCE_NOT_FOUND');

    await sandbox.control.setAccountActivationDelay(0);
    const account = (await api.accounts.onboard(merchant, mutation())).account_id;
    const theirKey = (await sandbox.control.enrolCardKey(keyB.publicJwk, account)).key_id;
    const theirs = orderId();
    await api.cardPromises.create({ order_id: theirs, cards }, mutation(), account);
    await api.cardSettlements.create({ order_id: theirs, key_id: theirKey }, mutation(), account);
    expectErrorObject(await refusal(api.cardCancellations.request(theirs, mutation())), 403, 'OPERATION_FORBIDDEN');
    expectErrorObject(await refusal(api.cardCancellations.get(theirs)), 403, 'OPERATION_FORBIDDEN');
    expect((await api.cardCancellations.request(theirs, mutation(), account)).status).toBe('PENDING');
  });

  it('503 on the status read reaches the caller after the client’s retries', async () => {
    const { order_id } = await settled();
    await api.cardCancellations.request(order_id, mutation());
    const { api: once } = sandboxClient(sandbox.baseUrl, apiKey, { maxAttempts: 1 });
    await sandbox.control.addFaultRule({ operation: 'cardCancellations.get', fault: 'unavailable', times: 1 });
    expectErrorObject(await refusal(once.cardCancellations.get(order_id)), 503, 'TEMPORARY_UNAVAILABLE');
  });
});
