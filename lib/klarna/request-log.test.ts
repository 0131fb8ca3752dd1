import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { apiRequests } from '@/db/schema';
import { describeEachDriver } from '@/test/db';
import type { KlarnaAttempt } from './client';
import { apiRequestFilterSchema, getApiRequest, listApiRequests, recordKlarnaAttemptsIn } from './request-log';

const attempt = (over: Partial<KlarnaAttempt>): KlarnaAttempt => ({
  operation: 'credentials.create',
  method: 'POST',
  path: '/v1/account/credentials',
  accountId: null,
  attempt: 1,
  status: 200,
  durationMs: 12,
  errorCode: null,
  errorId: null,
  idempotencyKey: 'idem-a',
  correlationId: null,
  requestBody: { description: 'x' },
  responseBody: { api_key: '[redacted]' },
  ...over,
});

describeEachDriver('API request log', (db) => {
  it('stores each attempt and finds them by idempotency key and error id, newest first', async () => {
    const record = recordKlarnaAttemptsIn(db());
    await record(attempt({ attempt: 1, status: 429, errorCode: 'RATE_LIMITED', errorId: 'err-429' }));
    await record(attempt({ attempt: 2, status: null, durationMs: 65_000 }));
    await record(attempt({ attempt: 3 }));
    await record(attempt({ idempotencyKey: 'idem-b' }));

    const byKey = await listApiRequests(db(), { idempotencyKey: 'idem-a' });
    expect(byKey.rows.map((r) => [r.attempt, r.status])).toEqual([
      [3, 200],
      [2, null],
      [1, 429],
    ]);
    expect((await getApiRequest(db(), byKey.rows[0]!.id))!.responseBody).toEqual({ api_key: '[redacted]' });
    expect((await listApiRequests(db(), { errorId: 'err-429' })).rows).toHaveLength(1);

    const first = await listApiRequests(db(), { limit: 3 });
    expect(first.rows).toHaveLength(3);
    const second = await listApiRequests(db(), { limit: 3, cursor: first.nextCursor! });
    expect(second.rows.map((r) => r.idempotencyKey)).toEqual(['idem-a']);
    expect(second.nextCursor).toBeNull();
  });

  it('filters by operation, method, status class, account, correlation id and time', async () => {
    const record = recordKlarnaAttemptsIn(db());
    const account = `krn:partner:global:account:${crypto.randomUUID()}`;
    await record(
      attempt({
        accountId: account,
        operation: 'webhooks.list',
        method: 'GET',
        path: '/v1/notification/webhooks',
        status: 200,
        correlationId: 'corr-1',
      }),
    );
    await record(
      attempt({
        accountId: account,
        operation: 'webhooks.update',
        method: 'PATCH',
        status: 404,
        errorCode: 'NOT_FOUND',
        errorId: 'e-404',
      }),
    );
    await record(attempt({ accountId: account, operation: 'webhooks.update', method: 'PATCH', status: 503 }));
    await record(attempt({ accountId: account, operation: 'webhooks.update', method: 'PATCH', status: null }));
    const mine = { accountId: account };
    const statuses = async (f: Parameters<typeof listApiRequests>[1]) =>
      (await listApiRequests(db(), { ...mine, ...f })).rows.map((r) => r.status);

    expect(await statuses({})).toEqual([null, 503, 404, 200]);
    expect(await statuses({ status: '2xx' })).toEqual([200]);
    expect(await statuses({ status: '4xx' })).toEqual([404]);
    expect(await statuses({ status: '5xx' })).toEqual([503]);
    expect(await statuses({ status: 'network' })).toEqual([null]);
    expect(await statuses({ method: 'GET' })).toEqual([200]);
    expect(await statuses({ operation: 'webhooks.update' })).toEqual([null, 503, 404]);
    expect(await statuses({ correlationId: 'corr-1' })).toEqual([200]);

    // Move one row to yesterday: the day bounds are inclusive UTC days.
    const [oldest] = await listApiRequests(db(), { ...mine, status: '2xx' }).then((p) => p.rows);
    await db().execute(sql`update ${apiRequests} set occurred_at = now() - interval '1 day' where id = ${oldest!.id}`);
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(await statuses({ from: today })).toEqual([null, 503, 404]);
    expect(await statuses({ from: yesterday, to: yesterday })).toEqual([200]);
  });

  it('pages through every row once however the page size falls', async () => {
    const record = recordKlarnaAttemptsIn(db());
    const key = `idem-${crypto.randomUUID()}`;
    for (let i = 1; i <= 7; i++) await record(attempt({ idempotencyKey: key, attempt: i }));
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listApiRequests(db(), { idempotencyKey: key, limit: 3, cursor });
      seen.push(...page.rows.map((r) => r.attempt));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });

  it('rejects filters it cannot use, and a missing id reads as null', async () => {
    expect(apiRequestFilterSchema.safeParse({ status: '3xx' }).success).toBe(false);
    expect(apiRequestFilterSchema.safeParse({ from: '2026-02-02', to: '2026-02-01' }).success).toBe(false);
    expect(await getApiRequest(db(), 987_654_321)).toBeNull();
  });
});
