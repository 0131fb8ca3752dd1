import { eq } from 'drizzle-orm';
import { beforeEach, expect, it, vi } from 'vitest';
import { signInAttempts } from '@/db/schema';
import { describeEachDriver } from '@/test/db';
import { createUser, TEST_PASSWORD, testKeyring } from '@/test/factories';
import type * as PasswordModule from './password';
import { authenticate, type SignInContext } from './sign-in';

// Counts every password verification, passing through to the real one.
const verified = vi.hoisted(() => ({ count: 0 }));
vi.mock('./password', async (importOriginal) => {
  const actual = await importOriginal<typeof PasswordModule>();
  return {
    ...actual,
    verifyPassword: async (...args: Parameters<typeof actual.verifyPassword>) => {
      verified.count++;
      return actual.verifyPassword(...args);
    },
  };
});

const policy = { windowSeconds: 900, maxFailuresPerEmail: 5, maxFailuresPerIp: 50 };
const ctx = (i: number): SignInContext => ({ ip: `198.51.100.${i}`, policy, keyring: testKeyring });

describeEachDriver('sign-in throttle under concurrency', (db) => {
  beforeEach(() => {
    verified.count = 0;
  });

  it('verifies at most the limit of passwords when 20 wrong ones arrive at once, then refuses the right one', async () => {
    const { row } = await createUser(db(), { email: 'parallel@example.com' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        authenticate(db(), { email: row.email, password: `wrong guess number ${i}` }, ctx(i)),
      ),
    );

    expect(verified.count).toBeLessThanOrEqual(policy.maxFailuresPerEmail);
    expect(results.filter((r) => !r.ok && r.code === 'INVALID_CREDENTIALS')).toHaveLength(verified.count);
    expect(results.filter((r) => !r.ok && r.code === 'THROTTLED')).toHaveLength(20 - verified.count);
    // Every attempt was settled: none left pending.
    const attempts = await db().select().from(signInAttempts).where(eq(signInAttempts.email, row.email));
    expect(attempts.filter((a) => a.outcome === 'pending')).toHaveLength(0);
    expect(attempts).toHaveLength(20);

    const before = verified.count;
    const right = await authenticate(db(), { email: row.email, password: TEST_PASSWORD }, ctx(99));
    expect(right).toMatchObject({ ok: false, code: 'THROTTLED' });
    expect(verified.count).toBe(before);
  });
});
