import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { merchantAccounts, merchantTimeline, webhookEvents } from '@/db/schema';
import type { Account } from '@/lib/klarna/schemas/accounts';
import { signWebhookBody } from '@/lib/klarna/signature';
import { appWebhookHandlers } from '@/lib/app';
import { receiveKlarnaWebhook } from '@/lib/webhooks/receiver';
import { describeEachDriver } from '@/test/db';
import { listMerchants, listTimeline, saveAccount } from './cache';

const KEY = 'merchant-handlers-test-key';
const KEY_ID = 'krn:partner:global:notification:signing-key:test';

function account(overrides: Partial<Account> = {}): Account {
  const id = `krn:partner:global:account:test:${randomUUID().slice(0, 8).toUpperCase()}`;
  return {
    account_id: id,
    account_reference: `M${Math.floor(Math.random() * 1e9)}`,
    account_name: 'CoolBrand',
    state: 'PARTIALLY_OPERATIONAL',
    account_owner: { given_name: 'Julia', family_name: 'Doe', email: 'julia.doe@coolbrand.com', phone: '+15555555555' },
    products: [
      {
        product_instance_id: `krn:partner:global:account:product:payment:${randomUUID()}`,
        type: 'PAYMENT',
        merchant_category_code: '5691',
        state: 'ENABLED',
        price_plan_id: 'plan-retail',
      },
    ],
    settlement_configuration_id: null,
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
    ...overrides,
  };
}

describeEachDriver('merchant lifecycle webhooks', (db) => {
  async function deliver(
    eventType: string,
    accountId: string,
    payload: Record<string, unknown>,
    options: { eventId?: string; occurredAt?: Date } = {},
  ) {
    const body = JSON.stringify({
      metadata: {
        event_type: eventType,
        event_id: options.eventId ?? randomUUID(),
        event_version: 'v1',
        occurred_at: (options.occurredAt ?? new Date()).toISOString(),
        account_id: accountId,
        webhook_id: 'krn:w',
        live: false,
      },
      payload,
    });
    const headers = new Headers({
      'content-type': 'application/json',
      'klarna-signing-key-id': KEY_ID,
      'klarna-signature': signWebhookBody(body, KEY),
    });
    return receiveKlarnaWebhook(
      { db: db(), signingKey: async () => KEY, handlers: appWebhookHandlers(), allowedIps: null },
      { rawBody: body, headers, sourceIp: null },
    );
  }
  const cached = async (id: string) =>
    (await db().select().from(merchantAccounts).where(eq(merchantAccounts.accountId, id)))[0];

  it('turns a setting-up account operational from Klarna’s webhook, once however often it arrives', async () => {
    const a = account();
    await saveAccount(db(), a, { source: 'dashboard', channelsCount: 1 });
    const eventId = randomUUID();
    const payload = {
      account_reference: a.account_reference,
      state: 'OPERATIONAL',
      previous_state: 'PARTIALLY_OPERATIONAL',
    };
    expect(await deliver('partner.account.state-change.operational', a.account_id, payload, { eventId })).toMatchObject(
      { status: 200 },
    );
    expect(await deliver('partner.account.state-change.operational', a.account_id, payload, { eventId })).toMatchObject(
      { status: 200, body: { duplicate: true } },
    );
    expect((await cached(a.account_id))!.state).toBe('OPERATIONAL');
    const timeline = await listTimeline(db(), a.account_id);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({
      source: 'webhook',
      kind: 'account_state',
      state: 'OPERATIONAL',
      previousState: 'PARTIALLY_OPERATIONAL',
      eventId,
    });
    const [stored] = await db().select().from(webhookEvents).where(eq(webhookEvents.eventId, eventId));
    expect(stored).toMatchObject({ status: 'processed', applyCount: 1, duplicateCount: 1 });
  });

  it('keeps the newer product state when an older event arrives late, and records both', async () => {
    const a = account({ state: 'OPERATIONAL' });
    await saveAccount(db(), a, { source: 'dashboard' });
    const product = a.products[0]!.product_instance_id;
    const now = Date.now();
    await deliver(
      'partner.account.product.payment.state-change.enabled',
      a.account_id,
      { product_instance_id: product, state: 'ENABLED', previous_state: 'DISABLED' },
      { occurredAt: new Date(now) },
    );
    await deliver(
      'partner.account.product.payment.state-change.disabled',
      a.account_id,
      { product_instance_id: product, state: 'DISABLED', previous_state: 'ENABLED' },
      { occurredAt: new Date(now - 60_000) },
    );
    expect((await cached(a.account_id))!.productState).toBe('ENABLED');
    const timeline = await listTimeline(db(), a.account_id);
    expect(timeline.map((t) => t.summary)).toEqual([
      'Payment product ENABLED (was DISABLED)',
      'Payment product DISABLED (was ENABLED) – arrived after a newer change, not applied',
    ]);
  });

  it('records an event for an account not in the dashboard without inventing a merchant', async () => {
    const id = `krn:partner:global:account:test:${randomUUID().slice(0, 8)}`;
    await deliver('partner.account.state-change.operational', id, {
      account_reference: 'R1',
      state: 'OPERATIONAL',
      previous_state: 'PARTIALLY_OPERATIONAL',
    });
    expect(await cached(id)).toBeUndefined();
    const [entry] = await db().select().from(merchantTimeline).where(eq(merchantTimeline.accountId, id));
    expect(entry!.summary).toContain('applied when it is first read from Klarna');
    // A read from before the event (Klarna still said setting up) stores the event's newer state.
    const older = account({ account_id: id, state: 'PARTIALLY_OPERATIONAL' });
    await saveAccount(db(), older, { source: 'sync', readAt: new Date(Date.now() - 5_000) });
    expect((await cached(id))!.state).toBe('OPERATIONAL');
  });

  it('a payload Klarna would never send leaves the event failed for re-processing, not half-applied', async () => {
    const a = account();
    await saveAccount(db(), a, { source: 'dashboard' });
    const eventId = randomUUID();
    await deliver(
      'partner.account.state-change.operational',
      a.account_id,
      { account_reference: a.account_reference },
      { eventId },
    );
    const [stored] = await db().select().from(webhookEvents).where(eq(webhookEvents.eventId, eventId));
    expect(stored!.status).toBe('failed');
    expect(stored!.processingError).toMatch(/state/);
    expect((await cached(a.account_id))!.state).toBe('PARTIALLY_OPERATIONAL');
  });

  it('a read from Klarna older than a webhook does not undo it; a newer read that differs is noted on the timeline', async () => {
    const a = account({ state: 'OPERATIONAL' });
    await saveAccount(db(), a, { source: 'dashboard' });
    await deliver('partner.account.product.payment.state-change.disabled', a.account_id, {
      state: 'DISABLED',
      previous_state: 'ENABLED',
    });
    await saveAccount(db(), a, { source: 'sync', readAt: new Date(Date.now() - 60_000) });
    expect((await cached(a.account_id))!.productState).toBe('DISABLED');
    await saveAccount(
      db(),
      { ...a, products: [{ ...a.products[0]!, state: 'TERMINATED' }] },
      { source: 'sync', readAt: new Date(Date.now() + 1000) },
    );
    expect((await cached(a.account_id))!.productState).toBe('TERMINATED');
    expect((await listTimeline(db(), a.account_id))[0]!.summary).toBe(
      'Payment product TERMINATED (found on reading from Klarna; was DISABLED here)',
    );
  });

  it('moves the cache fingerprint only when something shown changed', async () => {
    const a = account({ state: 'OPERATIONAL' });
    await saveAccount(db(), a, { source: 'dashboard', channelsCount: 1 });
    const first = (await cached(a.account_id))!.updatedAt;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await saveAccount(db(), a, { source: 'sync', channelsCount: 1 });
    expect((await cached(a.account_id))!.updatedAt).toEqual(first);
    await saveAccount(
      db(),
      { ...a, account_name: 'CoolBrand Milano', updated_at: new Date().toISOString() },
      { source: 'sync', channelsCount: 1 },
    );
    expect((await cached(a.account_id))!.updatedAt.getTime()).toBeGreaterThan(first.getTime());
  });

  it('lists newest first with filters, search (wildcards taken literally) and keyset pages', async () => {
    const tag = randomUUID().slice(0, 6);
    const names = Array.from({ length: 5 }, (_, i) => `Shop_${tag} ${i}`);
    for (const [i, name] of names.entries()) {
      await saveAccount(
        db(),
        account({
          account_name: name,
          state: i % 2 ? 'OPERATIONAL' : 'PARTIALLY_OPERATIONAL',
          created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        }),
        { source: 'dashboard' },
      );
    }
    const first = await listMerchants(db(), { q: `Shop_${tag}`, limit: 2 });
    expect(first.rows.map((r) => r.accountName)).toEqual([names[4], names[3]]);
    const second = await listMerchants(db(), { q: `Shop_${tag}`, limit: 2, cursor: first.nextCursor! });
    expect(second.rows.map((r) => r.accountName)).toEqual([names[2], names[1]]);
    const third = await listMerchants(db(), { q: `Shop_${tag}`, limit: 2, cursor: second.nextCursor! });
    expect(third).toMatchObject({ rows: [{ accountName: names[0] }], nextCursor: null });
    expect((await listMerchants(db(), { q: `Shop_${tag}`, state: 'OPERATIONAL' })).rows).toHaveLength(2);
    expect((await listMerchants(db(), { q: `Shop%${tag}` })).rows).toHaveLength(0);

    // Accounts created in the same instant are paged by id, none repeated or skipped.
    const twins = Array.from({ length: 3 }, (_, i) => `Twin_${tag} ${i}`);
    for (const name of twins)
      await saveAccount(db(), account({ account_name: name, created_at: '2026-02-01T00:00:00.000Z' }), {
        source: 'dashboard',
      });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listMerchants(db(), { q: `Twin_${tag}`, limit: 1, cursor });
      seen.push(...page.rows.map((r) => r.accountName));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual(twins);
  });
});
