import 'server-only';
import { and, count, eq, gt, isNull, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import { auditLog, userSessions, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import type { ServiceContext } from '@/lib/context';
import { AppError, InputError, UnauthenticatedError } from '@/lib/errors';
import { assertCan, type Actor } from './guard';
import { verifyPassword } from './password';
import { checkTotp } from './totp';
import { openTotpSecret } from './totp-store';

/**
 * Step-up: a signed-in person re-enters their password (or a code from their authenticator app)
 * before an action that shows secrets (a virtual card's number). It counts for this session only,
 * for `STEP_UP_WINDOW_MS`.
 */

export const STEP_UP_WINDOW_MS = 5 * 60 * 1000;
/** Wrong passwords or codes allowed per person in `STEP_UP_THROTTLE_MS` before step-ups are refused for a while. */
export const STEP_UP_MAX_FAILURES = 5;
export const STEP_UP_THROTTLE_MS = 15 * 60 * 1000;

export const stepUpInputSchema = z
  .object({
    password: z.string().max(1024).optional(),
    code: z.string().trim().max(16).optional(),
  })
  .refine((v) => Boolean(v.password) || Boolean(v.code), {
    path: ['password'],
    message: 'Enter your password or a code from your authenticator app',
  });

/** Checks the password or code and marks this session stepped up; a wrong one is audited as a failure. */
export async function stepUp(
  ctx: Pick<ServiceContext, 'db' | 'actor' | 'requestId' | 'now'> & {
    settings: Pick<ServiceContext['settings'], 'keyring'>;
  },
  input: z.input<typeof stepUpInputSchema>,
): Promise<{ until: Date }> {
  const { db, actor } = ctx;
  assertCan(actor, 'dashboard.read');
  if (!actor.sessionId) throw new UnauthenticatedError('Sign in again to confirm it is you.');
  const parsed = stepUpInputSchema.safeParse(input);
  if (!parsed.success)
    throw new InputError('Enter your password or a code from your authenticator app.', {
      password: ['Enter your password or a code from your authenticator app.'],
    });
  const { password, code } = parsed.data;
  const [user] = await db.select().from(users).where(eq(users.id, actor.id)).limit(1);
  if (!user) throw new UnauthenticatedError();
  const now = ctx.now();
  // Guessing a password here is throttled like sign-in: failures are counted from the audit log.
  const [failures] = await db
    .select({ n: count() })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.actorId, actor.id),
        eq(auditLog.action, 'auth.step_up'),
        eq(auditLog.outcome, 'failure'),
        gt(auditLog.occurredAt, new Date(now.getTime() - STEP_UP_THROTTLE_MS)),
      ),
    );
  if ((failures?.n ?? 0) >= STEP_UP_MAX_FAILURES)
    throw new AppError(
      'rate_limited',
      'STEP_UP_THROTTLED',
      'Too many wrong passwords or codes. Wait 15 minutes, then try again.',
    );
  let via: 'password' | 'totp' | null = null;
  let totpStep: number | null = null;
  if (code) {
    if (user.totpSecret) {
      const check = checkTotp(openTotpSecret(user, ctx.settings.keyring), code, {
        lastUsedStep: user.totpLastStep,
        timestamp: now.getTime(),
      });
      if (check.ok) {
        via = 'totp';
        totpStep = check.step;
      }
    }
  } else if (password && (await verifyPassword(user.passwordHash, password))) via = 'password';

  if (!via) {
    await recordAudit(db, {
      actor,
      action: 'auth.step_up',
      target: { type: 'user', id: actor.id },
      outcome: 'failure',
      details: { via: code ? 'totp' : 'password' },
      requestId: ctx.requestId,
    });
    const field = code ? 'code' : 'password';
    const message = code ? 'That code does not match.' : 'Your password is not correct.';
    throw new InputError(message, { [field]: [message] });
  }
  await db.transaction(async (tx) => {
    if (totpStep !== null)
      await tx
        .update(users)
        .set({ totpLastStep: totpStep })
        .where(and(eq(users.id, actor.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, totpStep))));
    await tx.update(userSessions).set({ steppedUpAt: now }).where(eq(userSessions.id, actor.sessionId!));
    await recordAudit(tx, {
      actor,
      action: 'auth.step_up',
      target: { type: 'user', id: actor.id },
      details: { via },
      requestId: ctx.requestId,
    });
  });
  return { until: new Date(now.getTime() + STEP_UP_WINDOW_MS) };
}

/** Refuses unless this session stepped up within the window: `forbidden` / `STEP_UP_REQUIRED`. */
export async function assertSteppedUp(ctx: Pick<ServiceContext, 'db' | 'now'>, actor: Actor): Promise<void> {
  const required = new AppError(
    'forbidden',
    'STEP_UP_REQUIRED',
    'Confirm it is you: re-enter your password or an authenticator code (valid for 5 minutes).',
  );
  if (!actor.sessionId) throw required;
  const [session] = await ctx.db
    .select({ steppedUpAt: userSessions.steppedUpAt })
    .from(userSessions)
    .where(and(eq(userSessions.id, actor.sessionId), eq(userSessions.userId, actor.id), isNull(userSessions.endedAt)))
    .limit(1);
  const at = session?.steppedUpAt?.getTime();
  const now = ctx.now().getTime();
  if (at === undefined || now - at > STEP_UP_WINDOW_MS || at > now + 60_000) throw required;
}
