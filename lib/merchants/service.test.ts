import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiRequests, auditLog, merchantAccounts, onboardingDrafts } from '@/db/schema';
import { addCredential } from '@/lib/credentials/service';
import type { KlarnaSettings } from '@/lib/credentials/connection';
import { ForbiddenError, InputError } from '@/lib/errors';
import type { OnboardRequest } from '@/lib/klarna/schemas/accounts';
import { startSandbox, type RunningSandbox } from '@/sandbox/start';
import { describeEachDriver } from '@/test/db';
import { createUser, testKeyring } from '@/test/factories';
import { getCachedMerchant } from './cache';
import { saveDraft } from './drafts';
import { changePaymentProduct, loadMerchantDetail, onboardMerchant, openPortal, syncMerchants } from './service';
import { testContext } from '@/test/context';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off', accountActivationMs: 60_000 });
});
afterAll(() => sandbox.close());

const coolBrand = (suffix: string): OnboardRequest => ({
  account_reference: `M${suffix}`,
  account_name: `CoolBrand ${suffix}`,
  account_owner: { given_name: 'Julia', family_name: 'Doe', email: 'julia.doe@coolbrand.com', phone: '+15555555555' },
  products: [{ type: 'PAYMENT', merchant_category_code: '5691' }],
  channel: { websites: [{ urls: ['https://coolbrand.example'] }] },
});

describeEachDriver('merchants at Klarna', (db) => {
  const settings = (): KlarnaSettings => ({
    environment: 'sandbox',
    baseUrl: sandbox.baseUrl,
    rateLimits: 'production',
    keyring: testKeyring,
  });
  let admin: Awaited<ReturnType<typeof createUser>>['actor'];
  let operator: Awaited<ReturnType<typeof createUser>>['actor'];
  let viewer: Awaited<ReturnType<typeof createUser>>['actor'];
  const as = (actor: typeof admin) => testContext({ db: db(), actor, settings: settings() });

  beforeAll(async () => {
    ({ actor: admin } = await createUser(db(), { role: 'admin' }));
    ({ actor: operator } = await createUser(db(), { role: 'operator' }));
    ({ actor: viewer } = await createUser(db(), { role: 'viewer' }));
    const { api_key } = await sandbox.control.bootstrapKey();
    await addCredential(as(admin), { environment: 'sandbox', label: 'Dashboard', apiKey: api_key });
  });

  async function draftFor(request: OnboardRequest) {
    return saveDraft(as(admin), { data: request as unknown as Record<string, unknown>, step: 5 });
  }

  it('onboards once for a draft however often it is submitted, and caches the account as Klarna answered', async () => {
    const request = coolBrand(String(Date.now()));
    const draft = await draftFor(request);
    const [first, second] = await Promise.all([
      onboardMerchant(as(admin), draft.id, request),
      onboardMerchant(as(admin), draft.id, request),
    ]);
    expect(second.accountId).toBe(first.accountId);
    const cached = await getCachedMerchant(db(), first.accountId);
    expect(cached).toMatchObject({
      accountName: request.account_name,
      state: 'PARTIALLY_OPERATIONAL',
      productState: 'ENABLED',
      mcc: '5691',
      channelsCount: 1,
      onboardedBy: admin.id,
    });
    const [row] = await db().select().from(onboardingDrafts).where(eq(onboardingDrafts.id, draft.id));
    expect(row!.accountId).toBe(first.accountId);
    // Two submissions of one draft are one intent: one audit entry, not one per submission.
    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'merchants.onboard'), sql`${auditLog.details}->>'draft_id' = ${draft.id}`));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.idempotencyKey).toBeTruthy();
  });

  it('stores the onboarding call in the API request log with the owner’s email, phone and name masked', async () => {
    const request = coolBrand(`pii${Date.now()}`);
    request.account_owner = {
      given_name: 'Julia',
      family_name: 'Doe',
      email: 'julia.doe@coolbrand.com',
      phone: '+46701234512',
    };
    const draft = await draftFor(request);
    const { accountId } = await onboardMerchant(as(admin), draft.id, request);
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'merchants.onboard'), sql`${auditLog.details}->>'draft_id' = ${draft.id}`));
    const logged = await db().select().from(apiRequests).where(eq(apiRequests.idempotencyKey, audit!.idempotencyKey!));
    expect(logged.length).toBeGreaterThanOrEqual(1);
    for (const row of logged) {
      expect(row.requestBody).toMatchObject({
        account_name: request.account_name,
        account_owner: { given_name: 'J***', family_name: 'D***', email: 'j***@coolbrand.com', phone: '+46 *** ** 12' },
      });
      const stored = JSON.stringify([row.requestBody, row.responseBody]);
      for (const clear of ['Julia', 'julia.doe', '701234512']) expect(stored).not.toContain(clear);
    }
    // Klarna's account answers (the read after onboarding) carry the owner too: masked the same way.
    const reads = await db()
      .select()
      .from(apiRequests)
      .where(and(eq(apiRequests.accountId, accountId), eq(apiRequests.method, 'GET')));
    for (const row of reads) expect(JSON.stringify(row.responseBody)).not.toContain('julia.doe@coolbrand.com');
  });

  it('names the field at fault: our own check by its Klarna path, and Klarna’s refusal by its parameter', async () => {
    const bad = { ...coolBrand('x'), account_owner: { ...coolBrand('x').account_owner, email: 'not-an-email' } };
    const draft = await draftFor(bad);
    await expect(onboardMerchant(as(admin), draft.id, bad)).rejects.toMatchObject({
      fields: { 'account_owner.email': [expect.stringContaining('email')] },
    });
    const withCollection = coolBrand(`c${Date.now()}`);
    withCollection.channel = {
      websites: [{ urls: ['https://coolbrand.example'], collection_reference: 'brand-main' }],
    };
    const draft2 = await draftFor(withCollection);
    const refusal = await onboardMerchant(as(admin), draft2.id, withCollection).catch((e: unknown) => e);
    expect(refusal).toMatchObject({
      code: 'VALIDATION_ERROR',
      fields: { 'channel.websites[0].collection_reference': [expect.any(String)] },
    });
    expect((refusal as Error).message).toMatch(/Klarna error id/);
    // Fixed, the same draft onboards (a new body is a new intent, not a replay of the refusal).
    delete withCollection.channel.websites![0]!.collection_reference;
    const { accountId } = await onboardMerchant(as(admin), draft2.id, withCollection);
    expect(accountId).toMatch(/^krn:partner:global:account:/);
    expect(await onboardMerchant(as(admin), draft2.id, withCollection)).toEqual({ accountId });
  });

  it('lets operators, not viewers, disable and re-enable the payment product, with the reason in the audit log', async () => {
    const request = coolBrand(`p${Date.now()}`);
    const { accountId } = await onboardMerchant(as(admin), (await draftFor(request)).id, request);
    await sandbox.control.setAccountState(accountId, 'OPERATIONAL');
    await expect(
      changePaymentProduct(as(viewer), accountId, {
        action: 'disable',
        reason: 'stopped trading',
        intentId: crypto.randomUUID(),
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      changePaymentProduct(as(operator), accountId, { action: 'disable', reason: 'x', intentId: crypto.randomUUID() }),
    ).rejects.toBeInstanceOf(InputError);
    const disabled = await changePaymentProduct(as(operator), accountId, {
      action: 'disable',
      reason: 'merchant stopped trading',
      intentId: crypto.randomUUID(),
    });
    expect(disabled.state).toBe('DISABLED');
    expect((await getCachedMerchant(db(), accountId))!.productState).toBe('DISABLED');
    const enabled = await changePaymentProduct(as(operator), accountId, {
      action: 'enable',
      reason: 'resumed',
      intentId: crypto.randomUUID(),
    });
    expect(enabled.state).toBe('ENABLED');
    const audits = await db().select().from(auditLog).where(eq(auditLog.targetId, accountId));
    expect(audits.find((a) => a.action === 'merchants.disable_product')).toMatchObject({
      outcome: 'success',
      details: { reason: 'merchant stopped trading' },
    });
    await sandbox.control.setProductState(accountId, 'TERMINATED');
    const refusal = await changePaymentProduct(as(operator), accountId, {
      action: 'enable',
      reason: 'try anyway',
      intentId: crypto.randomUUID(),
    }).catch((e: unknown) => e);
    expect((refusal as Error).message).toMatch(/terminated/i);
    const failed = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, accountId), eq(auditLog.outcome, 'failure')));
    expect(failed[0]!.klarnaErrorId).toBeTruthy();
  });

  it('opens the portal for the user’s internal id, never storing the link', async () => {
    const request = coolBrand(`d${Date.now()}`);
    const { accountId } = await onboardMerchant(as(admin), (await draftFor(request)).id, request);
    await expect(openPortal(as(operator), accountId, crypto.randomUUID())).rejects.toThrow(
      /being set up|cannot be managed/,
    );
    await sandbox.control.setAccountState(accountId, 'OPERATIONAL');
    await expect(openPortal(as(viewer), accountId, crypto.randomUUID())).rejects.toBeInstanceOf(ForbiddenError);
    const link = await openPortal(as(operator), accountId, crypto.randomUUID());
    const page = await fetch(link.url);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain(operator.id);
    expect(html).not.toContain(operator.email);
    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, accountId), eq(auditLog.action, 'merchants.open_portal')));
    expect(audits.filter((a) => a.outcome === 'success')).toHaveLength(1);
    expect(JSON.stringify(audits)).not.toContain(link.url);
  });

  it('syncs accounts Klarna has that the dashboard does not, and shows the cached copy when Klarna is unreachable', async () => {
    const outside = coolBrand(`s${Date.now()}`);
    const { api_key } = await sandbox.control.bootstrapKey();
    const response = await fetch(`${sandbox.baseUrl}/v1/distribution/onboard`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${api_key}`,
        'content-type': 'application/json',
        'klarna-idempotency-key': crypto.randomUUID(),
      },
      body: JSON.stringify(outside),
    });
    const { account_id: accountId } = (await response.json()) as { account_id: string };
    expect(await getCachedMerchant(db(), accountId)).toBeNull();
    await expect(syncMerchants(as(viewer))).rejects.toBeInstanceOf(ForbiddenError);
    const result = await syncMerchants(as(operator));
    expect(result.added).toBeGreaterThanOrEqual(1);
    expect(await getCachedMerchant(db(), accountId)).toMatchObject({
      accountName: outside.account_name,
      channelsCount: 1,
    });
    const [row] = await db().select().from(merchantAccounts).where(eq(merchantAccounts.accountId, accountId));
    expect(row!.lastSyncedAt).toBeInstanceOf(Date);

    const offline = { ...as(viewer), settings: { ...settings(), baseUrl: 'http://127.0.0.1:9' } };
    const detail = await loadMerchantDetail(offline, accountId);
    expect(detail.live).toBeNull();
    expect(detail.cached?.accountId).toBe(accountId);
    expect(detail.error).toMatch(/could not be reached/);
  });
});
