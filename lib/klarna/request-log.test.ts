import { expect, it } from 'vitest';
import { describeEachDriver } from '@/test/db';
import type { KlarnaAttempt } from './client';
import { listApiRequests, recordKlarnaAttemptsIn } from './request-log';

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
    expect(byKey.rows[0]!.responseBody).toEqual({ api_key: '[redacted]' });
    expect((await listApiRequests(db(), { errorId: 'err-429' })).rows).toHaveLength(1);

    const first = await listApiRequests(db(), { limit: 3 });
    expect(first.rows).toHaveLength(3);
    const second = await listApiRequests(db(), { limit: 3, beforeId: first.nextBeforeId! });
    expect(second.rows.map((r) => r.idempotencyKey)).toEqual(['idem-a']);
    expect(second.nextBeforeId).toBeNull();
  });
});
