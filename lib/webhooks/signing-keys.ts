import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { klarnaSigningKeys } from '@/db/schema';
import { openSecret, sealSecret, type Keyring } from '@/lib/crypto/secrets';

const context = (signingKeyId: string) => `klarna_signing_keys.key:${signingKeyId}`;

export function sealSigningKey(signingKeyId: string, key: string, keyring: Keyring): string {
  return sealSecret(key, keyring, context(signingKeyId));
}

/**
 * Klarna keeps retrying a failed delivery for 12 hours with the configuration it had (seed,
 * "Retry mechanism"), so a key deleted during a rotation still verifies for that long.
 */
export const DELETED_KEY_GRACE_MS = 13 * 60 * 60 * 1000;

export type SigningKeyLookup = (signingKeyId: string) => Promise<string | null>;

/**
 * Finds and opens a signing key by id, caching opened keys briefly: the receiver needs one per
 * delivery and must answer fast. A key deleted here stops verifying within `ttlMs` (plus grace).
 */
export function signingKeyLookup(db: Db, keyring: Keyring, options: { ttlMs?: number; now?: () => number } = {}): SigningKeyLookup {
  const ttlMs = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { key: string; until: number }>();
  return async (signingKeyId) => {
    const hit = cache.get(signingKeyId);
    if (hit && hit.until > now()) return hit.key;
    cache.delete(signingKeyId);
    const [row] = await db.select().from(klarnaSigningKeys).where(eq(klarnaSigningKeys.signingKeyId, signingKeyId)).limit(1);
    if (!row) return null;
    if (row.deletedAt && row.deletedAt.getTime() + DELETED_KEY_GRACE_MS < now()) return null;
    const key = openSecret(row.keySealed, keyring, context(signingKeyId));
    cache.set(signingKeyId, { key, until: now() + ttlMs });
    return key;
  };
}
