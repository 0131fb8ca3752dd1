import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { userSessions, users } from '@/db/schema';
import type { Actor } from '@/lib/auth/guard';
import { testContext } from '@/test/context';
import { describeEachDriver } from '@/test/db';
import { createUser, testKeyring, TEST_PASSWORD } from '@/test/factories';
import { assertSteppedUp, STEP_UP_MAX_FAILURES, stepUp } from './step-up';
import { generateTotpSecret, totpCode } from './totp';
import { sealTotpSecret } from './totp-store';

// Step-up (issue 16's card reveal): a password or a TOTP code re-entered counts for this session
// for 5 minutes; wrong ones are audited and, past a few, refused for a while.

describeEachDriver('step-up', (db) => {
  async function signedIn(role: 'operator' | 'viewer' = 'operator'): Promise<Actor> {
    const { actor } = await createUser(db(), { role });
    const [session] = await db().insert(userSessions).values({ userId: actor.id }).returning();
    return { ...actor, sessionId: session!.id };
  }
  const ctx = (actor: Actor, now = new Date()) => testContext({ db: db(), actor, now: () => now });

  it('a password counts for this session only, for 5 minutes', async () => {
    const actor = await signedIn();
    await expect(assertSteppedUp(ctx(actor), actor)).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    await stepUp(ctx(actor), { password: TEST_PASSWORD });
    await expect(assertSteppedUp(ctx(actor), actor)).resolves.toBeUndefined();
    const other = { ...actor, sessionId: (await signedIn()).sessionId };
    await expect(assertSteppedUp(ctx(other), other)).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    const later = new Date(Date.now() + 5 * 60 * 1000 + 1000);
    await expect(assertSteppedUp(ctx(actor, later), actor)).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
  });

  it('a TOTP code works once; a reused or wrong one is refused naming the field', async () => {
    const actor = await signedIn();
    const secret = generateTotpSecret();
    await db()
      .update(users)
      .set({ totpSecret: sealTotpSecret(actor.id, secret, testKeyring, 'active') })
      .where(eq(users.id, actor.id));
    const code = totpCode(secret);
    await stepUp(ctx(actor), { code });
    await expect(stepUp(ctx(actor), { code })).rejects.toMatchObject({
      fields: { code: ['That code does not match.'] },
    });
    await expect(stepUp(ctx(actor), { code: '000000' === code ? '111111' : '000000' })).rejects.toMatchObject({
      fields: { code: expect.any(Array) },
    });
  });

  it(`after ${STEP_UP_MAX_FAILURES} wrong passwords, even the right one is refused for a while`, async () => {
    const actor = await signedIn('viewer');
    await expect(stepUp(ctx(actor), {})).rejects.toMatchObject({ fields: { password: expect.any(Array) } });
    for (let i = 0; i < STEP_UP_MAX_FAILURES; i++)
      await expect(stepUp(ctx(actor), { password: `wrong ${i}` })).rejects.toMatchObject({
        fields: { password: ['Your password is not correct.'] },
      });
    await expect(stepUp(ctx(actor), { password: TEST_PASSWORD })).rejects.toMatchObject({
      kind: 'rate_limited',
      code: 'STEP_UP_THROTTLED',
    });
    await expect(assertSteppedUp(ctx(actor), actor)).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
  });
});
