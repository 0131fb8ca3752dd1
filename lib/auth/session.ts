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

type Claims = Parameters<typeof loadActor>[1];

type Cookie = { name: string; value: string };

/** Decodes next-auth's JWT cookie (the costly part: a JWE decryption). */
async function claimsOf(cookieList: Cookie[]): Promise<Claims> {
  const config = env();
  const token = await getToken({
    req: { cookies: Object.fromEntries(cookieList.map((c) => [c.name, c.value])), headers: {} } as never,
    secret: config.AUTH_SECRET,
    secureCookie: config.APP_URL.startsWith('https://'),
  });
  return token ? { uid: token.uid, sv: token.sv, sat: token.sat, sid: token.sid } : null;
}

/** The cookie's claims checked against the database in loadActor (signed out, disabled, role, generation). */
async function actorOf(cookieStore: CookieJar): Promise<Actor | null> {
  const claims = await claimsOf(cookieStore.getAll());
  return claims ? loadActor(getDb(), claims) : null;
}

/** The actor of the current request, or null. Memoised per request. */
export const getActor = cache(async (): Promise<Actor | null> => {
  // cookies() first: it marks the render as dynamic before anything reads configuration.
  return actorOf(await cookies());
});

/** How long a decoded session cookie is reused by `getRecentActor`. */
export const RECENT_SESSION_MS = 5_000;
const RECENT_SESSIONS_MAX = 2_000;
const recentSessions = new Map<string, { value: unknown; checkedAt: number }>();

/** For frequent read-only polls: the cookie's decoded claims are reused for the same exact cookie within
 * `RECENT_SESSION_MS` (no decryption), but the session is checked against the database on every request,
 * so a sign-out or a disabled user is refused at once. */
export async function getRecentActor(now = Date.now()): Promise<Actor | null> {
  return recentActorOf((await cookies()).getAll(), now);
}

/** `getRecentActor` for a request's cookies as sent (server.ts answers the polls before Next.js). */
export async function recentActorOf(cookieList: Cookie[], now = Date.now()): Promise<Actor | null> {
  // The exact session cookie (its chunks, in order) is the key: another cookie is another decoding.
  const key = cookieList
    .filter((c) => c.name.includes('session-token'))
    .map((c) => `${c.name}=${c.value}`)
    .sort()
    .join(';');
  if (!key) return null;
  const claims = await remembered(key, now, () => claimsOf(cookieList));
  return claims ? loadActor(getDb(), claims) : null;
}

/** `check`'s answer for `key`, reused for `RECENT_SESSION_MS` (at most 2,000 keys, oldest out first). */
export async function remembered<T>(key: string, now: number, check: () => Promise<T>): Promise<T> {
  const hit = recentSessions.get(key);
  if (hit && now - hit.checkedAt < RECENT_SESSION_MS) return hit.value as T;
  const value = await check();
  recentSessions.delete(key);
  if (recentSessions.size >= RECENT_SESSIONS_MAX) {
    const oldest = recentSessions.keys().next().value;
    if (oldest !== undefined) recentSessions.delete(oldest);
  }
  recentSessions.set(key, { value, checkedAt: now });
  return value;
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
  return checkCapability(actor, capability, attempted, currentRequestId);
}

/** `actor` if it holds `capability`; else throws, auditing a signed-in actor's refusal as `access.denied`. */
export async function checkCapability(
  actor: Actor | null,
  capability: Capability,
  attempted: string,
  requestId: () => Promise<string | null> | string | null,
): Promise<Actor> {
  try {
    assertCan(actor, capability);
  } catch (error) {
    if (error instanceof ForbiddenError && actor) {
      await recordAudit(getDb(), {
        actor,
        action: 'access.denied',
        outcome: 'denied',
        details: { attempted, capability },
        requestId: await requestId(),
      });
    }
    throw error;
  }
  return actor;
}
