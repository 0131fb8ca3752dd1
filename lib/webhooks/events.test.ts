import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { auditLog, webhookEvents } from '@/db/schema';
import { ConflictError, ForbiddenError } from '@/lib/errors';
import { createSigningKey, createUser, klarnaEvent, signedHeaders, testKeyring } from '@/test/factories';
import { describeEachDriver } from '@/test/db';
import {
  getWebhookEvent,
  listWebhookEvents,
  reprocessWebhookEvent,
  webhookEventFilterSchema,
  type WebhookEventFilter,
} from './events';
import { eachEvent, WebhookHandlerRegistry, webhookHandlers } from './handlers';
import { receiveKlarnaWebhook } from './receiver';
import { signingKeyLookup } from './signing-keys';
import { testContext } from '@/test/context';

describeEachDriver('webhook event log', (db) => {
  let key: { signingKeyId: string; key: string };
  // Each test uses its own account id, so the shared database's other rows never interfere.
  const account = () => `krn:partner:global:account:${randomUUID()}`;
  const deliver = async (
    event: { eventType?: string; accountId?: string; eventId?: string },
    handlers = new WebhookHandlerRegistry(),
  ) => {
    const { event: envelope, body } = klarnaEvent(event);
    await receiveKlarnaWebhook(
      { db: db(), signingKey: signingKeyLookup(db(), testKeyring), handlers, allowedIps: null },
      { rawBody: body, headers: signedHeaders(body, key.signingKeyId, key.key), sourceIp: '127.0.0.1' },
    );
    const [row] = await db()
      .select()
      .from(webhookEvents)
      .where(and(eq(webhookEvents.eventId, envelope.metadata.event_id), eq(webhookEvents.verdict, 'valid')));
    return { row: row!, envelope };
  };
  const rejected = async (body: string, headers: Record<string, string> = {}, sourceIp = '10.0.0.9') => {
    await receiveKlarnaWebhook(
      {
        db: db(),
        signingKey: signingKeyLookup(db(), testKeyring),
        handlers: new WebhookHandlerRegistry(),
        allowedIps: null,
      },
      { rawBody: body, headers: new Headers(headers), sourceIp },
    );
  };
  const types = async (f: WebhookEventFilter) => (await listWebhookEvents(db(), f)).rows.map((r) => r.eventType);

  beforeAll(async () => {
    key = await createSigningKey(db());
  });

  it('filters by exact type, by a * pattern, by account, verdict and status', async () => {
    const acct = account();
    await deliver({ accountId: acct, eventType: 'payment.request.state-change.authorized' });
    await deliver({ accountId: acct, eventType: 'payment.request.state-change.expired' });
    await deliver({ accountId: acct, eventType: 'settlement.report.created' });
    // A LIKE wildcard in the type must not match anything: `_` is literal here.
    await deliver({ accountId: acct, eventType: 'payment_request.x' });

    expect(await types({ account: acct })).toEqual([
      'payment_request.x',
      'settlement.report.created',
      'payment.request.state-change.expired',
      'payment.request.state-change.authorized',
    ]);
    expect(await types({ account: acct, type: 'settlement.report.created' })).toEqual(['settlement.report.created']);
    expect(await types({ account: acct, type: 'payment.request.*' })).toEqual([
      'payment.request.state-change.expired',
      'payment.request.state-change.authorized',
    ]);
    expect(await types({ account: acct, type: '*.expired' })).toEqual(['payment.request.state-change.expired']);
    expect(await types({ account: acct, type: 'payment_*' })).toEqual(['payment_request.x']);
    expect(await types({ account: acct, type: 'payment.*' })).toHaveLength(2);
    expect(await types({ account: acct, status: 'no_handler', verdict: 'valid' })).toHaveLength(4);
    expect(await types({ account: acct, status: 'processed' })).toEqual([]);
    expect(await types({ account: acct, verdict: 'rejected' })).toEqual([]);
  });

  it('lists rejected deliveries with their reason, and filters by received day (UTC)', async () => {
    const marker = `krn:partner:global:notification:signing-key:${randomUUID()}`;
    await rejected('{"metadata":{}}', { 'klarna-signing-key-id': marker });
    const page = await listWebhookEvents(db(), { verdict: 'rejected', q: marker });
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]).toMatchObject({
      verdict: 'rejected',
      status: 'rejected',
      rejectReason: `unknown signing key ${marker}`,
      signingKeyId: marker,
    });
    expect(page.rows[0]).not.toHaveProperty('rawBody');

    await db().execute(
      sql`update ${webhookEvents} set received_at = now() - interval '2 days' where id = ${page.rows[0]!.id}`,
    );
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    expect((await listWebhookEvents(db(), { q: marker, from: day(-2), to: day(-2) })).rows).toHaveLength(1);
    expect((await listWebhookEvents(db(), { q: marker, from: day(-1) })).rows).toHaveLength(0);
    expect((await listWebhookEvents(db(), { q: marker, to: day(-3) })).rows).toHaveLength(0);
  });

  it('filters by the exact source address', async () => {
    const source = `10.${[1, 2, 3].map(() => Math.floor(Math.random() * 256)).join('.')}`;
    const marker = `krn:partner:global:notification:signing-key:${randomUUID()}`;
    await rejected('{}', { 'klarna-signing-key-id': marker }, source);
    await rejected('{}', { 'klarna-signing-key-id': marker }, '10.255.255.254');
    const sources = async (f: WebhookEventFilter) =>
      (await listWebhookEvents(db(), { q: marker, ...f })).rows.map((r) => r.signingKeyId);
    expect(await sources({ source })).toEqual([marker]);
    expect(await sources({ source, verdict: 'rejected' })).toEqual([marker]);
    // Exact, not a prefix: 10.1.2 is not 10.1.2.3.
    expect(await sources({ source: source.split('.').slice(0, 3).join('.') })).toEqual([]);
    expect(await sources({})).toHaveLength(2);
    expect(webhookEventFilterSchema.safeParse({ source: '10.0.0.1; drop' }).success).toBe(false);
    expect(webhookEventFilterSchema.safeParse({ source: '2001:db8::1' }).success).toBe(true);
  });

  it('searches ids by exact value or prefix, with LIKE wildcards taken literally', async () => {
    const acct = account();
    const eventId = `evt-${randomUUID()}`;
    const { envelope } = await deliver({ accountId: acct, eventId });
    await deliver({ accountId: acct });
    const found = async (q: string) => (await listWebhookEvents(db(), { q })).rows.map((r) => r.eventId);
    expect(await found(eventId)).toEqual([eventId]);
    expect(await found(eventId.slice(0, 20))).toEqual([eventId]);
    expect(await found(envelope.metadata.correlation_id)).toEqual([eventId]);
    expect(await found(envelope.metadata.webhook_id!)).toEqual([eventId]);
    expect(await found(acct)).toHaveLength(2);
    expect(await found('%')).toEqual([]);
    expect(await found('evt_')).toEqual([]);
  });

  it('pages newest first without skipping or repeating', async () => {
    const acct = account();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await deliver({ accountId: acct })).row.eventId!);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listWebhookEvents(db(), { account: acct, limit: 3, cursor });
      seen.push(...page.rows.map((r) => r.eventId!));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids.reverse());
  });

  it('re-processes a failed event through the registered handler, audited in the same transaction', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const type = `test.reprocess.${randomUUID()}`;
    let broken = true;
    // The registry is process-global: a type of our own keeps this handler out of other tests.
    webhookHandlers().register(
      type,
      eachEvent(async (tx, { row }) => {
        if (broken) throw new Error('merchant table not ready');
        await tx
          .insert(auditLog)
          .values({ action: 'test.webhook-applied', actorEmail: 'webhook', targetId: row.eventId, outcome: 'success' });
      }),
    );
    const { row } = await deliver({ eventType: type }, webhookHandlers());
    expect(row).toMatchObject({ status: 'failed', processingError: 'merchant table not ready', applyCount: 0 });

    expect(await reprocessWebhookEvent({ db: db(), actor: admin.actor, requestId: 'req-1' }, row.id)).toEqual({
      status: 'failed',
      processingError: 'merchant table not ready',
    });
    broken = false;
    expect(await reprocessWebhookEvent({ db: db(), actor: admin.actor, requestId: 'req-2' }, row.id)).toEqual({
      status: 'processed',
      processingError: null,
    });
    expect(await getWebhookEvent(db(), row.id)).toMatchObject({
      status: 'processed',
      processingError: null,
      applyCount: 1,
    });
    const applied = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'test.webhook-applied'), eq(auditLog.targetId, row.eventId!)));
    expect(applied).toHaveLength(1);

    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'webhook_events.reprocess'), eq(auditLog.targetId, String(row.id))))
      .orderBy(auditLog.id);
    expect(audits.map((a) => [a.outcome, a.requestId, a.actorEmail])).toEqual([
      ['failure', 'req-1', admin.actor.email],
      ['success', 'req-2', admin.actor.email],
    ]);
    expect(audits[0]!.details).toMatchObject({
      eventType: type,
      previousStatus: 'failed',
      status: 'failed',
      error: 'merchant table not ready',
    });
    expect(audits[1]!.details).toMatchObject({ previousStatus: 'failed', status: 'processed' });
  });

  it('refuses an operator, a rejected delivery and a type nobody handles', async () => {
    const operator = await createUser(db(), { role: 'operator' });
    const admin = await createUser(db(), { role: 'admin' });
    const { row } = await deliver({ eventType: `test.unhandled.${randomUUID()}` });
    await expect(reprocessWebhookEvent(testContext({ db: db(), actor: operator.actor }), row.id)).rejects.toThrow(
      ForbiddenError,
    );
    await expect(reprocessWebhookEvent(testContext({ db: db(), actor: operator.actor }), row.id)).rejects.toThrow(
      'Your role (Operator) may not manage webhooks and signing keys; it needs Admin.',
    );
    await expect(reprocessWebhookEvent(testContext({ db: db(), actor: admin.actor }), row.id)).rejects.toMatchObject({
      code: 'NO_HANDLER',
      message: expect.stringContaining('No handler is registered'),
    });
    expect(await getWebhookEvent(db(), row.id)).toMatchObject({ status: 'no_handler', applyCount: 0 });

    const marker = `krn:partner:global:notification:signing-key:${randomUUID()}`;
    await rejected('not json', { 'klarna-signing-key-id': marker });
    const [bad] = (await listWebhookEvents(db(), { q: marker })).rows;
    await expect(reprocessWebhookEvent(testContext({ db: db(), actor: admin.actor }), bad!.id)).rejects.toThrow(
      ConflictError,
    );
    expect(await getWebhookEvent(db(), bad!.id)).toMatchObject({ rawBody: 'not json', status: 'rejected' });
    const refusals = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'webhook_events.reprocess'), eq(auditLog.targetId, String(row.id))));
    expect(refusals).toEqual([]);
  });

  it('drops filters that are not valid', () => {
    expect(webhookEventFilterSchema.safeParse({ verdict: 'maybe' }).success).toBe(false);
    expect(webhookEventFilterSchema.safeParse({ type: "x'; drop" }).success).toBe(false);
    expect(webhookEventFilterSchema.safeParse({ from: '2026-13-01' }).success).toBe(false);
    expect(webhookEventFilterSchema.safeParse({ type: 'payment.*', status: 'failed', q: 'krn:' }).success).toBe(true);
  });
});
