import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { klarnaSigningKeys } from '@/db/schema';
import { openSecret, sealSecret, type Keyring } from '@/lib/crypto/secrets';
import { formatDateTime } from '@/lib/ui/format';

const context = (signingKeyId: string) => `klarna_signing_keys.key:${signingKeyId}`;

export function sealSigningKey(signingKeyId: string, key: string, keyring: Keyring): string {
  return sealSecret(key, keyring, context(signingKeyId));
}

/** Klarna retries a failed delivery 12 h with its old configuration (seed 002 l. 588–608), so a rotated-out key
 * verifies that long; an admin's delete stops it at once. */
export const RETIRED_KEY_GRACE_MS = 12 * 60 * 60 * 1000;

export type SigningKeyFound = string | null | { deletedAt: Date };
export type SigningKeyLookup = (signingKeyId: string) => Promise<SigningKeyFound>;

/** The receiver's reason for refusing a delivery signed with a key it does not accept (for the event log; the caller is told only `unknown signing key …`). */
export function describeKeyRefusal(signingKeyId: string, found: Exclude<SigningKeyFound, string>): string {
  if (found === null) return `unknown signing key ${signingKeyId}`;
  return `signing key ${signingKeyId} was deleted here (no longer accepted since ${formatDateTime(found.deletedAt)} UTC)`;
}

// Bumped when a key is deleted or its grace ends, so this process drops cached keys at once.
const globalForKeys = globalThis as unknown as { __signingKeyGeneration?: number };
export function forgetCachedSigningKeys(): void {
  globalForKeys.__signingKeyGeneration = (globalForKeys.__signingKeyGeneration ?? 0) + 1;
}

/** Cached briefly: a delete here stops a key at once, elsewhere within `ttlMs`; a retired one at its `deleted_at`. */
export function signingKeyLookup(
  db: Db,
  keyring: Keyring,
  options: { ttlMs?: number; now?: () => number } = {},
): SigningKeyLookup {
  const ttlMs = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { key: string; until: number }>();
  let generation = globalForKeys.__signingKeyGeneration ?? 0;
  return async (signingKeyId) => {
    if ((globalForKeys.__signingKeyGeneration ?? 0) !== generation) {
      cache.clear();
      generation = globalForKeys.__signingKeyGeneration ?? 0;
    }
    const hit = cache.get(signingKeyId);
    if (hit && hit.until > now()) return hit.key;
    cache.delete(signingKeyId);
    const [row] = await db
      .select()
      .from(klarnaSigningKeys)
      .where(eq(klarnaSigningKeys.signingKeyId, signingKeyId))
      .limit(1);
    if (!row) return null;
    if (row.deletedAt && row.deletedAt.getTime() <= now()) return { deletedAt: row.deletedAt };
    const key = openSecret(row.keySealed, keyring, context(signingKeyId));
    cache.set(signingKeyId, { key, until: Math.min(now() + ttlMs, row.deletedAt?.getTime() ?? Infinity) });
    return key;
  };
}
