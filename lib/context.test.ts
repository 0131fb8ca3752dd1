import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/guard';
import { ForbiddenError } from '@/lib/errors';
import { offlineSettings } from '@/test/context';
import { testKeyring } from '@/test/factories';

const db = { sentinel: 'app database' } as unknown as Db;
const actor: Actor = { id: 'u-1', email: 'ops@example.com', name: 'Ops', role: 'operator', totpEnabled: false };
const requireCapability = vi.fn(async (): Promise<Actor> => actor);

// routeContext without Next: the session lookup, the app database and the environment stand in.
vi.mock('@/lib/auth/session', () => ({ requireCapability: () => requireCapability() }));
vi.mock('@/lib/db', () => ({ getDb: () => db }));
vi.mock('@/lib/env', () => ({
  env: () => ({
    KLARNA_ENVIRONMENT: 'sandbox',
    KLARNA_BASE_URL: 'http://127.0.0.1:9',
    KLARNA_RATE_LIMITS: 'production',
    keyring: testKeyring,
  }),
}));

const { jobContext, serviceContext } = await import('./context');
const { routeContext } = await import('./auth/route');

describe('service context builders', () => {
  beforeEach(() => requireCapability.mockClear());

  it('jobContext: the app database and settings, no actor, a request id of its own per job', () => {
    const first = jobContext();
    const second = jobContext();
    expect(first).toMatchObject({ db, actor: null, settings: { environment: 'sandbox', keyring: testKeyring } });
    expect(first.requestId).toMatch(/^job-[0-9a-f-]{36}$/);
    expect(second.requestId).not.toBe(first.requestId);
    expect(first.now()).toBeInstanceOf(Date);
  });

  it('jobContext and serviceContext keep what they are given', () => {
    const other = { other: true } as unknown as Db;
    const fixed = new Date('2026-01-01T00:00:00Z');
    expect(jobContext({ db: other, requestId: 'job-given' })).toMatchObject({ db: other, requestId: 'job-given' });
    const ctx = serviceContext({ db: other, settings: offlineSettings(), now: () => fixed });
    expect(ctx).toMatchObject({ db: other, actor: null, requestId: null });
    expect(ctx.now()).toBe(fixed);
  });

  it('routeContext: the actor, and the request id proxy.ts stamped when well-formed, else a new one', async () => {
    const stamped = await routeContext(
      new Request('http://app.test/api/x', { headers: { 'x-request-id': 'req-12345678' } }),
      'dashboard.read',
      'readX',
    );
    expect(stamped.ctx).toMatchObject({ db, actor, requestId: 'req-12345678' });
    const forged = await routeContext(
      new Request('http://app.test/api/x', { headers: { 'x-request-id': 'no spaces <allowed>' } }),
      'dashboard.read',
      'readX',
    );
    expect(forged.ctx?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('routeContext: a refusal is the JSON answer to send, with no context', async () => {
    requireCapability.mockRejectedValueOnce(new ForbiddenError('You may not.'));
    const { ctx, denied } = await routeContext(new Request('http://app.test/api/x'), 'users.manage', 'readX');
    expect(ctx).toBeUndefined();
    expect(denied?.status).toBe(403);
  });
});
