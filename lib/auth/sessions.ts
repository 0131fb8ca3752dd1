import 'server-only';
import { and, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { userSessions, type SessionEndReason } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import type { ServiceContext } from '@/lib/context';
import { InputError, NotFoundError } from '@/lib/errors';
import { assertCan, SESSION_MAX_AGE_SECONDS } from './guard';
import { describeUserAgent } from './user-agent';

/** The session records behind every sign-in (`user_sessions`): start, list, end. */

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type SessionsCtx = Pick<ServiceContext, 'db' | 'actor' | 'requestId' | 'now'>;

export async function startSession(
  db: Db | Tx,
  input: { userId: string; ip: string | null; userAgent: string | null; now?: Date },
): Promise<string> {
  const now = input.now ?? new Date();
  const [row] = await db
    .insert(userSessions)
    .values({
      userId: input.userId,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
      createdAt: now,
      lastSeenAt: now,
    })
    .returning({ id: userSessions.id });
  return row!.id;
}

/** Ends every open session of a user (but `exceptId`); returns how many it ended. */
export async function endUserSessions(
  db: Db | Tx,
  userId: string,
  reason: SessionEndReason,
  options: { exceptId?: string; now?: Date } = {},
): Promise<number> {
  const ended = await db
    .update(userSessions)
    .set({ endedAt: options.now ?? new Date(), endedReason: reason })
    .where(
      and(
        eq(userSessions.userId, userId),
        isNull(userSessions.endedAt),
        options.exceptId ? ne(userSessions.id, options.exceptId) : undefined,
      ),
    )
    .returning({ id: userSessions.id });
  return ended.length;
}

/** Ends one session (sign-out). Returns false when it was already ended or never existed. */
export async function endSession(
  db: Db | Tx,
  sessionId: string,
  reason: SessionEndReason,
  now = new Date(),
): Promise<boolean> {
  if (!z.uuid().safeParse(sessionId).success) return false;
  const ended = await db
    .update(userSessions)
    .set({ endedAt: now, endedReason: reason })
    .where(and(eq(userSessions.id, sessionId), isNull(userSessions.endedAt)))
    .returning({ id: userSessions.id });
  return ended.length > 0;
}

/** Whether a session record exists and has not ended (the user checks are loadActor's). */
export async function isSessionOpen(db: Db, sessionId: string): Promise<boolean> {
  if (!z.uuid().safeParse(sessionId).success) return false;
  const [row] = await db
    .select({ id: userSessions.id })
    .from(userSessions)
    .where(and(eq(userSessions.id, sessionId), isNull(userSessions.endedAt)))
    .limit(1);
  return Boolean(row);
}

export type ActiveSession = {
  id: string;
  current: boolean;
  device: string;
  ip: string | null;
  createdAt: Date;
  lastSeenAt: Date;
};

/** The actor's own sessions still open (ended or older than 8 hours are left out), newest first. */
export async function listOwnSessions(ctx: SessionsCtx): Promise<ActiveSession[]> {
  const { db, actor } = ctx;
  assertCan(actor, 'account.manage-own');
  const now = ctx.now();
  const rows = await db
    .select()
    .from(userSessions)
    .where(
      and(
        eq(userSessions.userId, actor.id),
        isNull(userSessions.endedAt),
        gt(userSessions.createdAt, new Date(now.getTime() - SESSION_MAX_AGE_SECONDS * 1000)),
      ),
    )
    .orderBy(desc(userSessions.lastSeenAt));
  return rows
    .map((row) => ({
      id: row.id,
      current: row.id === actor.sessionId,
      device: describeUserAgent(row.userAgent),
      ip: row.ip,
      createdAt: row.createdAt,
      lastSeenAt: row.lastSeenAt,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

export const sessionIdInputSchema = z.object({ sessionId: z.uuid('Unknown session') });

/** "Sign out" one of your other sessions (another browser, a lost laptop). */
export async function endOwnSession(
  ctx: SessionsCtx,
  input: z.input<typeof sessionIdInputSchema>,
): Promise<{ device: string }> {
  const { db, actor } = ctx;
  assertCan(actor, 'account.manage-own');
  const { sessionId } = sessionIdInputSchema.parse(input);
  if (sessionId === actor.sessionId)
    throw new InputError('This is the session you are using: use "Sign out" in the account menu instead.');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(userSessions)
      .set({ endedAt: ctx.now(), endedReason: 'signed_out_by_self' })
      .where(and(eq(userSessions.id, sessionId), eq(userSessions.userId, actor.id), isNull(userSessions.endedAt)))
      .returning();
    // Someone else's session id reads as unknown, never as "not yours".
    if (!row) throw new NotFoundError('This session has already ended.');
    const device = describeUserAgent(row.userAgent);
    await recordAudit(tx, {
      actor,
      action: 'auth.session_ended',
      target: { type: 'user', id: actor.id },
      details: { sessionId, device, ip: row.ip },
      requestId: ctx.requestId,
    });
    return { device };
  });
}

/** "Sign out other sessions": every session of yours but the one making the request. */
export async function endOtherOwnSessions(ctx: SessionsCtx): Promise<{ ended: number }> {
  const { db, actor } = ctx;
  assertCan(actor, 'account.manage-own');
  const current = actor.sessionId;
  if (!current) throw new InputError('This request has no session of its own to keep; sign in again.');
  return db.transaction(async (tx) => {
    const ended = await endUserSessions(tx, actor.id, 'signed_out_by_self', { exceptId: current, now: ctx.now() });
    await recordAudit(tx, {
      actor,
      action: 'auth.other_sessions_ended',
      target: { type: 'user', id: actor.id },
      details: { ended },
      requestId: ctx.requestId,
    });
    return { ended };
  });
}
