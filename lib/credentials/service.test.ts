import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditLog, klarnaCredentials, klarnaSigningKeys } from '@/db/schema';
import { ForbiddenError, InputError } from '@/lib/errors';
import { createSigningKey, createWebhook, deleteSigningKey, loadWebhookSetup } from '@/lib/webhooks/management';
import { signingKeyLookup } from '@/lib/webhooks/signing-keys';
import { startSandbox, type RunningSandbox } from '@/sandbox/start';
import { describeEachDriver } from '@/test/db';
import { createUser, testKeyring } from '@/test/factories';
import { activeApiKey, type KlarnaSettings } from './connection';
import { provisionSandbox } from '@/lib/provision';
import { addCredential, createCredentialAtKlarna, deleteCredential, rotateCredential } from './service';
import { testContext } from '@/test/context';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off' });
});
afterAll(() => sandbox.close());

describeEachDriver('Klarna credentials and webhook set-up', (db) => {
  const settings = (): KlarnaSettings => ({
    environment: 'sandbox',
    baseUrl: sandbox.baseUrl,
    rateLimits: 'playground',
    keyring: testKeyring,
  });

  it('refuses a key Klarna does not accept on its field, and stores a good one sealed and active', async () => {
    const { actor } = await createUser(db(), { role: 'admin' });
    const ctx = testContext({ db: db(), actor, settings: settings() });
    await expect(
      addCredential(ctx, { environment: 'sandbox', label: 'Wrong', apiKey: 'klarna_test_api_notAKeyKlarnaKnows' }),
    ).rejects.toMatchObject({ fields: { apiKey: [expect.stringContaining('UNAUTHORIZED')] } });
    const { api_key } = await sandbox.control.bootstrapKey();
    const stored = await addCredential(ctx, { environment: 'sandbox', label: 'Dashboard', apiKey: api_key });
    expect(stored).toMatchObject({ active: true, last4: api_key.slice(-4) });
    expect(stored).not.toHaveProperty('apiKeySealed');
    const [row] = await db().select().from(klarnaCredentials).where(eq(klarnaCredentials.id, stored.id));
    expect(row!.apiKeySealed).not.toContain(api_key);
    expect((await activeApiKey(db(), settings())).apiKey).toBe(api_key);
    const audit = await db().select().from(auditLog).where(eq(auditLog.targetId, stored.id));
    expect(audit.map((a) => a.action)).toEqual(['credentials.add']);
  });

  it('rotates to a new key that works, and will not delete the active one while another exists', async () => {
    const { actor } = await createUser(db(), { role: 'admin' });
    const ctx = testContext({ db: db(), actor, settings: settings() });
    const before = await activeApiKey(db(), settings());
    const { created, previous } = await rotateCredential(ctx, { intentId: crypto.randomUUID() });
    expect(created.active).toBe(true);
    expect(previous.id).toBe(before.id);
    await expect(deleteCredential(ctx, { id: created.id, atKlarna: true })).rejects.toThrow(
      /Make another key active first/,
    );
    // The rotated-away key was pasted in: Klarna's id for it is unknown.
    await expect(deleteCredential(ctx, { id: previous.id, atKlarna: true })).rejects.toBeInstanceOf(InputError);
    await deleteCredential(ctx, { id: previous.id, atKlarna: false });
    expect((await activeApiKey(db(), settings())).id).toBe(created.id);
  });

  it('stores a new signing key so the receiver can verify with it, and refuses operators everywhere', async () => {
    const { actor: admin } = await createUser(db(), { role: 'admin' });
    const { actor: operator } = await createUser(db(), { role: 'operator' });
    const ctx = testContext({ db: db(), actor: admin, settings: settings() });
    const { signingKeyId } = await createSigningKey(ctx, { intentId: crypto.randomUUID() });
    expect(await signingKeyLookup(db(), testKeyring)(signingKeyId)).toMatch(/\S{16,}/);
    const setup = await loadWebhookSetup(ctx);
    expect(setup.signingKeys.find((k) => k.signingKeyId === signingKeyId)).toMatchObject({
      storedHere: true,
      usedBy: [],
    });

    const as = testContext({ db: db(), actor: operator, settings: settings() });
    await expect(createSigningKey(as, { intentId: crypto.randomUUID() })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deleteSigningKey(as, signingKeyId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      createWebhook(as, {
        url: 'https://example.com/hook',
        eventTypes: ['*'],
        signingKeyId,
        status: 'ENABLED',
        intentId: crypto.randomUUID(),
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      createCredentialAtKlarna(as, { description: 'x', type: 'API', intentId: crypto.randomUUID() }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      addCredential(as, { environment: 'sandbox', label: 'x', apiKey: 'klarna_test_api_whatever123' }),
    ).rejects.toBeInstanceOf(ForbiddenError);

    await deleteSigningKey(ctx, signingKeyId);
    const [row] = await db().select().from(klarnaSigningKeys).where(eq(klarnaSigningKeys.signingKeyId, signingKeyId));
    expect(row!.deletedAt).toBeInstanceOf(Date);
  });
});

describeEachDriver('first start against the sandbox', (db) => {
  it('provisions a key, a signing key and a webhook once', async () => {
    const settings: KlarnaSettings = {
      environment: 'sandbox',
      baseUrl: sandbox.baseUrl,
      rateLimits: 'playground',
      keyring: testKeyring,
    };
    expect(await provisionSandbox(db(), settings, 'http://localhost:3000')).toMatch(
      /webhook for all events to http:\/\/localhost:3000\/api\/webhooks\/klarna/,
    );
    expect(await provisionSandbox(db(), settings, 'http://localhost:3000')).toBe('already provisioned');
    const { webhooks } = await loadWebhookSetup(
      testContext({
        db: db(),
        actor: (await createUser(db(), { role: 'viewer' })).actor,
        settings,
      }),
    );
    const mine = webhooks.filter((w) => w.url === 'http://localhost:3000/api/webhooks/klarna');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ event_types: ['*'], status: 'ENABLED' });
    expect(await signingKeyLookup(db(), testKeyring)(mine[0]!.signing_key_id)).not.toBeNull();
  });
});
