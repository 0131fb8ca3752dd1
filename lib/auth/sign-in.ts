import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { users, type UserRow } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import type { Keyring } from '@/lib/crypto/secrets';
import { burnPasswordCheck, hashPassword, passwordProblems, verifyPassword } from './password';
import { recordAttempt, throttleWait, type ThrottlePolicy } from './throttle';
import { openTotpSecret } from './totp-store';
import { verifyTotp } from './totp';

export const signInInputSchema = z.object({
  email: z.string().trim().toLowerCase().max(320),
  password: z.string().max(1024),
  totp: z.string().max(20).optional(),
  newPassword: z.string().max(1024).optional(),
});
export type SignInInput = z.input<typeof signInInputSchema>;

/**
 * What the sign-in form needs to know. `code` travels to the browser (next-auth passes the
 * thrown message through), so it never says whether an email exists.
 */
export type SignInResult =
  | { ok: true; user: UserRow }
  | { ok: false; code: 'INVALID_CREDENTIALS' | 'ACCOUNT_DISABLED' | 'TOTP_REQUIRED' | 'TOTP_INVALID' | 'PASSWORD_CHANGE_REQUIRED' }
  | { ok: false; code: 'THROTTLED'; retryAfterSeconds: number }
  | { ok: false; code: 'NEW_PASSWORD_INVALID'; problems: string[] };

export type SignInContext = { ip: string; policy: ThrottlePolicy; keyring: Keyring; requestId?: string | null; now?: Date };

export async function authenticate(db: Db, input: SignInInput, ctx: SignInContext): Promise<SignInResult> {
  const parsed = signInInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, code: 'INVALID_CREDENTIALS' };
  const { email, password, totp, newPassword } = parsed.data;
  const now = ctx.now ?? new Date();
  const attempt = (outcome: Parameters<typeof recordAttempt>[1]['outcome']) => recordAttempt(db, { email, ip: ctx.ip, outcome }, now);

  const wait = await throttleWait(db, ctx.policy, { email, ip: ctx.ip }, now);
  if (wait !== null) {
    await attempt('throttled');
    return { ok: false, code: 'THROTTLED', retryAfterSeconds: wait };
  }

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
    totpStep = verifyTotp(openTotpSecret(user, ctx.keyring), totp, { lastUsedStep: user.totpLastStep, timestamp: now.getTime() });
    if (totpStep === null) {
      await attempt('bad_totp');
      return { ok: false, code: 'TOTP_INVALID' };
    }
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
          ? { passwordHash: newHash, mustChangePassword: false, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: now }
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
      await recordAudit(tx, { actor, action: 'auth.password_changed', target: { type: 'user', id: user.id }, details: { via: 'sign-in' }, requestId: ctx.requestId });
    }
    await recordAudit(tx, { actor, action: 'auth.sign_in', target: { type: 'user', id: user.id }, details: { ip: ctx.ip, secondFactor: Boolean(user.totpSecret) }, requestId: ctx.requestId });
    return row;
  });
  if (!updated) {
    await attempt('bad_totp');
    return { ok: false, code: 'TOTP_INVALID' };
  }
  await attempt('success');
  return { ok: true, user: updated };
}
