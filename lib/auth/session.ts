import 'server-only';
import { cache } from 'react';
import { getToken } from 'next-auth/jwt';
import { cookies } from 'next/headers';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { recordAudit } from '@/lib/audit';
import { ForbiddenError } from '@/lib/errors';
import { currentRequestId } from '@/lib/request';
import { assertCan, loadActor, type Actor } from './guard';
import { type Capability } from './roles';

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
  return loadActor(getDb(), { uid: token.uid, sv: token.sv, sat: token.sat, sid: token.sid });
});

/** The guard every server action and route handler calls first; a refusal is audited as `access.denied`. */
export async function requireCapability(capability: Capability, attempted: string): Promise<Actor> {
  const actor = await getActor();
  try {
    assertCan(actor, capability);
  } catch (error) {
    if (error instanceof ForbiddenError && actor) {
      await recordAudit(getDb(), {
        actor,
        action: 'access.denied',
        outcome: 'denied',
        details: { attempted, capability },
        requestId: await currentRequestId(),
      });
    }
    throw error;
  }
  return actor;
}
