import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
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
};

/** What the session token carries: who, which session generation, and when they signed in. */
export type SessionClaims = { uid: string; sv: number; sat: number };

/**
 * Turns session claims into an actor, or null when the session no longer counts: user gone
 * or disabled, password changed since (session version), or older than 8 hours. The role
 * comes from the database, so a role change applies on the next request.
 */
export async function loadActor(db: Db, claims: Partial<SessionClaims> | null, now = Date.now()): Promise<Actor | null> {
  if (!claims?.uid || typeof claims.sv !== 'number' || typeof claims.sat !== 'number') return null;
  if (now - claims.sat > SESSION_MAX_AGE_SECONDS * 1000) return null;
  const [user] = await db.select().from(users).where(eq(users.id, claims.uid)).limit(1);
  if (!user || user.disabledAt || user.sessionVersion !== claims.sv) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, totpEnabled: Boolean(user.totpSecret) };
}

/** The server-side check behind every action and handler. Throws when the actor may not. */
export function assertCan(actor: Actor | null, capability: Capability): asserts actor is Actor {
  if (!actor) throw new UnauthenticatedError();
  if (!can(actor.role, capability)) {
    throw new ForbiddenError(
      `Your role (${roleLabels[actor.role]}) may not ${capabilityPhrases[capability]}; it needs ${roleLabels[capabilityMinRole[capability]]}.`,
    );
  }
}
