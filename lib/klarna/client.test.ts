import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KlarnaClient, KlarnaResponseShapeError, type KlarnaAttempt } from './client';
import { isOutcomeUnknown, KlarnaApiError, KlarnaNetworkError } from './errors';
import { KlarnaRateLimiter, seedRateLimits, type Clock } from './rate-limit';

// A scripted stand-in for Klarna: each request takes the next planned answer.
type Planned = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number };
let plan: Planned[] = [];
let received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
    const next = plan.shift() ?? { status: 500, body: { error_code: 'INTERNAL_ERROR' } };
    if (next.delayMs) await new Promise((r) => setTimeout(r, next.delayMs));
    res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
    res.end(next.body === undefined ? '' : JSON.stringify(next.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  plan = [];
  received = [];
});

// Real time for measuring, no real waiting for back-off.
const slept: number[] = [];
const clock: Clock = { now: () => performance.now(), sleep: async (ms) => void slept.push(ms) };

function client(options: { timeoutMs?: number; maxAttempts?: number } = {}) {
  const attempts: KlarnaAttempt[] = [];
  const c = new KlarnaClient({
    baseUrl,
    apiKey: 'klarna_test_api_example',
    limiter: new KlarnaRateLimiter(seedRateLimits.production, clock),
    clock,
    record: (a) => void attempts.push(a),
    integration: { name: 'klarna-partner-dashboard', version: '0.1.0' },
    ...options,
  });
  return { c, attempts };
}

const credentialSchema = z.object({ credential_id: z.string(), api_key: z.string().optional() }).loose();

describe('Klarna client', () => {
  it('sends the auth, idempotency, partner-account and tagging headers and keeps unknown fields', async () => {
    plan = [{ status: 200, body: { credential_id: 'c-1', api_key: 'klarna_test_api_secret', brand_new_field: 7 } }];
    const { c, attempts } = client();
    const result = await c.request({
      operation: 'credentials.create',
      method: 'POST',
      path: '/v1/account/credentials',
      category: 'partner-management',
      accountId: 'krn:partner:global:account:1',
      body: { description: 'ops', type: 'API' },
      idempotencyKey: 'idem-1',
      correlationId: 'corr1',
      response: credentialSchema,
    });
    expect(result).toEqual({ credential_id: 'c-1', api_key: 'klarna_test_api_secret', brand_new_field: 7 });
    const [request] = received;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/account/credentials' });
    expect(request!.headers).toMatchObject({
      authorization: 'Basic klarna_test_api_example',
      'klarna-idempotency-key': 'idem-1',
      'klarna-partner-account': 'krn:partner:global:account:1',
      'partner-correlation-id': 'corr1',
      'content-type': 'application/json',
    });
    expect(JSON.parse(request!.headers['klarna-integration-metadata'] as string)).toEqual({
      name: 'klarna-partner-dashboard',
      version: '0.1.0',
    });
    // The log keeps the call but never the secret Klarna returned.
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      status: 200,
      attempt: 1,
      idempotencyKey: 'idem-1',
      responseBody: { credential_id: 'c-1', api_key: '[redacted]' },
    });
  });

  it('refuses to send a POST without an idempotency key', async () => {
    const { c } = client();
    await expect(
      c.request({ operation: 'x', method: 'POST', path: '/v1/x', category: 'partner-management', body: {} }),
    ).rejects.toThrow(/need an idempotency key/);
    expect(received).toHaveLength(0);
  });

  it('retries a 429 with back-off and the same idempotency key, then succeeds', async () => {
    const limited = {
      status: 429,
      body: { error_type: 'ACCESS_ERROR', error_code: 'RATE_LIMITED', error_id: 'r-1' },
      headers: { 'x-ratelimit-reset': '1' },
    };
    plan = [limited, limited, { status: 200, body: { credential_id: 'c-2' } }];
    const { c, attempts } = client();
    slept.length = 0;
    const result = await c.request({
      operation: 'credentials.create',
      method: 'POST',
      path: '/v1/account/credentials',
      category: 'partner-management',
      body: {},
      idempotencyKey: 'idem-2',
      response: credentialSchema,
    });
    expect(result.credential_id).toBe('c-2');
    expect(received.map((r) => r.headers['klarna-idempotency-key'])).toEqual(['idem-2', 'idem-2', 'idem-2']);
    expect(attempts.map((a) => [a.attempt, a.status, a.errorCode])).toEqual([
      [1, 429, 'RATE_LIMITED'],
      [2, 429, 'RATE_LIMITED'],
      [3, 200, null],
    ]);
    expect(slept.length).toBeGreaterThanOrEqual(2);
  });

  it('retries a 500 on a POST with a key, but gives up after the bounded attempts with a typed error', async () => {
    plan = Array.from({ length: 3 }, () => ({
      status: 500,
      body: { error_type: 'TECHNICAL_ERROR', error_code: 'INTERNAL_ERROR', error_id: 'e-500' },
    }));
    const { c } = client({ maxAttempts: 3 });
    const error = await c
      .request({
        operation: 'x',
        method: 'POST',
        path: '/v1/x',
        category: 'partner-management',
        body: {},
        idempotencyKey: 'idem-3',
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(KlarnaApiError);
    expect(error).toMatchObject({
      status: 500,
      errorCode: 'INTERNAL_ERROR',
      errorId: 'e-500',
      idempotencyKey: 'idem-3',
      attempts: 3,
      outcomeUnknown: true,
    });
    expect(isOutcomeUnknown(error)).toBe(true);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers['klarna-idempotency-key']))).toEqual(new Set(['idem-3']));
  });

  it('says when an outcome is unknown: a POST that met only 5xx may have acted, a GET or a 429 or a 4xx did not', async () => {
    const get = client({ maxAttempts: 2 });
    plan = [
      { status: 503, body: { error_code: 'TEMPORARY_UNAVAILABLE' } },
      { status: 503, body: { error_code: 'TEMPORARY_UNAVAILABLE' } },
    ];
    const read = await get.c
      .request({ operation: 'x', method: 'GET', path: '/v1/x', category: 'partner-management' })
      .catch((e) => e);
    expect(read).toMatchObject({ status: 503, outcomeUnknown: false, attempts: 2 });

    plan = [
      { status: 429, body: { error_code: 'RATE_LIMITED' } },
      { status: 429, body: { error_code: 'RATE_LIMITED' } },
    ];
    const limited = await client({ maxAttempts: 2 })
      .c.request({
        operation: 'x',
        method: 'POST',
        path: '/v1/x',
        category: 'partner-management',
        body: {},
        idempotencyKey: 'idem-429',
      })
      .catch((e) => e);
    expect(limited).toMatchObject({ status: 429, outcomeUnknown: false });
    expect(isOutcomeUnknown(limited)).toBe(false);

    plan = [{ status: 409, body: { error_code: 'RESOURCE_CONFLICT' } }];
    const refused = await client()
      .c.request({
        operation: 'x',
        method: 'POST',
        path: '/v1/x',
        category: 'partner-management',
        body: {},
        idempotencyKey: 'idem-409',
      })
      .catch((e) => e);
    expect(refused).toMatchObject({ status: 409, outcomeUnknown: false, attempts: 1 });
  });

  it('does not retry a client error such as a validation failure or a conflict', async () => {
    plan = [
      {
        status: 400,
        body: {
          error_type: 'INPUT_ERROR',
          error_code: 'VALIDATION_ERROR',
          errors: [{ parameter: 'description', error_message: 'too long' }],
        },
      },
    ];
    const { c } = client();
    const error = await c
      .request({
        operation: 'x',
        method: 'POST',
        path: '/v1/x',
        category: 'partner-management',
        body: {},
        idempotencyKey: 'idem-4',
      })
      .catch((e) => e);
    expect(error).toMatchObject({
      status: 400,
      errorCode: 'VALIDATION_ERROR',
      errors: [{ parameter: 'description', message: 'too long', docUrl: null }],
    });
    expect(received).toHaveLength(1);
  });

  it('treats a timeout as an unknown outcome: retried with the same key, then a network error', async () => {
    plan = [
      { status: 200, body: {}, delayMs: 300 },
      { status: 200, body: {}, delayMs: 300 },
    ];
    const { c, attempts } = client({ timeoutMs: 100, maxAttempts: 2 });
    const error = await c
      .request({
        operation: 'x',
        method: 'POST',
        path: '/v1/x',
        category: 'partner-management',
        body: {},
        idempotencyKey: 'idem-5',
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(KlarnaNetworkError);
    expect(error).toMatchObject({ kind: 'timeout', idempotencyKey: 'idem-5', outcomeUnknown: true, attempts: 2 });
    expect(attempts.map((a) => a.status)).toEqual([null, null]);
  });

  it('reads a 204 as no body, and reports a 2xx body of the wrong shape', async () => {
    plan = [{ status: 204 }, { status: 200, body: { unexpected: true } }];
    const { c } = client();
    await expect(
      c.request({
        operation: 'credentials.delete',
        method: 'DELETE',
        path: '/v1/account/credentials/c-1',
        category: 'partner-management',
      }),
    ).resolves.toBeUndefined();
    await expect(
      c.request({
        operation: 'credentials.read',
        method: 'GET',
        path: '/v1/account/credentials/c-1',
        category: 'partner-management',
        response: credentialSchema,
      }),
    ).rejects.toThrow(KlarnaResponseShapeError);
  });
});
