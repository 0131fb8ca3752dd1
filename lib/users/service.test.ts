import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { users } from '@/db/schema';
import { listAudit } from '@/lib/audit';
import { verifyPassword } from '@/lib/auth/password';
import { ConflictError, ForbiddenError, InputError } from '@/lib/errors';
import type { Actor } from '@/lib/auth/guard';
import { describeEachDriver } from '@/test/db';
import { createUser } from '@/test/factories';
import {
  changeUserRole,
  createUser as createUserService,
  listUsers,
  resetUserPassword,
  setUserDisabled,
} from './service';
import { testContext } from '@/test/context';

describeEachDriver('user management', (db) => {
  const as = (actor: Actor, requestId: string | null = null) => testContext({ db: db(), actor, requestId });

  it('creates a user with a one-time password and audits it', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const { user, temporaryPassword } = await createUserService(as(admin.actor, 'req-create'), {
      email: '  New.Operator@Example.com ',
      name: 'Nia Operator',
      role: 'operator',
    });
    expect(user).toMatchObject({
      email: 'new.operator@example.com',
      role: 'operator',
      mustChangePassword: true,
      disabled: false,
    });
    expect(user).not.toHaveProperty('passwordHash');
    const [row] = await db().select().from(users).where(eq(users.id, user.id));
    expect(await verifyPassword(row!.passwordHash, temporaryPassword)).toBe(true);
    const [entry] = (await listAudit(db(), { actor: admin.actor.id, action: 'users.create' })).rows;
    expect(entry).toMatchObject({
      targetId: user.id,
      requestId: 'req-create',
      details: { email: 'new.operator@example.com', role: 'operator' },
    });
    expect(JSON.stringify(entry)).not.toContain(temporaryPassword);
  });

  it('refuses a duplicate email with a field error', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const existing = await createUser(db());
    await expect(
      createUserService(as(admin.actor), {
        email: existing.row.email.toUpperCase(),
        name: 'Dup',
        role: 'viewer',
      }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      fields: { email: ['A user with this email already exists.'] },
    });
  });

  it('changes a role and records from and to', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const target = await createUser(db(), { role: 'viewer' });
    const updated = await changeUserRole(as(admin.actor), {
      userId: target.row.id,
      role: 'operator',
    });
    expect(updated.role).toBe('operator');
    const [entry] = (await listAudit(db(), { actor: admin.actor.id, action: 'users.change_role' })).rows;
    expect(entry?.details).toMatchObject({ from: 'viewer', to: 'operator' });
  });

  it('disables and re-enables a user, ending their sessions each time', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const target = await createUser(db());
    const disabled = await setUserDisabled(as(admin.actor), {
      userId: target.row.id,
      disabled: true,
    });
    expect(disabled.disabled).toBe(true);
    const [row] = await db().select().from(users).where(eq(users.id, target.row.id));
    expect(row!.sessionVersion).toBe(target.row.sessionVersion + 1);
    expect((await setUserDisabled(as(admin.actor), { userId: target.row.id, disabled: false })).disabled).toBe(false);
    const actions = (await listAudit(db(), { actor: admin.actor.id })).rows.map((r) => r.action);
    expect(actions.slice(0, 2)).toEqual(['users.enable', 'users.disable']);
  });

  it('never leaves the team without an active admin', async () => {
    const handle = db();
    // Disable every other admin left by earlier tests, so this one is the last.
    const admin = await createUser(handle, { role: 'admin' });
    for (const other of await handle.select().from(users).where(eq(users.role, 'admin'))) {
      if (other.id !== admin.row.id && !other.disabledAt)
        await setUserDisabled(as(admin.actor), { userId: other.id, disabled: true });
    }
    await expect(changeUserRole(as(admin.actor), { userId: admin.row.id, role: 'viewer' })).rejects.toThrow(
      ConflictError,
    );
    await expect(setUserDisabled(as(admin.actor), { userId: admin.row.id, disabled: true })).rejects.toThrow(
      InputError,
    );
    const second = await createUser(handle, { role: 'admin' });
    await expect(changeUserRole(as(admin.actor), { userId: admin.row.id, role: 'viewer' })).resolves.toMatchObject({
      role: 'viewer',
    });
    await expect(changeUserRole(as(second.actor), { userId: second.row.id, role: 'operator' })).rejects.toThrow(
      /last active admin/,
    );
  });

  it('resets a password: new one-time password, old one stops working', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const target = await createUser(db(), { password: 'the original password 1' });
    const { temporaryPassword, user } = await resetUserPassword(as(admin.actor), {
      userId: target.row.id,
    });
    expect(user.mustChangePassword).toBe(true);
    const [row] = await db().select().from(users).where(eq(users.id, target.row.id));
    expect(await verifyPassword(row!.passwordHash, 'the original password 1')).toBe(false);
    expect(await verifyPassword(row!.passwordHash, temporaryPassword)).toBe(true);
  });

  it('refuses every operation to operators and viewers, and writes nothing', async () => {
    const target = await createUser(db());
    for (const role of ['viewer', 'operator'] as const) {
      const { actor } = await createUser(db(), { role });
      await expect(listUsers(as(actor))).rejects.toThrow(ForbiddenError);
      await expect(
        createUserService(as(actor), {
          email: `x-${role}@example.com`,
          name: 'X',
          role: 'admin',
        }),
      ).rejects.toThrow(ForbiddenError);
      await expect(changeUserRole(as(actor), { userId: target.row.id, role: 'admin' })).rejects.toThrow(ForbiddenError);
      await expect(setUserDisabled(as(actor), { userId: target.row.id, disabled: true })).rejects.toThrow(
        ForbiddenError,
      );
      await expect(resetUserPassword(as(actor), { userId: target.row.id })).rejects.toThrow(ForbiddenError);
      expect((await listAudit(db(), { actor: actor.id })).rows).toEqual([]);
    }
    const [row] = await db().select().from(users).where(eq(users.id, target.row.id));
    expect(row).toMatchObject({ role: 'viewer', disabledAt: null, passwordHash: target.row.passwordHash });
  });
});
