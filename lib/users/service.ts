import 'server-only';
import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { users, type UserRow } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { assertCan } from '@/lib/auth/guard';
import { endUserSessions } from '@/lib/auth/sessions';
import { generatePassword, hashPassword } from '@/lib/auth/password';
import { roles } from '@/lib/auth/roles';
import type { ServiceContext } from '@/lib/context';
import { ConflictError, InputError, NotFoundError } from '@/lib/errors';

/** What callers outside this module may see of a user: never hashes or TOTP seeds. */
export type UserSummary = {
  id: string;
  email: string;
  name: string;
  role: UserRow['role'];
  disabled: boolean;
  totpEnabled: boolean;
  mustChangePassword: boolean;
  lastSignInAt: Date | null;
  createdAt: Date;
};

export function toSummary(row: UserRow): UserSummary {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: Boolean(row.disabledAt),
    totpEnabled: Boolean(row.totpSecret),
    mustChangePassword: row.mustChangePassword,
    lastSignInAt: row.lastSignInAt,
    createdAt: row.createdAt,
  };
}

export type UserCtx = Pick<ServiceContext, 'db' | 'actor' | 'requestId'>;

export const createUserInputSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(320, 'Use at most 320 characters')
    .pipe(z.email('Enter an email address such as name@example.com')),
  name: z.string().trim().min(1, 'Enter a name').max(120, 'Use at most 120 characters'),
  role: z.enum(roles, { error: 'Choose a role' }),
});
export type CreateUserInput = z.input<typeof createUserInputSchema>;

export const userIdSchema = z.object({ userId: z.uuid('Unknown user') });
export const changeRoleInputSchema = userIdSchema.extend({ role: z.enum(roles, { error: 'Choose a role' }) });
export const setDisabledInputSchema = userIdSchema.extend({ disabled: z.boolean() });

export async function listUsers(ctx: UserCtx): Promise<UserSummary[]> {
  const { db, actor } = ctx;
  assertCan(actor, 'users.manage');
  const rows = await db.select().from(users).orderBy(asc(users.email));
  return rows.map(toSummary);
}

/** Creates a user with a one-time password, returned once, never stored; the user picks their own at first sign-in. */
export async function createUser(
  ctx: UserCtx,
  input: CreateUserInput,
): Promise<{ user: UserSummary; temporaryPassword: string }> {
  const { db, actor } = ctx;
  assertCan(actor, 'users.manage');
  const data = createUserInputSchema.parse(input);
  const temporaryPassword = generatePassword();
  const passwordHash = await hashPassword(temporaryPassword);
  const user = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ ...data, passwordHash, mustChangePassword: true })
      .onConflictDoNothing({ target: users.email })
      .returning();
    if (!row)
      throw new ConflictError('A user with this email already exists.', {
        email: ['A user with this email already exists.'],
      });
    await recordAudit(tx, {
      actor,
      action: 'users.create',
      target: { type: 'user', id: row.id },
      details: { email: row.email, name: row.name, role: row.role },
      requestId: ctx.requestId,
    });
    return row;
  });
  return { user: toSummary(user), temporaryPassword };
}

export async function changeUserRole(ctx: UserCtx, input: z.input<typeof changeRoleInputSchema>) {
  const { db, actor } = ctx;
  assertCan(actor, 'users.manage');
  const { userId, role } = changeRoleInputSchema.parse(input);
  return db.transaction(async (tx) => {
    const target = await lockUser(tx, userId);
    if (target.role === role) return toSummary(target);
    if (target.role === 'admin') await assertAnotherActiveAdmin(tx, userId, 'change the role of');
    const [row] = await tx.update(users).set({ role, updatedAt: new Date() }).where(eq(users.id, userId)).returning();
    await recordAudit(tx, {
      actor,
      action: 'users.change_role',
      target: { type: 'user', id: userId },
      details: { email: target.email, from: target.role, to: role },
      requestId: ctx.requestId,
    });
    return toSummary(row!);
  });
}

export async function setUserDisabled(ctx: UserCtx, input: z.input<typeof setDisabledInputSchema>) {
  const { db, actor } = ctx;
  assertCan(actor, 'users.manage');
  const { userId, disabled } = setDisabledInputSchema.parse(input);
  if (disabled && userId === actor.id) throw new InputError('You cannot disable your own account.');
  return db.transaction(async (tx) => {
    const target = await lockUser(tx, userId);
    if (Boolean(target.disabledAt) === disabled) return toSummary(target);
    if (disabled && target.role === 'admin') await assertAnotherActiveAdmin(tx, userId, 'disable');
    const [row] = await tx
      .update(users)
      .set({
        disabledAt: disabled ? new Date() : null,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(users.id, userId))
      .returning();
    const endedSessions = disabled ? await endUserSessions(tx, userId, 'disabled') : 0;
    await recordAudit(tx, {
      actor,
      action: disabled ? 'users.disable' : 'users.enable',
      target: { type: 'user', id: userId },
      details: { email: target.email, ...(disabled ? { endedSessions } : {}) },
      requestId: ctx.requestId,
    });
    return toSummary(row!);
  });
}

export async function resetUserPassword(ctx: UserCtx, input: z.input<typeof userIdSchema>) {
  const { db, actor } = ctx;
  assertCan(actor, 'users.manage');
  const { userId } = userIdSchema.parse(input);
  const temporaryPassword = generatePassword();
  const passwordHash = await hashPassword(temporaryPassword);
  const user = await db.transaction(async (tx) => {
    const target = await lockUser(tx, userId);
    const [row] = await tx
      .update(users)
      .set({
        passwordHash,
        mustChangePassword: true,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(users.id, userId))
      .returning();
    const endedSessions = await endUserSessions(tx, userId, 'password_reset');
    await recordAudit(tx, {
      actor,
      action: 'users.reset_password',
      target: { type: 'user', id: userId },
      details: { email: target.email, endedSessions },
      requestId: ctx.requestId,
    });
    return row!;
  });
  return { user: toSummary(user), temporaryPassword };
}

export async function resetUserTotp(ctx: UserCtx, input: z.input<typeof userIdSchema>) {
  const { db, actor } = ctx;
  assertCan(actor, 'users.manage');
  const { userId } = userIdSchema.parse(input);
  return db.transaction(async (tx) => {
    const target = await lockUser(tx, userId);
    if (!target.totpSecret && !target.totpPendingSecret) return toSummary(target);
    const [row] = await tx
      .update(users)
      .set({
        totpSecret: null,
        totpPendingSecret: null,
        totpLastStep: null,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(users.id, userId))
      .returning();
    const endedSessions = await endUserSessions(tx, userId, 'second_factor_reset');
    await recordAudit(tx, {
      actor,
      action: 'users.reset_totp',
      target: { type: 'user', id: userId },
      details: { email: target.email, endedSessions },
      requestId: ctx.requestId,
    });
    return toSummary(row!);
  });
}

/** "End all sessions" (a lost laptop, a leaked cookie) without touching the password; returns how many ended. */
export async function endAllUserSessions(
  ctx: UserCtx,
  input: z.input<typeof userIdSchema>,
): Promise<{ user: UserSummary; ended: number }> {
  const { db, actor } = ctx;
  assertCan(actor, 'users.manage');
  const { userId } = userIdSchema.parse(input);
  return db.transaction(async (tx) => {
    const target = await lockUser(tx, userId);
    const ended = await endUserSessions(tx, userId, 'ended_by_admin');
    await recordAudit(tx, {
      actor,
      action: 'users.end_sessions',
      target: { type: 'user', id: userId },
      details: { email: target.email, ended },
      requestId: ctx.requestId,
    });
    return { user: toSummary(target), ended };
  });
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function lockUser(tx: Tx, userId: string): Promise<UserRow> {
  const [row] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
  if (!row) throw new NotFoundError('This user does not exist.');
  return row;
}

// Keeps at least one active admin, so nobody can lock the whole team out of user management.
async function assertAnotherActiveAdmin(tx: Tx, exceptUserId: string, verb: string): Promise<void> {
  // Locking the admin rows serialises two admins demoting each other at the same moment.
  const others = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), isNull(users.disabledAt), ne(users.id, exceptUserId)))
    .for('update');
  if (others.length === 0)
    throw new ConflictError(`You cannot ${verb} the last active admin. Make another user an admin first.`);
}
