import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { users } from '@/db/schema';
import { listAudit } from '@/lib/audit';
import { InputError } from '@/lib/errors';
import { resetUserTotp } from '@/lib/users/service';
import { describeEachDriver } from '@/test/db';
import { createUser, TEST_PASSWORD } from '@/test/factories';
import { beginTotpEnrolment, changeOwnPassword, confirmTotpEnrolment, disableOwnTotp } from './account';
import { verifyPassword } from './password';
import { totpCode } from './totp';
import { testContext } from '@/test/context';
import type { Actor } from './guard';

describeEachDriver('own account security', (db) => {
  const as = (actor: Actor) => testContext({ db: db(), actor, requestId: 'req-acct' });

  it('enrols a second factor only after a code from the app confirms it, sealed at rest', async () => {
    const { actor } = await createUser(db());
    const { secret, qrDataUrl } = await beginTotpEnrolment(as(actor));
    expect(qrDataUrl.startsWith('data:image/png;base64,')).toBe(true);
    let [row] = await db().select().from(users).where(eq(users.id, actor.id));
    expect(row!.totpSecret).toBeNull();
    expect(row!.totpPendingSecret).not.toContain(secret);

    await expect(
      confirmTotpEnrolment(as(actor), {
        code: totpCode(secret, Date.now() - 300_000),
      }),
    ).rejects.toThrow(InputError);
    await confirmTotpEnrolment(as(actor), { code: totpCode(secret) });
    [row] = await db().select().from(users).where(eq(users.id, actor.id));
    expect(row!.totpSecret).toMatch(/^v1\./);
    expect(row!.totpPendingSecret).toBeNull();
    expect((await listAudit(db(), { actor: actor.id, action: 'auth.totp_enabled' })).rows).toHaveLength(1);

    await expect(beginTotpEnrolment(as(actor))).rejects.toThrow(/already on/);
  });

  it('turns the second factor off only with the right password', async () => {
    const { actor } = await createUser(db());
    const { secret } = await beginTotpEnrolment(as(actor));
    await confirmTotpEnrolment(as(actor), { code: totpCode(secret) });
    await expect(disableOwnTotp(as(actor), { password: 'not my password!' })).rejects.toMatchObject({
      fields: { password: ['Your password is not correct.'] },
    });
    await disableOwnTotp(as(actor), { password: TEST_PASSWORD });
    const [row] = await db().select().from(users).where(eq(users.id, actor.id));
    expect(row!.totpSecret).toBeNull();
    expect((await listAudit(db(), { actor: actor.id, action: 'auth.totp_disabled' })).rows).toHaveLength(1);
  });

  it('lets an admin remove a lost second factor, ending the user’s sessions', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const { actor, row: before } = await createUser(db());
    const { secret } = await beginTotpEnrolment(as(actor));
    await confirmTotpEnrolment(as(actor), { code: totpCode(secret) });
    const summary = await resetUserTotp(testContext({ db: db(), actor: admin.actor }), { userId: actor.id });
    expect(summary.totpEnabled).toBe(false);
    const [row] = await db().select().from(users).where(eq(users.id, actor.id));
    expect(row!.sessionVersion).toBe(before.sessionVersion + 1);
    expect((await listAudit(db(), { actor: admin.actor.id, action: 'users.reset_totp' })).rows).toHaveLength(1);
  });

  it('changes the password after checking the current one and the policy, ending all sessions', async () => {
    const { actor, row: before } = await createUser(db());
    await expect(
      changeOwnPassword(as(actor), {
        currentPassword: 'wrong wrong wrong',
        newPassword: 'a fine new passphrase',
      }),
    ).rejects.toMatchObject({
      fields: { currentPassword: ['Your current password is not correct.'] },
    });
    await expect(
      changeOwnPassword(as(actor), {
        currentPassword: TEST_PASSWORD,
        newPassword: 'short',
      }),
    ).rejects.toMatchObject({
      fields: { newPassword: ['Use at least 14 characters (this has 5).'] },
    });
    await changeOwnPassword(as(actor), {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a fine new passphrase',
    });
    const [row] = await db().select().from(users).where(eq(users.id, actor.id));
    expect(await verifyPassword(row!.passwordHash, 'a fine new passphrase')).toBe(true);
    expect(row!.sessionVersion).toBe(before.sessionVersion + 1);
    expect((await listAudit(db(), { actor: actor.id, action: 'auth.password_changed' })).rows[0]?.requestId).toBe(
      'req-acct',
    );
  });
});
