import 'server-only';
import { and, desc, eq, gt, inArray, max, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { signInAttempts } from '@/db/schema';

export type ThrottlePolicy = {
  windowSeconds: number;
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
};

export type AttemptOutcome = (typeof signInAttempts.$inferInsert)['outcome'];

/** Outcomes that count: wrong guesses, and pending attempts, so concurrent ones see each other before hashing. */
const FAILURES: AttemptOutcome[] = ['pending', 'bad_credentials', 'bad_totp', 'disabled'];

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Sliding window of failed attempts per email and per IP, in Postgres so every instance sees the same counts. */
export async function throttleWait(
  db: Db | Tx,
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
  db: Db | Tx,
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

export type Reservation = { attemptId: number; wait?: undefined } | { attemptId?: undefined; wait: number };

/** Check and reserve under a per-email then per-IP advisory lock: `throttled` with the wait, or `pending`, counted
 * as failed until settled, so N concurrent attempts verify at most the limit of passwords. The lock is never
 * held while a password is hashed. */
export async function reserveAttempt(
  db: Db,
  policy: ThrottlePolicy,
  key: { email: string; ip: string },
  now = new Date(),
): Promise<Reservation> {
  return db.transaction(async (tx) => {
    // Always email first, then IP: one order everywhere, so two attempts cannot deadlock.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sign-in:email:${key.email}`}))`);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sign-in:ip:${key.ip}`}))`);
    const wait = await throttleWait(tx, policy, key, now);
    const [row] = await tx
      .insert(signInAttempts)
      .values({ ...key, outcome: wait === null ? 'pending' : 'throttled', createdAt: now })
      .returning({ id: signInAttempts.id });
    return wait === null ? { attemptId: row!.id } : { wait };
  });
}

export async function settleAttempt(
  db: Db | Tx,
  attemptId: number,
  outcome: Exclude<AttemptOutcome, 'pending' | 'throttled'>,
): Promise<void> {
  await db.update(signInAttempts).set({ outcome }).where(eq(signInAttempts.id, attemptId));
}
