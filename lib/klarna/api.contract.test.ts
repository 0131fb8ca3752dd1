import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/start';
import { mutation, sandboxClient, startReceiver } from '../../sandbox/test-helpers';
import type { KlarnaApi } from './api';
import type { KlarnaClient } from './client';
import { KlarnaApiError } from './errors';
import { idempotencyKey } from './idempotency';
import { parseRateLimitHeaders } from './rate-limit';
import { credentialSchema, MAX_SIGNING_KEYS, signingKeyCreatedSchema } from './schemas/management';
import { webhookEventSchema, webhookSchema } from './schemas/webhooks';
import { verifyWebhookSignature } from './signature';

// The typed client against the embedded sandbox, over real HTTP: every management operation,
// every error type, idempotency, rate limits, webhook delivery and retries, persistence.

let sandbox: RunningSandbox;
let apiKey: string;
let client: KlarnaClient;
let api: KlarnaApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, dataDir: null, rateLimits: 'production' });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await sandbox.control.reset();
  await sandbox.control.clearFaults();
  await sandbox.control.setRateLimits('production');
  await sandbox.control.setWebhookTimeScale(1);
  apiKey = (await sandbox.control.bootstrapKey()).api_key;
  ({ client, api } = sandboxClient(sandbox.baseUrl, apiKey));
});

/** Runs `fn` and returns the KlarnaApiError it must throw. */
async function apiError(fn: () => Promise<unknown>): Promise<KlarnaApiError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof KlarnaApiError) return error;
    throw error;
  }
  throw new Error('expected a KlarnaApiError');
}

async function webhookSetup(url: string, eventTypes = ['payment.request.*']) {
  const key = await api.signingKeys.create(mutation());
  const webhook = await api.webhooks.create(
    { url, event_types: eventTypes, event_version: 'v1', signing_key_id: key.signing_key_id },
    mutation(),
  );
  return { key, webhook };
}

describe('credentials', () => {
  it('creates API and client credentials with their secret once, lists them without, deletes them', async () => {
    const test = await api.credentials.create(
      { description: 'payments service', type: 'API', environment: 'TEST' },
      mutation(),
    );
    expect(test.api_key).toMatch(/^klarna_test_api_[A-Za-z0-9]+$/);
    expect(test).toMatchObject({ type: 'API', environment: 'TEST', description: 'payments service' });
    const live = await api.credentials.create({ type: 'API', environment: 'LIVE' }, mutation());
    expect(live.api_key).toMatch(/^klarna_live_api_/);
    const web = await api.credentials.create(
      { description: 'checkout', type: 'CLIENT', environment: 'TEST' },
      mutation(),
    );
    expect(web.client_id).toMatch(/^klarna_test_client_/);
    expect(web.api_key).toBeUndefined();

    const { credentials } = await api.credentials.list();
    expect(credentials.map((c) => c.description)).toEqual(['Initial API key', 'payments service', null, 'checkout']);
    for (const c of credentials) expect(c.api_key ?? c.client_id).toBeUndefined();

    // The new key works; a live key or client id does not open the test environment.
    const second = sandboxClient(sandbox.baseUrl, test.api_key!);
    expect((await second.api.credentials.list()).credentials).toHaveLength(4);
    for (const other of [live.api_key!, web.client_id!]) {
      expect((await apiError(() => sandboxClient(sandbox.baseUrl, other).api.credentials.list())).errorCode).toBe(
        'UNAUTHORIZED',
      );
    }

    await expect(api.credentials.delete(test.credential_id)).resolves.toBeUndefined();
    const gone = await apiError(() => second.api.credentials.list());
    expect(gone).toMatchObject({ status: 401, errorType: 'ACCESS_ERROR', errorCode: 'UNAUTHORIZED' });
    expect(gone.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await apiError(() => api.credentials.delete(test.credential_id))).toMatchObject({
      status: 404,
      errorType: 'RESOURCE_ERROR',
      errorCode: 'RESOURCE_NOT_FOUND',
    });
  });

  it('rejects bad input with parameter paths', async () => {
    const error = await apiError(() =>
      api.credentials.create(
        { description: 'x'.repeat(101), type: 'SERVER' as 'API', environment: 'TEST' },
        mutation(),
      ),
    );
    expect(error).toMatchObject({ status: 400, errorType: 'INPUT_ERROR', errorCode: 'VALIDATION_ERROR' });
    expect(error.errors.map((e) => e.parameter).sort()).toEqual(['description', 'type']);
  });
});

describe('signing keys', () => {
  it('creates (key shown once), gets and lists without the secret, deletes, and refuses a 51st key', async () => {
    const created = await api.signingKeys.create(mutation());
    expect(signingKeyCreatedSchema.parse(created).signing_key_id).toMatch(
      /^krn:partner:global:notification:signing-key:[0-9a-f-]{36}$/,
    );
    expect(created.signing_key.length).toBeGreaterThanOrEqual(32);
    expect(new Date(created.created_at).toString()).not.toBe('Invalid Date');
    const listed = await api.signingKeys.list();
    expect(listed.signing_keys).toEqual([{ signing_key_id: created.signing_key_id, created_at: created.created_at }]);
    expect(await api.signingKeys.get(created.signing_key_id)).toEqual({
      signing_key_id: created.signing_key_id,
      created_at: created.created_at,
    });

    for (let i = 1; i < MAX_SIGNING_KEYS; i++) await api.signingKeys.create(mutation());
    expect((await api.signingKeys.list()).signing_keys).toHaveLength(MAX_SIGNING_KEYS);
    expect(await apiError(() => api.signingKeys.create(mutation()))).toMatchObject({
      status: 409,
      errorCode: 'RESOURCE_CONFLICT',
    });

    await expect(api.signingKeys.delete(created.signing_key_id)).resolves.toBeUndefined();
    expect((await api.signingKeys.list()).signing_keys).toHaveLength(MAX_SIGNING_KEYS - 1);
    expect(await apiError(() => api.signingKeys.get(created.signing_key_id))).toMatchObject({
      status: 404,
      errorType: 'RESOURCE_ERROR',
      errorCode: 'RESOURCE_NOT_FOUND',
    });
    expect(await apiError(() => api.signingKeys.delete(created.signing_key_id))).toMatchObject({
      status: 404,
      errorCode: 'RESOURCE_NOT_FOUND',
    });
  });

  it('deletes a key a webhook uses (test case 8); the webhook’s events stay signed with the deleted key', async () => {
    const receiver = await startReceiver();
    const { key, webhook } = await webhookSetup(receiver.url);
    await expect(api.signingKeys.delete(key.signing_key_id)).resolves.toBeUndefined();
    expect((await api.signingKeys.list()).signing_keys).toEqual([]);
    // The webhook still names the key; a new event is signed with it, so a receiver that
    // dropped the key rejects it.
    expect(await api.webhooks.get(webhook.webhook_id)).toMatchObject({ signing_key_id: key.signing_key_id });
    const { event_id } = await api.webhooks.simulate(
      webhook.webhook_id,
      { event_type: 'payment.request.updated', event_version: 'v1' },
      mutation(),
    );
    await sandbox.control.waitForDeliveries({ event_id });
    const request = receiver.received.at(-1)!;
    expect(request.headers['klarna-signing-key-id']).toBe(key.signing_key_id);
    expect(
      verifyWebhookSignature(request.body, request.headers['klarna-signature'] as string, key.signing_key),
    ).toMatchObject({ valid: true });
    // A webhook cannot be pointed at the deleted key again.
    const refused = await apiError(() =>
      api.webhooks.create(
        { url: receiver.url, event_types: ['*'], event_version: 'v1', signing_key_id: key.signing_key_id },
        mutation(),
      ),
    );
    expect(refused).toMatchObject({ status: 400, errors: [expect.objectContaining({ parameter: 'signing_key_id' })] });
    await receiver.close();
  });
});

describe('webhooks', () => {
  it('creates, lists, reads, updates and deletes', async () => {
    const { key, webhook } = await webhookSetup('https://psp.example/klarna/webhooks');
    expect(webhookSchema.parse(webhook)).toMatchObject({
      url: 'https://psp.example/klarna/webhooks',
      status: 'ENABLED',
      signing_key_id: key.signing_key_id,
      event_version: 'v1',
    });
    expect(webhook.webhook_id).toMatch(/^krn:partner:global:notification:webhook:[0-9a-f-]{36}$/);
    expect((await api.webhooks.list()).webhooks).toEqual([webhook]);
    expect(await api.webhooks.get(webhook.webhook_id)).toEqual(webhook);

    const otherKey = await api.signingKeys.create(mutation());
    const updated = await api.webhooks.update(
      webhook.webhook_id,
      {
        status: 'DISABLED',
        event_types: ['payment.*', 'settlement.report.created'],
        signing_key_id: otherKey.signing_key_id,
      },
      mutation(),
    );
    expect(updated).toMatchObject({
      webhook_id: webhook.webhook_id,
      status: 'DISABLED',
      event_types: ['payment.*', 'settlement.report.created'],
      signing_key_id: otherKey.signing_key_id,
      url: webhook.url,
    });
    expect(await api.webhooks.get(webhook.webhook_id)).toEqual(updated);

    await expect(api.webhooks.delete(webhook.webhook_id)).resolves.toBeUndefined();
    expect(await apiError(() => api.webhooks.get(webhook.webhook_id))).toMatchObject({
      status: 404,
      errorCode: 'RESOURCE_NOT_FOUND',
    });
    expect(
      await apiError(() => api.webhooks.update(webhook.webhook_id, { status: 'ENABLED' }, mutation())),
    ).toMatchObject({ status: 404, errorCode: 'RESOURCE_NOT_FOUND' });
    expect(await apiError(() => api.webhooks.delete(webhook.webhook_id))).toMatchObject({
      status: 404,
      errorCode: 'RESOURCE_NOT_FOUND',
    });
  });

  it('validates bodies with parameter paths, and the signing key reference', async () => {
    const { key, webhook } = await webhookSetup('https://psp.example/hooks');
    const invalid = await apiError(() =>
      api.webhooks.create(
        {
          url: 'http://psp.example/hooks',
          event_types: ['payment.request.*', 'Bad Type'],
          event_version: 'v1',
          signing_key_id: key.signing_key_id,
        },
        mutation(),
      ),
    );
    expect(invalid).toMatchObject({ status: 400, errorType: 'INPUT_ERROR', errorCode: 'VALIDATION_ERROR' });
    expect(invalid.errors.map((e) => e.parameter).sort()).toEqual(['event_types[1]', 'url']);

    const missingKey = 'krn:partner:global:notification:signing-key:00000000-0000-0000-0000-000000000000';
    const noKey = await apiError(() =>
      api.webhooks.create(
        { url: 'https://psp.example/hooks', event_types: ['*'], event_version: 'v1', signing_key_id: missingKey },
        mutation(),
      ),
    );
    expect(noKey.errors).toEqual([expect.objectContaining({ parameter: 'signing_key_id' })]);
    const noKeyUpdate = await apiError(() =>
      api.webhooks.update(webhook.webhook_id, { signing_key_id: missingKey }, mutation()),
    );
    expect(noKeyUpdate).toMatchObject({
      status: 400,
      errorCode: 'VALIDATION_ERROR',
      errors: [expect.objectContaining({ parameter: 'signing_key_id' })],
    });
    const empty = await apiError(() => api.webhooks.update(webhook.webhook_id, {}, mutation()));
    expect(empty.errorCode).toBe('VALIDATION_ERROR');
  });

  it('simulates a signed event to that webhook only, and refuses unsubscribed types and disabled webhooks', async () => {
    const receiver = await startReceiver();
    const { key, webhook } = await webhookSetup(receiver.url, ['payment.request.*']);
    const other = await api.webhooks.create(
      { url: receiver.url, event_types: ['*'], event_version: 'v1', signing_key_id: key.signing_key_id },
      mutation(),
    );

    const simulated = await api.webhooks.simulate(
      webhook.webhook_id,
      { event_type: 'payment.request.state-change.authorized', event_version: 'v1' },
      mutation(),
    );
    expect(simulated).toMatchObject({
      event_type: 'payment.request.state-change.authorized',
      webhook_id: webhook.webhook_id,
    });
    const deliveries = await sandbox.control.waitForDeliveries({ event_id: simulated.event_id });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      webhook_id: webhook.webhook_id,
      state: 'delivered',
      attempts: [expect.objectContaining({ attempt: 1, status: 204, state: 'delivered' })],
    });

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['klarna-signing-key-id']).toBe(key.signing_key_id);
    expect(
      verifyWebhookSignature(request!.body, request!.headers['klarna-signature'] as string, key.signing_key),
    ).toEqual({ valid: true, matched: 'raw' });
    expect(
      verifyWebhookSignature(request!.body, request!.headers['klarna-signature'] as string, 'another key'),
    ).toEqual({ valid: false, reason: 'mismatch' });
    expect(request!.body).toBe(JSON.stringify(JSON.parse(request!.body)));
    const event = webhookEventSchema.parse(JSON.parse(request!.body));
    expect(event.metadata).toMatchObject({
      event_type: 'payment.request.state-change.authorized',
      event_id: simulated.event_id,
      event_version: 'v1',
      webhook_id: webhook.webhook_id,
      live: false,
    });
    expect(event.metadata.product_instance_id).toBeTruthy();
    expect(event.payload).toMatchObject({ state: 'AUTHORIZED', previous_state: 'PENDING_CONFIRMATION' });

    const unsubscribed = await apiError(() =>
      api.webhooks.simulate(
        webhook.webhook_id,
        { event_type: 'settlement.report.created', event_version: 'v1' },
        mutation(),
      ),
    );
    expect(unsubscribed).toMatchObject({
      status: 400,
      errorCode: 'VALIDATION_ERROR',
      errors: [expect.objectContaining({ parameter: 'event_type' })],
    });
    await api.webhooks.update(other.webhook_id, { status: 'DISABLED' }, mutation());
    const disabled = await apiError(() =>
      api.webhooks.simulate(
        other.webhook_id,
        { event_type: 'settlement.report.created', event_version: 'v1' },
        mutation(),
      ),
    );
    expect(disabled).toMatchObject({ status: 409, errorCode: 'RESOURCE_CONFLICT' });
    expect(
      await apiError(() =>
        api.webhooks.simulate(
          'krn:partner:global:notification:webhook:nope',
          { event_type: 'payment.request.updated', event_version: 'v1' },
          mutation(),
        ),
      ),
    ).toMatchObject({ status: 404, errorCode: 'RESOURCE_NOT_FOUND' });
    await receiver.close();
  });

  it('emits events to every enabled webhook whose patterns match; account events carry no product instance', async () => {
    const receiver = await startReceiver();
    const { key } = await webhookSetup(receiver.url, ['partner.account.*']);
    await api.webhooks.create(
      { url: receiver.url, event_types: ['payment.*'], event_version: 'v1', signing_key_id: key.signing_key_id },
      mutation(),
    );
    await api.webhooks.create(
      {
        url: receiver.url,
        event_types: ['*'],
        event_version: 'v1',
        signing_key_id: key.signing_key_id,
        status: 'DISABLED',
      },
      mutation(),
    );
    const accountId = 'krn:partner:global:account:11111111-2222-3333-4444-555555555555';
    const emitted = await sandbox.control.emitEvent({
      event_type: 'partner.account.state-change.operational',
      account_id: accountId,
      payload: { account_id: accountId, state: 'OPERATIONAL' },
    });
    expect(emitted.deliveries).toHaveLength(1);
    await sandbox.control.waitForDeliveries({ event_id: emitted.event_id });
    const event = webhookEventSchema.parse(JSON.parse(receiver.received[0]!.body));
    expect(event.metadata.account_id).toBe(accountId);
    expect(event.metadata).not.toHaveProperty('product_instance_id');
    expect(event.payload).toEqual({ account_id: accountId, state: 'OPERATIONAL' });
    await receiver.close();
  });
});

describe('errors through the client', () => {
  it('NOT_FOUND for an unknown route', async () => {
    const error = await apiError(() =>
      client.request({ operation: 'unknown', method: 'GET', path: '/v1/not-a-route', category: 'partner-management' }),
    );
    expect(error).toMatchObject({ status: 404, errorType: 'ACCESS_ERROR', errorCode: 'NOT_FOUND' });
  });

  it('INVALID_CONTENT_TYPE for malformed JSON or a body that is not declared JSON; VALIDATION_ERROR for a bad idempotency key', async () => {
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`${sandbox.baseUrl}/v1/account/credentials`, {
        method: 'POST',
        headers: { Authorization: `Basic ${apiKey}`, ...headers },
        body,
      });
    for (const response of [
      await post('{"type": "API",', { 'Content-Type': 'application/json' }),
      await post('type=API', { 'Content-Type': 'application/x-www-form-urlencoded' }),
    ]) {
      expect(response.status).toBe(400);
      const error = KlarnaApiError.fromResponse(response.status, await response.text());
      expect(error).toMatchObject({ errorType: 'INPUT_ERROR', errorCode: 'INVALID_CONTENT_TYPE' });
    }
    const longKey = await post('{"type":"API","environment":"TEST"}', {
      'Content-Type': 'application/json',
      'Klarna-Idempotency-Key': 'k'.repeat(256),
    });
    expect(longKey.status).toBe(400);
    expect(KlarnaApiError.fromResponse(400, await longKey.text()).errors).toEqual([
      expect.objectContaining({ parameter: 'Klarna-Idempotency-Key' }),
    ]);
  });

  it('RATE_LIMITED reaches the caller when every attempt is limited', async () => {
    await sandbox.control.setFaults({ rate_limit_burst: 10 });
    const limited = sandboxClient(sandbox.baseUrl, apiKey, { maxAttempts: 3 });
    const error = await apiError(() => limited.api.webhooks.list());
    expect(error).toMatchObject({ status: 429, errorType: 'ACCESS_ERROR', errorCode: 'RATE_LIMITED' });
    expect(limited.attempts.map((a) => a.status)).toEqual([429, 429, 429]);
    expect((await sandbox.control.faults()).rate_limit_burst).toBe(7);
  });

  it('INTERNAL_ERROR reaches the caller after the retries', async () => {
    await sandbox.control.setFaults({ error_rate: 1 });
    const failing = sandboxClient(sandbox.baseUrl, apiKey, { maxAttempts: 2 });
    const error = await apiError(() => failing.api.signingKeys.list());
    expect(error).toMatchObject({
      status: 500,
      errorType: 'TECHNICAL_ERROR',
      errorCode: 'INTERNAL_ERROR',
      retryable: true,
    });
    expect(failing.attempts).toHaveLength(2);
  });
});

describe('rate limits', () => {
  it('sends the quota headers, limits per category and per partner account, and a paced client meets no 429', async () => {
    const response = await fetch(`${sandbox.baseUrl}/v1/notification/webhooks`, {
      headers: { Authorization: `Basic ${apiKey}`, 'Klarna-Partner-Account': 'krn:partner:global:account:sub-1' },
    });
    const info = parseRateLimitHeaders(response.headers);
    expect(info.policies.map((p) => p.name)).toEqual(['psp_partner-management', 'account_partner-management']);
    expect(info.policies.map((p) => p.quota)).toEqual([50, 20]);
    expect(response.headers.get('x-ratelimit-limit')).toMatch(
      /^20, 50;w=1;name="psp_partner-management",20;w=1;name="account_partner-management"$/,
    );
    expect(info).toMatchObject({ remaining: 19, resetSeconds: 1 });

    await sandbox.control.setRateLimits({ 'partner-management': { partner: 2, acquiringPartner: 5 } });
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`${sandbox.baseUrl}/v1/notification/webhooks`, { headers: { Authorization: `Basic ${apiKey}` } }).then(
          (r) => r.status,
        ),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    const sub = await Promise.all(
      Array.from({ length: 3 }, () =>
        fetch(`${sandbox.baseUrl}/v1/notification/webhooks`, {
          headers: { Authorization: `Basic ${apiKey}`, 'Klarna-Partner-Account': 'sub-2' },
        }),
      ),
    );
    // The acquiring-partner bucket is drained already, so all three are limited; the error object says so.
    expect(KlarnaApiError.fromResponse(sub[0]!.status, await sub[0]!.text()).errorCode).toBe('RATE_LIMITED');

    // A client paced at the very quota gets every call through (a 429 on the wire, from arrival
    // jitter, is retried); one paced a little below it meets none.
    await sandbox.control.setRateLimits({ 'partner-management': { partner: 0, acquiringPartner: 10 } });
    const limits = await sandbox.control.rateLimits();
    const atQuota = sandboxClient(sandbox.baseUrl, apiKey, { limits });
    await Promise.all(Array.from({ length: 20 }, () => atQuota.api.webhooks.list()));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const below = sandboxClient(sandbox.baseUrl, apiKey, {
      limits: { ...limits, 'partner-management': { partner: 0, acquiringPartner: 9 } },
    });
    await Promise.all(Array.from({ length: 20 }, () => below.api.webhooks.list()));
    expect(below.attempts.filter((a) => a.status === 429)).toHaveLength(0);
  });
});

describe('idempotency', () => {
  it('replays the first answer for a repeated key even with a different body, for 24 h of sandbox time', async () => {
    const key = idempotencyKey({ operation: 'credentials.create', target: 'partner', nonce: 'form-1' });
    const first = await api.credentials.create(
      { description: 'first', type: 'API', environment: 'TEST' },
      { idempotencyKey: key },
    );
    const repeat = await api.credentials.create(
      { description: 'second', type: 'CLIENT', environment: 'LIVE' },
      { idempotencyKey: key },
    );
    expect(repeat).toEqual(first);
    expect((await api.credentials.list()).credentials).toHaveLength(2);

    // A 4xx is definitive too, and is replayed.
    const badKey = 'bad-body-key';
    const bad = await apiError(() =>
      api.webhooks.create(
        { url: 'ftp://x', event_types: ['*'], event_version: 'v1', signing_key_id: 'x' },
        { idempotencyKey: badKey },
      ),
    );
    const badAgain = await apiError(() =>
      api.webhooks.create(
        { url: 'https://psp.example', event_types: ['*'], event_version: 'v1', signing_key_id: 'x' },
        { idempotencyKey: badKey },
      ),
    );
    expect(badAgain.errorId).toBe(bad.errorId);

    await sandbox.control.advanceClock(24 * 3600 - 60);
    expect(
      (
        await api.credentials.create(
          { description: 'third', type: 'API', environment: 'TEST' },
          { idempotencyKey: key },
        )
      ).credential_id,
    ).toBe(first.credential_id);
    await sandbox.control.advanceClock(61);
    const afterExpiry = await api.credentials.create(
      { description: 'third', type: 'API', environment: 'TEST' },
      { idempotencyKey: key },
    );
    expect(afterExpiry.credential_id).not.toBe(first.credential_id);
    expect(afterExpiry.description).toBe('third');
    expect((await api.credentials.list()).credentials).toHaveLength(3);
  });

  it('runs concurrent requests with the same key once', async () => {
    await sandbox.control.setFaults({ latency_ms: 30 });
    const key = mutation();
    const results = await Promise.all(Array.from({ length: 5 }, () => api.signingKeys.create(key)));
    expect(new Set(results.map((r) => r.signing_key_id)).size).toBe(1);
    expect((await api.signingKeys.list()).signing_keys).toHaveLength(1);
  });

  it('a retry after a failure that came after the effect gets the stored answer', async () => {
    // error_rate 1: every answer is a 500, half of them after the effect; a retry with the same key never acts twice.
    await sandbox.control.setFaults({ error_rate: 1 });
    const key = mutation();
    for (let i = 0; i < 6; i++)
      await apiError(() =>
        sandboxClient(sandbox.baseUrl, apiKey, { maxAttempts: 1 }).api.credentials.create(
          { description: 'once', type: 'API', environment: 'TEST' },
          key,
        ),
      );
    await sandbox.control.clearFaults();
    const created = await api.credentials.create({ description: 'once', type: 'API', environment: 'TEST' }, key);
    const matching = (await api.credentials.list()).credentials.filter((c) => c.description === 'once');
    expect(matching).toEqual([expect.objectContaining({ credential_id: created.credential_id })]);
    expect(credentialSchema.parse(created).api_key).toBeDefined();
  });
});

describe('webhook retries', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  afterEach(() => receiver?.close());

  it('retries a failing receiver at +10 s and +2 min (scaled), then delivers', async () => {
    receiver = await startReceiver((_, index) => (index < 2 ? 503 : 200));
    await sandbox.control.setWebhookTimeScale(100); // 10 s → 0.1 s, 2 min → 1.2 s
    const { webhook } = await webhookSetup(receiver.url);
    const { event_id } = await api.webhooks.simulate(
      webhook.webhook_id,
      { event_type: 'payment.request.updated', event_version: 'v1' },
      mutation(),
    );
    const [delivery] = await sandbox.control.waitForDeliveries({ event_id }, { timeoutMs: 8_000 });
    expect(delivery!.state).toBe('delivered');
    expect(delivery!.attempts.map((a) => [a.attempt, a.status, a.retry_delay_seconds, a.state])).toEqual([
      [1, 503, 10, 'pending'],
      [2, 503, 120, 'pending'],
      [3, 200, null, 'delivered'],
    ]);
    const at = delivery!.attempts.map((a) => Date.parse(a.attempted_at));
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(100);
    expect(at[1]! - at[0]!).toBeLessThan(600);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1200);
    expect(at[2]! - at[1]!).toBeLessThan(2500);
    for (const a of delivery!.attempts.slice(0, 2))
      expect(Date.parse(a.next_attempt_at!) - Date.parse(a.attempted_at)).toBeCloseTo(
        (a.retry_delay_seconds! * 1000) / 100,
        -2,
      );
    // Every attempt sent the same signed bytes.
    expect(new Set(receiver.received.map((r) => `${r.headers['klarna-signature']}|${r.body}`)).size).toBe(1);
  });

  it('runs retries when the sandbox clock is advanced, and keeps the configuration captured at the first attempt', async () => {
    receiver = await startReceiver((_, index) => (index < 1 ? 500 : 202));
    const { webhook } = await webhookSetup(receiver.url);
    const { event_id } = await api.webhooks.simulate(
      webhook.webhook_id,
      { event_type: 'payment.request.updated', event_version: 'v1' },
      mutation(),
    );
    await sandbox.control.waitForDeliveries({ event_id }, { state: 'pending' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(1);
    await api.webhooks.update(webhook.webhook_id, { url: 'https://changed.example/hooks' }, mutation());
    await sandbox.control.advanceClock(10);
    const [delivery] = await sandbox.control.waitForDeliveries({ event_id });
    expect(delivery).toMatchObject({ state: 'delivered', url: receiver.url });
    expect(delivery!.attempts.map((a) => a.status)).toEqual([500, 202]);
  });

  it('gives up after the last retry, 12 h after the first failure in all', async () => {
    receiver = await startReceiver(() => 500);
    await sandbox.control.setWebhookTimeScale(100_000);
    const { webhook } = await webhookSetup(receiver.url);
    const { event_id } = await api.webhooks.simulate(
      webhook.webhook_id,
      { event_type: 'payment.request.updated', event_version: 'v1' },
      mutation(),
    );
    const [delivery] = await sandbox.control.waitForDeliveries({ event_id }, { timeoutMs: 15_000 });
    expect(delivery!.state).toBe('failed');
    // 10 s, 2 min and 15 min apart, then at 3 h, 6 h and 12 h after the first failure (seed 002 l. 588–600).
    const delays = delivery!.attempts.map((a) => a.retry_delay_seconds);
    expect(delays).toEqual([10, 120, 900, 9_770, 10_800, 21_600, null]);
    expect(delays.reduce<number>((sum, d) => sum + (d ?? 0), 0)).toBe(12 * 3600);
  });
});

describe('persistence', () => {
  it('keeps credentials, keys, webhooks, idempotency records and pending deliveries across a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'klarna-sandbox-'));
    let receiverUp = false;
    receiver: {
      const hooks = await startReceiver(() => (receiverUp ? 204 : 503));
      try {
        const first = await startSandbox({ dataDir, rateLimits: 'production' });
        const key = (await first.control.bootstrapKey()).api_key;
        const one = sandboxClient(first.baseUrl, key).api;
        const created = await one.credentials.create(
          { description: 'kept', type: 'API', environment: 'TEST' },
          { idempotencyKey: 'persisted-key' },
        );
        const signingKey = await one.signingKeys.create(mutation());
        const webhook = await one.webhooks.create(
          { url: hooks.url, event_types: ['*'], event_version: 'v1', signing_key_id: signingKey.signing_key_id },
          mutation(),
        );
        const { event_id } = await one.webhooks.simulate(
          webhook.webhook_id,
          { event_type: 'settlement.report.created', event_version: 'v1' },
          mutation(),
        );
        await first.control.waitForDeliveries({ event_id }, { state: 'pending' });
        await first.control.advanceClock(5); // the retry is due at +10 s
        const partner = (await first.control.info()).partner_account_id;
        await first.close();

        const second = await startSandbox({ dataDir, rateLimits: 'production' });
        try {
          const info = await second.control.info();
          expect(info.partner_account_id).toBe(partner);
          expect(Date.parse(info.now) - Date.now()).toBeGreaterThan(4_900);
          const two = sandboxClient(second.baseUrl, key).api;
          expect((await two.credentials.list()).credentials.map((c) => c.description)).toEqual([
            'Initial API key',
            'kept',
          ]);
          expect(await two.webhooks.get(webhook.webhook_id)).toEqual(webhook);
          expect((await two.signingKeys.list()).signing_keys).toEqual([
            { signing_key_id: signingKey.signing_key_id, created_at: signingKey.created_at },
          ]);
          expect(
            await two.credentials.create(
              { description: 'other', type: 'CLIENT', environment: 'LIVE' },
              { idempotencyKey: 'persisted-key' },
            ),
          ).toEqual(created);

          const [pending] = await second.control.deliveries({ event_id });
          expect(pending).toMatchObject({ state: 'pending', attempts: [expect.objectContaining({ status: 503 })] });
          receiverUp = true;
          await second.control.advanceClock(5);
          const [delivered] = await second.control.waitForDeliveries({ event_id });
          expect(delivered!.attempts.map((a) => a.status)).toEqual([503, 204]);
          const last = hooks.received.at(-1)!;
          expect(
            verifyWebhookSignature(last.body, last.headers['klarna-signature'] as string, signingKey.signing_key).valid,
          ).toBe(true);
        } finally {
          await second.close();
        }
      } finally {
        await hooks.close();
        await rm(dataDir, { recursive: true, force: true });
      }
      break receiver;
    }
  });
});
