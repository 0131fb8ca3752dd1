import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase } from '@/db/client';
import { auditLog, klarnaSigningKeys, webhookEvents } from '@/db/schema';
import { createSigningKey, klarnaEvent, signedHeaders, testKeyring } from '@/test/factories';
import { describeEachDriver } from '@/test/db';
import { eachEvent, IgnoredEvent, WebhookHandlerRegistry } from './handlers';
import { splitOutcomeNote } from './outcome';
import { receiveKlarnaWebhook, type ReceiverDeps } from './receiver';
import { forgetCachedSigningKeys, signingKeyLookup } from './signing-keys';

describeEachDriver('webhook receiver', (db) => {
  let key: { signingKeyId: string; key: string };
  let handlers: WebhookHandlerRegistry;
  let applied: string[];
  const deps = (): ReceiverDeps => ({
    db: db(),
    signingKey: signingKeyLookup(db(), testKeyring),
    handlers,
    allowedIps: null,
  });
  const deliver = (body: string, headers: Headers, extra: Partial<ReceiverDeps> = {}) =>
    receiveKlarnaWebhook({ ...deps(), ...extra }, { rawBody: body, headers, sourceIp: '127.0.0.1' });
  const rowsFor = (eventId: string) => db().select().from(webhookEvents).where(eq(webhookEvents.eventId, eventId));

  beforeEach(async () => {
    key = await createSigningKey(db());
    applied = [];
    handlers = new WebhookHandlerRegistry().register(
      'payment.request.*',
      eachEvent(async (tx, { row }) => {
        // A visible side effect inside the receiver's transaction, as a real handler has.
        await tx
          .insert(auditLog)
          .values({ action: 'test.webhook-applied', actorEmail: 'webhook', targetId: row.eventId, outcome: 'success' });
        applied.push(row.eventId!);
      }),
    );
  });

  it('stores a valid event with its headers and raw body, and applies it', async () => {
    const { event, body } = klarnaEvent();
    const answer = await deliver(body, signedHeaders(body, key.signingKeyId, key.key));
    expect(answer).toEqual({
      status: 200,
      body: { received: true, event_id: event.metadata.event_id, duplicate: false },
    });
    const [row] = await rowsFor(event.metadata.event_id);
    expect(row).toMatchObject({
      verdict: 'valid',
      status: 'processed',
      applyCount: 1,
      eventType: event.metadata.event_type,
      accountId: event.metadata.account_id,
      rawBody: body,
    });
    expect(row!.headers['klarna-signing-key-id']).toBe(key.signingKeyId);
    expect(applied).toEqual([event.metadata.event_id]);
  });

  it('refuses a signed event whose metadata holds a NUL character with 400, naming the field in the event log', async () => {
    const { body } = klarnaEvent({ eventId: 'evt-\u0000-1' });
    const answer = await deliver(body, signedHeaders(body, key.signingKeyId, key.key));
    expect(answer).toEqual({
      status: 400,
      body: { error: 'signed, but not storable: metadata.event_id contains a NUL character' },
    });
    const [row] = await db()
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.rejectReason, 'signed, but not storable: metadata.event_id contains a NUL character'));
    expect(row).toMatchObject({ verdict: 'rejected', signingKeyId: key.signingKeyId });
    expect(applied).toEqual([]);
  });

  it('stores an event nobody handles as "no handler"', async () => {
    const { event, body } = klarnaEvent({ eventType: 'settlement.report.created' });
    expect((await deliver(body, signedHeaders(body, key.signingKeyId, key.key))).status).toBe(200);
    expect((await rowsFor(event.metadata.event_id))[0]).toMatchObject({ status: 'no_handler', applyCount: 0 });
  });

  it('accepts an event type it has never heard of', async () => {
    const { event, body } = klarnaEvent({ eventType: 'brand.new.event-type' });
    expect((await deliver(body, signedHeaders(body, key.signingKeyId, key.key))).status).toBe(200);
    expect((await rowsFor(event.metadata.event_id))[0]).toMatchObject({
      eventType: 'brand.new.event-type',
      status: 'no_handler',
    });
  });

  it('stores a repeated event once, counts the repeat and applies it once', async () => {
    const { event, body } = klarnaEvent();
    const headers = signedHeaders(body, key.signingKeyId, key.key);
    await deliver(body, headers);
    const again = await deliver(body, headers);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    const rows = await rowsFor(event.metadata.event_id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ duplicateCount: 1, applyCount: 1 });
    expect(applied).toHaveLength(1);
  });

  it('applies an event once when twenty copies arrive at the same time', async () => {
    const { event, body } = klarnaEvent();
    const headers = signedHeaders(body, key.signingKeyId, key.key);
    const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(body, headers)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const rows = await rowsFor(event.metadata.event_id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ duplicateCount: 19, applyCount: 1 });
    const effects = await db().select().from(auditLog).where(eq(auditLog.targetId, event.metadata.event_id));
    expect(effects).toHaveLength(1);
  });

  it('stores 1,000 concurrent deliveries, none lost', async () => {
    const events = Array.from({ length: 1000 }, (_, i) =>
      klarnaEvent({ eventType: i % 2 ? 'settlement.report.created' : 'payment.request.updated' }),
    );
    const answers = await Promise.all(
      events.map(({ body }) => deliver(body, signedHeaders(body, key.signingKeyId, key.key))),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1000);
    const ids = events.map((e) => e.event.metadata.event_id);
    const [count] = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(webhookEvents)
      .where(sql`${webhookEvents.eventId} in ${ids}`);
    expect(count!.n).toBe(1000);
  });

  it('accepts a pretty-printed body whose compact form was signed', async () => {
    const { event, body } = klarnaEvent();
    const pretty = JSON.stringify(event, null, 2);
    expect((await deliver(pretty, signedHeaders(body, key.signingKeyId, key.key))).status).toBe(200);
    expect((await rowsFor(event.metadata.event_id))[0]!.rawBody).toBe(pretty);
  });

  it.each([
    [
      'a tampered body',
      (body: string, h: Headers) => [body.replace('AUTHORIZED', 'CAPTURED'), h] as const,
      'signature does not match the body',
    ],
    [
      'an unknown signing key id',
      (body: string, h: Headers) =>
        [body, withHeader(h, 'klarna-signing-key-id', 'krn:partner:global:notification:signing-key:unknown')] as const,
      'unknown signing key',
    ],
    [
      'no signing key id',
      (body: string, h: Headers) => [body, withHeader(h, 'klarna-signing-key-id', null)] as const,
      'missing Klarna-Signing-Key-Id header',
    ],
    [
      'no signature',
      (body: string, h: Headers) => [body, withHeader(h, 'klarna-signature', null)] as const,
      'missing Klarna-Signature header',
    ],
  ])('refuses %s with 400 and stores it as rejected with the reason', async (_, change, reason) => {
    const { event, body } = klarnaEvent();
    const [sentBody, headers] = change(body, signedHeaders(body, key.signingKeyId, key.key));
    const answer = await deliver(sentBody, headers);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: expect.stringContaining(reason) });
    const rejected = await db()
      .select()
      .from(webhookEvents)
      .where(sql`${webhookEvents.verdict} = 'rejected' and ${webhookEvents.rawBody} = ${sentBody}`);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.rejectReason).toContain(reason);
    expect(await rowsFor(event.metadata.event_id)).toHaveLength(0);
    expect(applied).toHaveLength(0);
  });

  it('refuses a delivery from an address outside the allowlist with 403', async () => {
    const { body } = klarnaEvent();
    const answer = await deliver(body, signedHeaders(body, key.signingKeyId, key.key), {
      allowedIps: new Set(['34.242.203.160']),
    });
    expect(answer).toEqual({ status: 403, body: { error: expect.stringContaining('127.0.0.1') } });
  });

  it('accepts a key retired by a rotation until its grace ends, and refuses a deleted key: the reason in the event log, the caller told only that the key is unknown', async () => {
    const retired = await createSigningKey(db(), { deletedAt: new Date(Date.now() + 11 * 3600_000) });
    const deleted = await createSigningKey(db(), { deletedAt: new Date(Date.now() - 1_000) });
    const a = klarnaEvent();
    const b = klarnaEvent();
    expect((await deliver(a.body, signedHeaders(a.body, retired.signingKeyId, retired.key))).status).toBe(200);
    const refused = await deliver(b.body, signedHeaders(b.body, deleted.signingKeyId, deleted.key));
    // The caller (unauthenticated) is told no more than for a key never known; the event log says when it was deleted.
    expect(refused).toEqual({ status: 400, body: { error: `unknown signing key ${deleted.signingKeyId}` } });
    const [row] = await db()
      .select()
      .from(webhookEvents)
      .where(sql`${webhookEvents.verdict} = 'rejected' and ${webhookEvents.rawBody} = ${b.body}`);
    expect(row).toMatchObject({
      status: 'rejected',
      signingKeyId: deleted.signingKeyId,
      rejectReason: expect.stringMatching(
        new RegExp(`^signing key ${deleted.signingKeyId} was deleted here \\(no longer accepted since .+ UTC\\)$`),
      ),
    });
  });

  it('stops accepting a key the moment it is deleted, although the lookup had it cached', async () => {
    const lookup = signingKeyLookup(db(), testKeyring, { ttlMs: 60_000 });
    const a = klarnaEvent();
    expect(
      (await deliver(a.body, signedHeaders(a.body, key.signingKeyId, key.key), { signingKey: lookup })).status,
    ).toBe(200);
    await db()
      .update(klarnaSigningKeys)
      .set({ deletedAt: new Date() })
      .where(eq(klarnaSigningKeys.signingKeyId, key.signingKeyId));
    forgetCachedSigningKeys();
    const b = klarnaEvent();
    expect(
      (await deliver(b.body, signedHeaders(b.body, key.signingKeyId, key.key), { signingKey: lookup })).status,
    ).toBe(400);
  });

  it('stops accepting a retired key when its grace ends, cached or not', async () => {
    let now = Date.now();
    const retired = await createSigningKey(db(), { deletedAt: new Date(now + 60_000) });
    const lookup = signingKeyLookup(db(), testKeyring, { ttlMs: 10 * 60_000, now: () => now });
    const a = klarnaEvent();
    expect(
      (await deliver(a.body, signedHeaders(a.body, retired.signingKeyId, retired.key), { signingKey: lookup })).status,
    ).toBe(200);
    now += 61_000;
    const b = klarnaEvent();
    expect(
      (await deliver(b.body, signedHeaders(b.body, retired.signingKeyId, retired.key), { signingKey: lookup })).status,
    ).toBe(400);
  });

  it('stores an event without metadata.event_id under the SHA-256 of its body, and applies a repeat once', async () => {
    const { event } = klarnaEvent();
    const { event_id: _, ...metadata } = event.metadata;
    const body = JSON.stringify({ ...event, metadata });
    const headers = signedHeaders(body, key.signingKeyId, key.key);
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    expect(await deliver(body, headers)).toEqual({
      status: 200,
      body: { received: true, event_id: digest, duplicate: false },
    });
    expect(await deliver(body, headers)).toEqual({
      status: 200,
      body: { received: true, event_id: digest, duplicate: true },
    });
    expect(await rowsFor(digest)).toEqual([
      expect.objectContaining({ status: 'processed', applyCount: 1, duplicateCount: 1 }),
    ]);
    expect(applied).toEqual([digest]);
  });

  it('marks an event a handler declines as ignored with its sentence, and a payload it cannot read with a sentence naming the fields', async () => {
    handlers = new WebhookHandlerRegistry()
      .register(
        'payment.request.updated',
        eachEvent(async (tx, { row }) => {
          await tx.insert(auditLog).values({
            action: 'test.webhook-applied',
            actorEmail: 'webhook',
            targetId: row.eventId,
            outcome: 'success',
          });
          throw new IgnoredEvent('ignored: no payment with this id is known here');
        }),
      )
      .register(
        'payment.request.state-change.*',
        eachEvent(async () => {
          z.object({ payment_request_id: z.string(), state: z.string() }).parse({});
        }),
      );
    const ignored = klarnaEvent({ eventType: 'payment.request.updated' });
    const unreadable = klarnaEvent({ eventType: 'payment.request.state-change.authorized' });
    for (const { body } of [ignored, unreadable])
      expect((await deliver(body, signedHeaders(body, key.signingKeyId, key.key))).status).toBe(200);
    expect((await rowsFor(ignored.event.metadata.event_id))[0]).toMatchObject({
      status: 'ignored',
      processingError: 'ignored: no payment with this id is known here',
      applyCount: 0,
    });
    // Nothing the declining handler wrote is kept.
    expect(
      await db().select().from(auditLog).where(eq(auditLog.targetId, ignored.event.metadata.event_id)),
    ).toHaveLength(0);
    const [row] = await rowsFor(unreadable.event.metadata.event_id);
    expect(row!.status).toBe('failed');
    const { sentence, detail } = splitOutcomeNote(row!.processingError!);
    expect(sentence).toBe(
      'Not applied: the payload is missing or has unexpected values for payment_request_id, state, so nothing was changed; re-process it once the cause is fixed.',
    );
    expect(sentence).not.toMatch(/[[{]/);
    expect(detail).toContain('payment_request_id:');
  });

  it('stores an event whose handler fails as failed, and applies it when Klarna delivers it again', async () => {
    let fail = true;
    handlers = new WebhookHandlerRegistry().register(
      'payment.request.updated',
      eachEvent(async (tx, { row }) => {
        await tx
          .insert(auditLog)
          .values({ action: 'test.webhook-applied', actorEmail: 'webhook', targetId: row.eventId, outcome: 'success' });
        if (fail) throw new Error('merchant cache unavailable');
      }),
    );
    const { event, body } = klarnaEvent({ eventType: 'payment.request.updated' });
    const headers = signedHeaders(body, key.signingKeyId, key.key);
    expect((await deliver(body, headers)).status).toBe(200);
    expect((await rowsFor(event.metadata.event_id))[0]).toMatchObject({
      status: 'failed',
      processingError: 'merchant cache unavailable',
      applyCount: 0,
    });
    // The failed handler's own writes were rolled back with its savepoint.
    expect(await db().select().from(auditLog).where(eq(auditLog.targetId, event.metadata.event_id))).toHaveLength(0);
    fail = false;
    expect((await deliver(body, headers)).status).toBe(200);
    expect((await rowsFor(event.metadata.event_id))[0]).toMatchObject({
      status: 'processed',
      applyCount: 1,
      processingError: null,
    });
    expect(await db().select().from(auditLog).where(eq(auditLog.targetId, event.metadata.event_id))).toHaveLength(1);
  });

  it('when one handler of a batch fails, the others are applied and only that one is failed', async () => {
    const events = Array.from({ length: 10 }, () => klarnaEvent({ eventType: 'payment.request.updated' }));
    const poisoned = events[3]!.event.metadata.event_id;
    // Written for a batch: one statement for all its events, as a fast handler is.
    handlers = new WebhookHandlerRegistry().register('payment.request.updated', async (tx, batch) => {
      if (batch.some((e) => e.row.eventId === poisoned)) throw new Error('cannot apply this one');
      await tx.insert(auditLog).values(
        batch.map((e) => ({
          action: 'test.webhook-applied',
          actorEmail: 'webhook',
          targetId: e.row.eventId,
          outcome: 'success' as const,
        })),
      );
    });
    const answers = await Promise.all(
      events.map(({ body }) => deliver(body, signedHeaders(body, key.signingKeyId, key.key))),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    for (const { event } of events) {
      const [row] = await rowsFor(event.metadata.event_id);
      const effects = await db().select().from(auditLog).where(eq(auditLog.targetId, event.metadata.event_id));
      if (event.metadata.event_id === poisoned) {
        expect(row).toMatchObject({ status: 'failed', processingError: 'cannot apply this one', applyCount: 0 });
        expect(effects).toHaveLength(0);
      } else {
        expect(row).toMatchObject({ status: 'processed', applyCount: 1 });
        expect(effects).toHaveLength(1);
      }
    }
  });

  it('throws (the route answers 5xx) when the database cannot store the event', async () => {
    const broken = openDatabase({ pgliteDir: 'memory://' });
    await broken.close();
    const { body } = klarnaEvent();
    await expect(
      receiveKlarnaWebhook(
        { db: broken.db, signingKey: async () => key.key, handlers, allowedIps: null },
        { rawBody: body, headers: signedHeaders(body, key.signingKeyId, key.key), sourceIp: null },
      ),
    ).rejects.toThrow();
  });

  it('writes nothing when the database fails at commit, so the redelivery applies it', async () => {
    // A deferred trigger fails the commit itself: the moment after the handler's work and the
    // event's status were both written, as when the server goes away mid-transaction.
    await db().execute(
      sql.raw(`create or replace function fail_commit() returns trigger language plpgsql as $$
      begin raise exception 'database went away'; end $$`),
    );
    await db().execute(
      sql.raw(`create constraint trigger fail_commit after insert on audit_log deferrable initially deferred
        for each row when (new.action = 'test.fail-commit') execute function fail_commit();`),
    );
    const { event, body } = klarnaEvent({ eventType: 'payment.request.updated' });
    let failCommit = true;
    handlers = new WebhookHandlerRegistry().register(
      'payment.request.updated',
      eachEvent(async (tx, { row }) => {
        await tx.insert(auditLog).values({
          action: failCommit ? 'test.fail-commit' : 'test.webhook-applied',
          actorEmail: 'webhook',
          targetId: row.eventId,
          outcome: 'success',
        });
      }),
    );
    const headers = signedHeaders(body, key.signingKeyId, key.key);
    await expect(deliver(body, headers)).rejects.toThrow();
    expect(await rowsFor(event.metadata.event_id)).toHaveLength(0);
    expect(await db().select().from(auditLog).where(eq(auditLog.targetId, event.metadata.event_id))).toHaveLength(0);
    failCommit = false;
    expect((await deliver(body, headers)).status).toBe(200);
    expect((await rowsFor(event.metadata.event_id))[0]).toMatchObject({ status: 'processed', applyCount: 1 });
  });
});

function withHeader(headers: Headers, name: string, value: string | null): Headers {
  const copy = new Headers(headers);
  if (value === null) copy.delete(name);
  else copy.set(name, value);
  return copy;
}
