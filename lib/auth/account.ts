import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { users, type UserRow } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import type { ServiceContext } from '@/lib/context';
import { InputError, NotFoundError } from '@/lib/errors';
import { assertCan, type Actor } from './guard';
import { hashPassword, passwordProblems, verifyPassword } from './password';
import { endUserSessions } from './sessions';
import { generateTotpSecret, totpQrDataUrl, verifyTotp } from './totp';
import { openPendingTotpSecret, sealTotpSecret } from './totp-store';

/** A person's own security settings: password and second factor. */

/** The keyring seals TOTP seeds (the same one that seals Klarna keys). */
export type AccountCtx = Pick<ServiceContext, 'db' | 'actor' | 'requestId'> & {
  settings: Pick<ServiceContext['settings'], 'keyring'>;
};

export const changePasswordInputSchema = z.object({
  currentPassword: z.string().min(1, 'Enter your current password').max(1024),
  newPassword: z.string().max(1024),
});

export const totpCodeInputSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'Enter the 6-digit code from your app'),
});
export const passwordConfirmInputSchema = z.object({ password: z.string().min(1, 'Enter your password').max(1024) });

async function loadSelf(db: Db, actor: Actor): Promise<UserRow> {
  const [row] = await db.select().from(users).where(eq(users.id, actor.id)).limit(1);
  if (!row) throw new NotFoundError('Your account no longer exists.');
  return row;
}

/** Changes the password and ends every session of this user, this one included. */
export async function changeOwnPassword(ctx: AccountCtx, input: z.input<typeof changePasswordInputSchema>) {
  const { db, actor } = ctx;
  assertCan(actor, 'account.manage-own');
  const { currentPassword, newPassword } = changePasswordInputSchema.parse(input);
  const self = await loadSelf(db, actor);
  if (!(await verifyPassword(self.passwordHash, currentPassword))) {
    throw new InputError('Your current password is not correct.', {
      currentPassword: ['Your current password is not correct.'],
    });
  }
  const problems = passwordProblems(newPassword, { email: self.email });
  if (newPassword === currentPassword) problems.push('Choose a password different from the current one.');
  if (problems.length) throw new InputError(problems[0]!, { newPassword: problems });
  const passwordHash = await hashPassword(newPassword);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        passwordHash,
        mustChangePassword: false,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(users.id, actor.id));
    const endedSessions = await endUserSessions(tx, actor.id, 'password_changed');
    await recordAudit(tx, {
      actor,
      action: 'auth.password_changed',
      target: { type: 'user', id: actor.id },
      details: { via: 'account', endedSessions },
      requestId: ctx.requestId,
    });
  });
}

/** Starts enrolment: a new seed kept sealed as pending until a code from the app confirms it. */
export async function beginTotpEnrolment(ctx: AccountCtx) {
  const { db, actor } = ctx;
  assertCan(actor, 'account.manage-own');
  const self = await loadSelf(db, actor);
  if (self.totpSecret) throw new InputError('Two-step sign-in is already on. Turn it off first to enrol a new device.');
  const secret = generateTotpSecret();
  await db
    .update(users)
    .set({
      totpPendingSecret: sealTotpSecret(actor.id, secret, ctx.settings.keyring, 'pending'),
      updatedAt: new Date(),
    })
    .where(eq(users.id, actor.id));
  return { secret, qrDataUrl: await totpQrDataUrl(secret, self.email) };
}

export async function confirmTotpEnrolment(ctx: AccountCtx, input: z.input<typeof totpCodeInputSchema>) {
  const { db, actor } = ctx;
  assertCan(actor, 'account.manage-own');
  const { code } = totpCodeInputSchema.parse(input);
  const self = await loadSelf(db, actor);
  const pending = openPendingTotpSecret(self, ctx.settings.keyring);
  if (!pending) throw new InputError('Start enrolment again: no enrolment is in progress.');
  const step = verifyTotp(pending, code);
  if (step === null)
    throw new InputError('That code does not match. Check the time on your phone and try the next code.', {
      code: ['That code does not match.'],
    });
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        totpSecret: sealTotpSecret(actor.id, pending, ctx.settings.keyring, 'active'),
        totpPendingSecret: null,
        totpLastStep: step,
        updatedAt: new Date(),
      })
      .where(eq(users.id, actor.id));
    await recordAudit(tx, {
      actor,
      action: 'auth.totp_enabled',
      target: { type: 'user', id: actor.id },
      requestId: ctx.requestId,
    });
  });
}

export async function disableOwnTotp(ctx: AccountCtx, input: z.input<typeof passwordConfirmInputSchema>) {
  const { db, actor } = ctx;
  assertCan(actor, 'account.manage-own');
  const { password } = passwordConfirmInputSchema.parse(input);
  const self = await loadSelf(db, actor);
  if (!(await verifyPassword(self.passwordHash, password))) {
    throw new InputError('Your password is not correct.', { password: ['Your password is not correct.'] });
  }
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ totpSecret: null, totpPendingSecret: null, totpLastStep: null, updatedAt: new Date() })
      .where(eq(users.id, actor.id));
    await recordAudit(tx, {
      actor,
      action: 'auth.totp_disabled',
      target: { type: 'user', id: actor.id },
      requestId: ctx.requestId,
    });
  });
}
