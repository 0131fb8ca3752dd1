import { and, desc, eq, gt, inArray, max, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { signInAttempts } from '@/db/schema';

export type ThrottlePolicy = {
  windowSeconds: number;
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
};

export type AttemptOutcome = (typeof signInAttempts.$inferInsert)['outcome'];

/** Outcomes that count towards the throttle: a wrong guess of some kind. */
const FAILURES: AttemptOutcome[] = ['bad_credentials', 'bad_totp', 'disabled'];

/**
 * Sliding window: at most N failed attempts per email (since its last success) and per IP
 * within the window. Returns how long to wait when over, else null. Lives in Postgres so
 * every app instance sees the same counts.
 */
export async function throttleWait(
  db: Db,
  policy: ThrottlePolicy,
  key: { email: string; ip: string },
  now = new Date(),
): Promise<number | null> {
  const windowStart = new Date(now.getTime() - policy.windowSeconds * 1000);

  const [lastSuccess] = await db
    .select({ at: max(signInAttempts.createdAt) })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.email, key.email), eq(signInAttempts.outcome, 'success')));
  const emailSince = lastSuccess?.at && lastSuccess.at > windowStart ? lastSuccess.at : windowStart;

  const waits = await Promise.all([
    waitFor(db, eq(signInAttempts.email, key.email), emailSince, policy.maxFailuresPerEmail, policy.windowSeconds, now),
    waitFor(db, eq(signInAttempts.ip, key.ip), windowStart, policy.maxFailuresPerIp, policy.windowSeconds, now),
  ]);
  const wait = Math.max(...waits.map((w) => w ?? 0));
  return wait > 0 ? wait : null;
}

async function waitFor(
  db: Db,
  who: SQL,
  since: Date,
  limit: number,
  windowSeconds: number,
  now: Date,
): Promise<number | null> {
  // The limit-th most recent failure: once it leaves the window, one more attempt is allowed.
  const [pivot] = await db
    .select({ at: signInAttempts.createdAt })
    .from(signInAttempts)
    .where(and(who, gt(signInAttempts.createdAt, since), inArray(signInAttempts.outcome, FAILURES)))
    .orderBy(desc(signInAttempts.createdAt))
    .offset(limit - 1)
    .limit(1);
  if (!pivot) return null;
  const release = pivot.at.getTime() + windowSeconds * 1000;
  return Math.max(1, Math.ceil((release - now.getTime()) / 1000));
}

export async function recordAttempt(
  db: Db,
  attempt: { email: string; ip: string; outcome: AttemptOutcome },
  now = new Date(),
): Promise<void> {
  await db.insert(signInAttempts).values({ ...attempt, createdAt: now });
}
