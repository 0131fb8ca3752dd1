import 'server-only';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { users, type UserRow } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import type { Keyring } from '@/lib/crypto/secrets';
import { burnPasswordCheck, hashPassword, passwordProblems, verifyPassword } from './password';
import { endUserSessions, startSession } from './sessions';
import { reserveAttempt, settleAttempt, type ThrottlePolicy } from './throttle';
import { openTotpSecret } from './totp-store';
import { checkTotp } from './totp';

export const signInInputSchema = z.object({
  email: z.string().trim().toLowerCase().max(320),
  password: z.string().max(1024),
  totp: z.string().max(20).optional(),
  newPassword: z.string().max(1024).optional(),
});
export type SignInInput = z.input<typeof signInInputSchema>;

/** `code` reaches the browser (next-auth passes the message through), so it never says whether an email exists. */
export type SignInResult =
  | { ok: true; user: UserRow; sessionId: string }
  | {
      ok: false;
      code:
        | 'INVALID_CREDENTIALS'
        | 'ACCOUNT_DISABLED'
        | 'TOTP_REQUIRED'
        | 'TOTP_INVALID'
        | 'TOTP_REUSED'
        | 'PASSWORD_CHANGE_REQUIRED';
    }
  | { ok: false; code: 'THROTTLED'; retryAfterSeconds: number }
  | { ok: false; code: 'NEW_PASSWORD_INVALID'; problems: string[] };

export type SignInContext = {
  ip: string;
  userAgent?: string | null;
  policy: ThrottlePolicy;
  keyring: Keyring;
  requestId?: string | null;
  now?: Date;
};

/** Signs in: throttle under one lock, check password and second factor, then start and audit the session atomically. */

export async function authenticate(db: Db, input: SignInInput, ctx: SignInContext): Promise<SignInResult> {
  const parsed = signInInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, code: 'INVALID_CREDENTIALS' };
  const { email, password, totp, newPassword } = parsed.data;
  const now = ctx.now ?? new Date();

  const reservation = await reserveAttempt(db, ctx.policy, { email, ip: ctx.ip }, now);
  if (reservation.wait !== undefined) return { ok: false, code: 'THROTTLED', retryAfterSeconds: reservation.wait };
  const attemptId = reservation.attemptId;
  const attempt = (outcome: Parameters<typeof settleAttempt>[2]) => settleAttempt(db, attemptId, outcome);

  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  if (!user) {
    await burnPasswordCheck(password);
    await attempt('bad_credentials');
    return { ok: false, code: 'INVALID_CREDENTIALS' };
  }
  if (!(await verifyPassword(user.passwordHash, password))) {
    await attempt('bad_credentials');
    return { ok: false, code: 'INVALID_CREDENTIALS' };
  }
  if (user.disabledAt) {
    await attempt('disabled');
    return { ok: false, code: 'ACCOUNT_DISABLED' };
  }

  let totpStep: number | null = null;
  if (user.totpSecret) {
    if (!totp) {
      await attempt('second_step');
      return { ok: false, code: 'TOTP_REQUIRED' };
    }
    const check = checkTotp(openTotpSecret(user, ctx.keyring), totp, {
      lastUsedStep: user.totpLastStep,
      timestamp: now.getTime(),
    });
    if (!check.ok) {
      await attempt('bad_totp');
      return { ok: false, code: check.reason === 'reused' ? 'TOTP_REUSED' : 'TOTP_INVALID' };
    }
    totpStep = check.step;
  }

  let newHash: string | null = null;
  if (user.mustChangePassword) {
    if (!newPassword) {
      await attempt('second_step');
      return { ok: false, code: 'PASSWORD_CHANGE_REQUIRED' };
    }
    const problems = passwordProblems(newPassword, { email });
    if (newPassword === password) problems.push('Choose a password different from the temporary one.');
    if (problems.length) {
      await attempt('second_step');
      return { ok: false, code: 'NEW_PASSWORD_INVALID', problems };
    }
    newHash = await hashPassword(newPassword);
  }

  const updated = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({
        lastSignInAt: now,
        ...(totpStep !== null ? { totpLastStep: totpStep } : {}),
        ...(newHash
          ? {
              passwordHash: newHash,
              mustChangePassword: false,
              sessionVersion: sql`${users.sessionVersion} + 1`,
              updatedAt: now,
            }
          : {}),
      })
      .where(
        and(
          eq(users.id, user.id),
          // A concurrent sign-in may have used this code in the meantime: then it is a replay.
          totpStep !== null ? or(isNull(users.totpLastStep), lt(users.totpLastStep, totpStep)) : undefined,
        ),
      )
      .returning();
    if (!row) return null;
    const actor = { id: user.id, email: user.email, role: user.role };
    if (newHash) {
      // The one-time password's sessions (if any) end with it.
      await endUserSessions(tx, user.id, 'password_changed', { now });
      await recordAudit(tx, {
        actor,
        action: 'auth.password_changed',
        target: { type: 'user', id: user.id },
        details: { via: 'sign-in' },
        requestId: ctx.requestId,
      });
    }
    const sessionId = await startSession(tx, { userId: user.id, ip: ctx.ip, userAgent: ctx.userAgent ?? null, now });
    await recordAudit(tx, {
      actor,
      action: 'auth.sign_in',
      target: { type: 'user', id: user.id },
      details: { ip: ctx.ip, secondFactor: Boolean(user.totpSecret), sessionId },
      requestId: ctx.requestId,
    });
    await settleAttempt(tx, attemptId, 'success');
    return { user: row, sessionId };
  });
  if (!updated) {
    // A concurrent sign-in used this code between our check and our update.
    await attempt('bad_totp');
    return { ok: false, code: 'TOTP_REUSED' };
  }
  return { ok: true, user: updated.user, sessionId: updated.sessionId };
}
