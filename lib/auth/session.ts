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

type CookieJar = Awaited<ReturnType<typeof cookies>>;

/** Decodes next-auth's JWT cookie; the claims are checked against the database in loadActor. */
async function actorOf(cookieStore: CookieJar): Promise<Actor | null> {
  const config = env();
  const token = await getToken({
    req: { cookies: Object.fromEntries(cookieStore.getAll().map((c) => [c.name, c.value])), headers: {} } as never,
    secret: config.AUTH_SECRET,
    secureCookie: config.APP_URL.startsWith('https://'),
  });
  if (!token) return null;
  return loadActor(getDb(), { uid: token.uid, sv: token.sv, sat: token.sat, sid: token.sid });
}

/** The actor of the current request, or null. Memoised per request. */
export const getActor = cache(async (): Promise<Actor | null> => {
  // cookies() first: it marks the render as dynamic before anything reads configuration.
  return actorOf(await cookies());
});

/** How long a session checked against the database counts as valid for `getRecentActor`: a sign-out, disabled
 * user, changed role or new session generation reaches a poll within this long. */
export const RECENT_SESSION_MS = 5_000;
const RECENT_SESSIONS_MAX = 2_000;
const recentSessions = new Map<string, { actor: Actor | null; checkedAt: number }>();

/** The actor as `getActor` found it for the same session cookie within `RECENT_SESSION_MS`, else checked afresh.
 * Only for frequent read-only requests showing nothing but a fingerprint (version polls): no decryption, no
 * database read. Every action, page and other route checks the session on each request. */
export async function getRecentActor(now = Date.now()): Promise<Actor | null> {
  const cookieStore = await cookies();
  // The exact session cookie (its chunks, in order) is the key: another cookie is another check.
  const key = cookieStore
    .getAll()
    .filter((c) => c.name.includes('session-token'))
    .map((c) => `${c.name}=${c.value}`)
    .sort()
    .join(';');
  if (!key) return null;
  return rememberedActor(key, now, () => actorOf(cookieStore));
}

/** `getRecentActor`'s memory: `check`'s answer for `key`, reused for `RECENT_SESSION_MS` (at most 2,000 keys, oldest out first). */
export async function rememberedActor(
  key: string,
  now: number,
  check: () => Promise<Actor | null>,
): Promise<Actor | null> {
  const hit = recentSessions.get(key);
  if (hit && now - hit.checkedAt < RECENT_SESSION_MS) return hit.actor;
  const actor = await check();
  recentSessions.delete(key);
  if (recentSessions.size >= RECENT_SESSIONS_MAX) {
    const oldest = recentSessions.keys().next().value;
    if (oldest !== undefined) recentSessions.delete(oldest);
  }
  recentSessions.set(key, { actor, checkedAt: now });
  return actor;
}

/**
 * The guard every server action and route handler calls first; a refusal is audited as `access.denied`.
 * `recent`: the session as checked within `RECENT_SESSION_MS` (getRecentActor), for polls only.
 */
export async function requireCapability(
  capability: Capability,
  attempted: string,
  options: { recent?: boolean } = {},
): Promise<Actor> {
  const actor = options.recent ? await getRecentActor() : await getActor();
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
