import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import { klarnaSigningKeys, users, type NewUserRow } from '@/db/schema';
import type { Actor } from '@/lib/auth/guard';
import { hashPassword } from '@/lib/auth/password';
import { parseKeyring, generateKeySpec } from '@/lib/crypto/secrets';
import { signWebhookBody } from '@/lib/klarna/signature';
import { sealSigningKey } from '@/lib/webhooks/signing-keys';

export const TEST_PASSWORD = 'correct horse battery staple';
export const testKeyring = parseKeyring(generateKeySpec('t1'));
let cachedHash: Promise<string> | undefined;

/** Inserts a user (password TEST_PASSWORD unless given) and returns it with its Actor. */
export async function createUser(db: Db, overrides: Partial<NewUserRow> & { password?: string } = {}) {
  const { password, ...rest } = overrides;
  const passwordHash = password ? await hashPassword(password) : await (cachedHash ??= hashPassword(TEST_PASSWORD));
  const [row] = await db
    .insert(users)
    .values({ email: `user-${randomUUID()}@example.com`, name: 'Test User', role: 'viewer', passwordHash, ...rest })
    .returning();
  const actor: Actor = { id: row!.id, email: row!.email, name: row!.name, role: row!.role, totpEnabled: Boolean(row!.totpSecret) };
  return { row: row!, actor };
}

/** Stores a signing key as the dashboard does after creating it at Klarna. */
export async function createSigningKey(db: Db, overrides: { signingKeyId?: string; key?: string; deletedAt?: Date | null } = {}) {
  const signingKeyId = overrides.signingKeyId ?? `krn:partner:global:notification:signing-key:${randomUUID()}`;
  const key = overrides.key ?? randomUUID();
  await db.insert(klarnaSigningKeys).values({
    signingKeyId,
    environment: 'sandbox',
    keySealed: sealSigningKey(signingKeyId, key, testKeyring),
    createdAt: new Date(),
    deletedAt: overrides.deletedAt ?? null,
  });
  return { signingKeyId, key };
}

/** A Klarna event envelope (seed, "Example of webhook payload"), compact JSON as Klarna sends it. */
export function klarnaEvent(overrides: { eventId?: string; eventType?: string; accountId?: string; payload?: Record<string, unknown> } = {}) {
  const event = {
    metadata: {
      event_type: overrides.eventType ?? 'payment.request.state-change.authorized',
      event_id: overrides.eventId ?? randomUUID(),
      event_version: 'v1',
      occurred_at: new Date().toISOString(),
      correlation_id: randomUUID(),
      account_id: overrides.accountId ?? `krn:partner:global:account:${randomUUID()}`,
      webhook_id: `krn:partner:global:notification:webhook:${randomUUID()}`,
      live: false,
    },
    payload: overrides.payload ?? { state: 'AUTHORIZED', previous_state: 'PENDING_CONFIRMATION' },
  };
  return { event, body: JSON.stringify(event) };
}

/** Headers of a delivery signed with `key` (base64 HMAC-SHA256, as the sandbox sends). */
export function signedHeaders(body: string, signingKeyId: string, key: string): Headers {
  return new Headers({ 'content-type': 'application/json', 'klarna-signing-key-id': signingKeyId, 'klarna-signature': signWebhookBody(body, key) });
}
