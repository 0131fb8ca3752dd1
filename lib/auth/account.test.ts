import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { users } from '@/db/schema';
import { listAudit } from '@/lib/audit';
import { InputError } from '@/lib/errors';
import { resetUserTotp } from '@/lib/users/service';
import { describeEachDriver } from '@/test/db';
import { createUser, TEST_PASSWORD, testKeyring } from '@/test/factories';
import { beginTotpEnrolment, changeOwnPassword, confirmTotpEnrolment, disableOwnTotp } from './account';
import { verifyPassword } from './password';
import { totpCode } from './totp';

const ctx = { keyring: testKeyring, requestId: 'req-acct' };

describeEachDriver('own account security', (db) => {
  it('enrols a second factor only after a code from the app confirms it, sealed at rest', async () => {
    const { actor } = await createUser(db());
    const { secret, qrDataUrl } = await beginTotpEnrolment(db(), actor, ctx);
    expect(qrDataUrl.startsWith('data:image/png;base64,')).toBe(true);
    let [row] = await db().select().from(users).where(eq(users.id, actor.id));
    expect(row!.totpSecret).toBeNull();
    expect(row!.totpPendingSecret).not.toContain(secret);

    await expect(
      confirmTotpEnrolment(db(), actor, { code: totpCode(secret, Date.now() - 300_000) }, ctx),
    ).rejects.toThrow(InputError);
    await confirmTotpEnrolment(db(), actor, { code: totpCode(secret) }, ctx);
    [row] = await db().select().from(users).where(eq(users.id, actor.id));
    expect(row!.totpSecret).toMatch(/^v1\./);
    expect(row!.totpPendingSecret).toBeNull();
    expect((await listAudit(db(), { actor: actor.id, action: 'auth.totp_enabled' })).rows).toHaveLength(1);

    await expect(beginTotpEnrolment(db(), actor, ctx)).rejects.toThrow(/already on/);
  });

  it('turns the second factor off only with the right password', async () => {
    const { actor } = await createUser(db());
    const { secret } = await beginTotpEnrolment(db(), actor, ctx);
    await confirmTotpEnrolment(db(), actor, { code: totpCode(secret) }, ctx);
    await expect(disableOwnTotp(db(), actor, { password: 'not my password!' }, ctx)).rejects.toMatchObject({
      fields: { password: ['Your password is not correct.'] },
    });
    await disableOwnTotp(db(), actor, { password: TEST_PASSWORD }, ctx);
    const [row] = await db().select().from(users).where(eq(users.id, actor.id));
    expect(row!.totpSecret).toBeNull();
    expect((await listAudit(db(), { actor: actor.id, action: 'auth.totp_disabled' })).rows).toHaveLength(1);
  });

  it('lets an admin remove a lost second factor, ending the user’s sessions', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const { actor, row: before } = await createUser(db());
    const { secret } = await beginTotpEnrolment(db(), actor, ctx);
    await confirmTotpEnrolment(db(), actor, { code: totpCode(secret) }, ctx);
    const summary = await resetUserTotp(db(), admin.actor, { userId: actor.id });
    expect(summary.totpEnabled).toBe(false);
    const [row] = await db().select().from(users).where(eq(users.id, actor.id));
    expect(row!.sessionVersion).toBe(before.sessionVersion + 1);
    expect((await listAudit(db(), { actor: admin.actor.id, action: 'users.reset_totp' })).rows).toHaveLength(1);
  });

  it('changes the password after checking the current one and the policy, ending all sessions', async () => {
    const { actor, row: before } = await createUser(db());
    await expect(
      changeOwnPassword(
        db(),
        actor,
        { currentPassword: 'wrong wrong wrong', newPassword: 'a fine new passphrase' },
        ctx,
      ),
    ).rejects.toMatchObject({
      fields: { currentPassword: ['Your current password is not correct.'] },
    });
    await expect(
      changeOwnPassword(db(), actor, { currentPassword: TEST_PASSWORD, newPassword: 'short' }, ctx),
    ).rejects.toMatchObject({
      fields: { newPassword: ['Use at least 14 characters (this has 5).'] },
    });
    await changeOwnPassword(db(), actor, { currentPassword: TEST_PASSWORD, newPassword: 'a fine new passphrase' }, ctx);
    const [row] = await db().select().from(users).where(eq(users.id, actor.id));
    expect(await verifyPassword(row!.passwordHash, 'a fine new passphrase')).toBe(true);
    expect(row!.sessionVersion).toBe(before.sessionVersion + 1);
    expect((await listAudit(db(), { actor: actor.id, action: 'auth.password_changed' })).rows[0]?.requestId).toBe(
      'req-acct',
    );
  });
});
