import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { klarnaCredentials, klarnaSigningKeys } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { idempotencyKey } from '@/lib/klarna/idempotency';
import { sealSigningKey } from '@/lib/webhooks/signing-keys';
import { klarnaWithKey, sealApiKey, type KlarnaSettings } from '@/lib/credentials/connection';

const bootstrapSchema = z.object({ credential_id: z.string(), api_key: z.string() }).loose();

/** First start on the embedded sandbox: use its first API key and subscribe a signed webhook to every event. */
export async function provisionSandbox(
  db: Db,
  settings: KlarnaSettings,
  appUrl: string,
  options: { waitMs?: number } = {},
): Promise<string> {
  if (settings.environment !== 'sandbox') return 'not the sandbox environment';
  const [existing] = await db
    .select({ id: klarnaCredentials.id })
    .from(klarnaCredentials)
    .where(eq(klarnaCredentials.environment, 'sandbox'))
    .limit(1);
  if (existing) return 'already provisioned';

  const bootstrap = await waitForSandbox(settings.baseUrl, options.waitMs ?? 30_000);
  const api = klarnaWithKey(db, settings, bootstrap.api_key);
  const nonce = 'auto-provision';
  const key = await api.signingKeys.create({
    idempotencyKey: idempotencyKey({ operation: 'signingKeys.create', target: 'sandbox', nonce }),
  });
  const receiver = new URL('/api/webhooks/klarna', appUrl).toString();
  const webhook = await api.webhooks.create(
    { url: receiver, event_types: ['*'], event_version: 'v1', signing_key_id: key.signing_key_id, status: 'ENABLED' },
    { idempotencyKey: idempotencyKey({ operation: 'webhooks.create', target: 'sandbox', nonce }) },
  );
  const credentialId = randomUUID();
  await db.transaction(async (tx) => {
    // Another instance may have provisioned meanwhile; the unique active key decides.
    const [raced] = await tx
      .select({ id: klarnaCredentials.id })
      .from(klarnaCredentials)
      .where(and(eq(klarnaCredentials.environment, 'sandbox'), eq(klarnaCredentials.active, true)));
    if (raced) return;
    await tx.insert(klarnaCredentials).values({
      id: credentialId,
      environment: 'sandbox',
      label: 'Sandbox key (set up automatically)',
      apiKeySealed: sealApiKey(credentialId, bootstrap.api_key, settings.keyring),
      last4: bootstrap.api_key.slice(-4),
      klarnaCredentialId: bootstrap.credential_id,
      active: true,
      verifiedAt: new Date(),
    });
    await tx
      .insert(klarnaSigningKeys)
      .values({
        signingKeyId: key.signing_key_id,
        environment: 'sandbox',
        keySealed: sealSigningKey(key.signing_key_id, key.signing_key, settings.keyring),
        createdAt: new Date(key.created_at),
      })
      .onConflictDoNothing();
    await recordAudit(tx, {
      actor: 'system',
      action: 'sandbox.provision',
      target: { type: 'webhook', id: webhook.webhook_id },
      details: { credential: bootstrap.credential_id, signingKeyId: key.signing_key_id, url: receiver },
    });
  });
  return `sandbox key …${bootstrap.api_key.slice(-4)}, signing key and a webhook for all events to ${receiver}`;
}

async function waitForSandbox(baseUrl: string, waitMs: number): Promise<z.infer<typeof bootstrapSchema>> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const response = await fetch(new URL('/_sandbox/bootstrap-key', baseUrl), { method: 'POST' });
      if (!response.ok) throw new Error(`the sandbox answered ${response.status}`);
      return bootstrapSchema.parse(await response.json());
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(
          `the Klarna sandbox at ${baseUrl} did not answer (${(error as Error).message}); is it running? (npm run dev starts it)`,
        );
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
