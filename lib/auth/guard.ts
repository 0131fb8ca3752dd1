import 'server-only';
import { and, eq, isNull, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { userSessions, users } from '@/db/schema';
import { ForbiddenError, UnauthenticatedError } from '@/lib/errors';
import { can, capabilityMinRole, capabilityPhrases, roleLabels, type Capability, type Role } from './roles';

/** Sessions end this long after sign-in however active they are. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** The signed-in person as every service sees them, read fresh from the database per request. */
export type Actor = {
  id: string;
  email: string;
  name: string;
  role: Role;
  totpEnabled: boolean;
  /** The session record this request runs in (absent for actors made outside a request). */
  sessionId?: string;
};

/** Session token claims: user, session generation, sign-in time, and the `user_sessions` record sign-out ends. */
export type SessionClaims = { uid: string; sv: number; sat: number; sid: string };

/** Session claims to an actor, or null once the session stops counting; the role is read fresh on every request. */
export async function loadActor(
  db: Db,
  claims: Partial<SessionClaims> | null,
  now = Date.now(),
): Promise<Actor | null> {
  if (!claims?.uid || typeof claims.sv !== 'number' || typeof claims.sat !== 'number' || typeof claims.sid !== 'string')
    return null;
  if (now - claims.sat > SESSION_MAX_AGE_SECONDS * 1000) return null;
  if (!z.uuid().safeParse(claims.sid).success) return null;
  const [found] = await db
    .select({ user: users, lastSeenAt: userSessions.lastSeenAt })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.id, claims.sid), eq(userSessions.userId, claims.uid), isNull(userSessions.endedAt)))
    .limit(1);
  if (!found) return null;
  const { user } = found;
  if (user.disabledAt || user.sessionVersion !== claims.sv) return null;
  if (now - found.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS) {
    // The WHERE makes concurrent requests of one session write once.
    await db
      .update(userSessions)
      .set({ lastSeenAt: new Date(now) })
      .where(
        and(eq(userSessions.id, claims.sid), lt(userSessions.lastSeenAt, new Date(now - LAST_SEEN_RESOLUTION_MS))),
      );
  }
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    totpEnabled: Boolean(user.totpSecret),
    sessionId: claims.sid,
  };
}

/** last_seen_at of a session moves on at most this often. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/** The server-side check behind every action and handler. Throws when the actor may not. */
export function assertCan(actor: Actor | null, capability: Capability): asserts actor is Actor {
  if (!actor) throw new UnauthenticatedError();
  if (!can(actor.role, capability)) {
    throw new ForbiddenError(
      `Your role (${roleLabels[actor.role]}) may not ${capabilityPhrases[capability]}; it needs ${roleLabels[capabilityMinRole[capability]]}.`,
    );
  }
}
