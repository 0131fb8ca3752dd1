import { cache } from 'react';
import { getToken } from 'next-auth/jwt';
import { cookies } from 'next/headers';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { ForbiddenError } from '@/lib/errors';
import { assertCan, loadActor, type Actor } from './guard';
import { hasRole, roleLabels, type Capability, type Role } from './roles';

/** The actor of the current request, or null. Memoised per request. */
export const getActor = cache(async (): Promise<Actor | null> => {
  // cookies() first: it marks the render as dynamic before anything reads configuration.
  const cookieStore = await cookies();
  const config = env();
  // Decodes next-auth's JWT cookie; the claims are checked against the database in loadActor.
  const token = await getToken({
    req: { cookies: Object.fromEntries(cookieStore.getAll().map((c) => [c.name, c.value])), headers: {} } as never,
    secret: config.AUTH_SECRET,
    secureCookie: config.APP_URL.startsWith('https://'),
  });
  if (!token) return null;
  return loadActor(getDb(), { uid: token.uid, sv: token.sv, sat: token.sat });
});

/** The guard every server action and route handler calls first. */
export async function requireCapability(capability: Capability): Promise<Actor> {
  const actor = await getActor();
  assertCan(actor, capability);
  return actor;
}

/** The same guard for code that thinks in roles rather than capabilities. */
export async function requireRole(role: Role): Promise<Actor> {
  const actor = await getActor();
  assertCan(actor, 'dashboard.read');
  if (!hasRole(actor.role, role)) throw new ForbiddenError(`This needs the ${roleLabels[role]} role or above.`);
  return actor;
}
