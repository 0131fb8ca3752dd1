import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditLog, klarnaSigningKeys, paymentTransactions, webhookEvents } from '@/db/schema';
import type { Db } from '@/db/client';
import type { KlarnaSettings } from '@/lib/credentials/connection';
import { addCredential } from '@/lib/credentials/service';
import { ConflictError, ForbiddenError } from '@/lib/errors';
import { startSandbox, type RunningSandbox } from '@/sandbox/start';
import { describeEachDriver } from '@/test/db';
import { createUser, testKeyring } from '@/test/factories';
import { appWebhookHandlers } from '@/lib/app';
import {
  createSigningKey,
  createWebhook,
  deleteSigningKey,
  endSigningKeyGrace,
  findReceivedEvent,
  getSigningKey,
  loadWebhookSetup,
  rotateSigningKey,
  simulateWebhookEvent,
} from './management';
import { reprocessWebhookEvent } from './events';
import { splitOutcomeNote } from './outcome';
import { receiveKlarnaWebhook } from './receiver';
import { signingKeyLookup } from './signing-keys';
import { testContext } from '@/test/context';
import type { ServiceContext } from '@/lib/context';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off' });
});
afterAll(() => sandbox.close());

/** The dashboard's receiver on a random port, as the sandbox delivers to it over HTTP. */
async function startDashboardReceiver(db: Db): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === 'string') headers.set(name, value);
      void receiveKlarnaWebhook(
        { db, signingKey: signingKeyLookup(db, testKeyring), handlers: appWebhookHandlers(), allowedIps: null },
        { rawBody: Buffer.concat(chunks).toString('utf8'), headers, sourceIp: '127.0.0.1' },
      ).then(
        (answer) =>
          response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body)),
        () => response.writeHead(503).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/klarna`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describeEachDriver('signing keys and test events', (db) => {
  const settings = (): KlarnaSettings => ({
    environment: 'sandbox',
    baseUrl: sandbox.baseUrl,
    rateLimits: 'playground',
    keyring: testKeyring,
  });
  let receiver: Awaited<ReturnType<typeof startDashboardReceiver>>;
  let ctx: ServiceContext;

  beforeAll(async () => {
    await sandbox.control.reset();
    const { actor } = await createUser(db(), { role: 'admin' });
    ctx = testContext({ db: db(), actor, settings: settings() });
    await addCredential(ctx, {
      environment: 'sandbox',
      label: 'Dashboard',
      apiKey: (await sandbox.control.bootstrapKey()).api_key,
    });
    receiver = await startDashboardReceiver(db());
  });
  afterAll(() => receiver.close());

  /** Sends a test event through Klarna and waits until the receiver has stored it (accepted or not). */
  async function simulate(webhookId: string, eventType: string) {
    const { eventId } = await simulateWebhookEvent(ctx, { webhookId, eventType, intentId: crypto.randomUUID() });
    for (
      const deadline = Date.now() + 10_000;
      Date.now() < deadline;
      await new Promise((resolve) => setTimeout(resolve, 50))
    ) {
      const received = await findReceivedEvent(db(), eventId);
      if (received && (received.verdict === 'rejected' || received.status !== 'failed')) return { eventId, received };
    }
    throw new Error(`event ${eventId} never reached the receiver`);
  }

  it('Management API test case 8: a key is created, got, deleted while a webhook uses it, and that webhook’s events are rejected from then on', async () => {
    const { signingKeyId } = await createSigningKey(ctx, { intentId: crypto.randomUUID() });
    expect(await getSigningKey(ctx, signingKeyId)).toEqual({ signingKeyId, createdAt: expect.any(String) });
    const webhook = await createWebhook(ctx, {
      url: receiver.url,
      eventTypes: ['payment.request.*'],
      signingKeyId,
      status: 'ENABLED',
      intentId: crypto.randomUUID(),
    });

    const before = await simulate(webhook.webhook_id, 'payment.request.state-change.authorized');
    expect(before.received).toMatchObject({ verdict: 'valid', status: 'processed' });

    await deleteSigningKey(ctx, signingKeyId);
    await expect(getSigningKey(ctx, signingKeyId)).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
    const after = await simulate(webhook.webhook_id, 'payment.request.state-change.authorized');
    expect(after.received).toMatchObject({
      verdict: 'rejected',
      status: 'rejected',
      rejectReason: expect.stringContaining(`signing key ${signingKeyId} was deleted here`),
    });
    const setup = await loadWebhookSetup(ctx);
    expect(setup.deletedKeyIds).toContain(signingKeyId);
    expect(setup.retiredKeys.map((k) => k.signingKeyId)).not.toContain(signingKeyId);
    const audit = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, signingKeyId), eq(auditLog.action, 'signing_keys.delete')));
    expect(audit).toHaveLength(1);

    // Deleting it again (Klarna answers 404) still succeeds here; a key neither Klarna nor this dashboard knows is refused.
    await expect(deleteSigningKey(ctx, signingKeyId)).resolves.toBeUndefined();
    await expect(
      deleteSigningKey(ctx, 'krn:partner:global:notification:signing-key:00000000-0000-0000-0000-000000000000'),
    ).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
  });

  it('deleting a key in one environment never touches a key held for another (Klarna there does not know it: refused, still accepted there)', async () => {
    const liveKeyId = `krn:partner:global:notification:signing-key:${crypto.randomUUID()}`;
    await db()
      .insert(klarnaSigningKeys)
      .values({ signingKeyId: liveKeyId, environment: 'live', keySealed: 'sealed-elsewhere', createdAt: new Date() });
    await expect(deleteSigningKey(ctx, liveKeyId)).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
    const [row] = await db()
      .select({ deletedAt: klarnaSigningKeys.deletedAt })
      .from(klarnaSigningKeys)
      .where(eq(klarnaSigningKeys.signingKeyId, liveKeyId));
    expect(row).toEqual({ deletedAt: null });
  });

  it('a rotation keeps the old key accepted for 12 hours, shown with its end, until an admin ends the grace (audited)', async () => {
    const { signingKeyId: old } = await createSigningKey(ctx, { intentId: crypto.randomUUID() });
    const webhook = await createWebhook(ctx, {
      url: receiver.url,
      eventTypes: ['*'],
      signingKeyId: old,
      status: 'ENABLED',
      intentId: crypto.randomUUID(),
    });
    const started = Date.now();
    const rotated = await rotateSigningKey(ctx, { signingKeyId: old, intentId: crypto.randomUUID() });
    expect(rotated.movedWebhooks).toEqual([webhook.webhook_id]);
    expect(rotated.acceptedUntil.getTime() - started).toBeGreaterThanOrEqual(12 * 3600_000 - 1000);
    expect(rotated.acceptedUntil.getTime() - started).toBeLessThan(12 * 3600_000 + 60_000);
    // Klarna keeps the old key in parallel (seed l. 610, 655–660); this dashboard still accepts it and says until when.
    await expect(getSigningKey(ctx, old)).resolves.toMatchObject({ signingKeyId: old });
    const setup = await loadWebhookSetup(ctx);
    expect(setup.retiredKeys).toEqual([
      { signingKeyId: old, createdAt: expect.any(Date), acceptedUntil: rotated.acceptedUntil },
    ]);
    expect(setup.signingKeys.find((k) => k.signingKeyId === old)).toMatchObject({
      storedHere: false,
      usedBy: [],
      retiredUntil: rotated.acceptedUntil.toISOString(),
    });
    const [row] = await db().select().from(klarnaSigningKeys).where(eq(klarnaSigningKeys.signingKeyId, old));
    const lookup = signingKeyLookup(db(), testKeyring);
    expect(typeof (await lookup(old))).toBe('string');

    const { actor: operator } = await createUser(db(), { role: 'operator' });
    await expect(endSigningKeyGrace(testContext({ ...ctx, actor: operator }), old)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await endSigningKeyGrace(ctx, old);
    expect(await signingKeyLookup(db(), testKeyring)(old)).toEqual({ deletedAt: expect.any(Date) });
    // Ending the grace deletes it at Klarna too.
    await expect(getSigningKey(ctx, old)).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
    expect((await loadWebhookSetup(ctx)).retiredKeys).toEqual([]);
    await expect(endSigningKeyGrace(ctx, old)).rejects.toBeInstanceOf(ConflictError);
    await expect(endSigningKeyGrace(ctx, rotated.signingKeyId)).rejects.toBeInstanceOf(ConflictError);
    expect(row!.deletedAt!.getTime()).toBe(rotated.acceptedUntil.getTime());
    const audit = await db().select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, old));
    // Ending the grace and the deletion at Klarna it leads to are each audited.
    expect(audit.map((a) => a.action).sort()).toEqual([
      'signing_keys.create',
      'signing_keys.delete',
      'signing_keys.end_grace',
      'signing_keys.rotate',
    ]);
  });

  it('a retired key whose grace ran out is deleted at Klarna the next time keys are managed', async () => {
    const { signingKeyId: old } = await createSigningKey(ctx, { intentId: crypto.randomUUID() });
    await createWebhook(ctx, {
      url: receiver.url,
      eventTypes: ['*'],
      signingKeyId: old,
      status: 'ENABLED',
      intentId: crypto.randomUUID(),
    });
    await rotateSigningKey(ctx, { signingKeyId: old, intentId: crypto.randomUUID() });
    await expect(getSigningKey(ctx, old)).resolves.toMatchObject({ signingKeyId: old });
    // Twelve hours later (the grace as stored here has run out):
    await db()
      .update(klarnaSigningKeys)
      .set({ deletedAt: new Date(Date.now() - 1000) })
      .where(eq(klarnaSigningKeys.signingKeyId, old));
    await createSigningKey(ctx, { intentId: crypto.randomUUID() });
    await expect(getSigningKey(ctx, old)).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
    const audit = await db()
      .select({ action: auditLog.action, details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.targetId, old), eq(auditLog.action, 'signing_keys.delete')));
    expect(audit).toEqual([{ action: 'signing_keys.delete', details: { reason: 'its grace period ended' } }]);
  });

  it('a test transaction event carries amounts and state, and is ignored with a sentence rather than inventing a payment; a real one for an unknown transaction is learnt', async () => {
    const { signingKeyId } = await createSigningKey(ctx, { intentId: crypto.randomUUID() });
    const webhook = await createWebhook(ctx, {
      url: receiver.url,
      eventTypes: ['payment.transaction.*'],
      signingKeyId,
      status: 'ENABLED',
      intentId: crypto.randomUUID(),
    });
    const expected: Record<string, Record<string, unknown>> = {
      'payment.transaction.state-change.authorized': {
        state: 'AUTHORIZED',
        captured_amount: 0,
        refunded_amount: 0,
        remaining_authorized_amount: 11800,
      },
      'payment.transaction.captured': {
        state: 'COMPLETED',
        captured_amount: 11800,
        refunded_amount: 0,
        remaining_authorized_amount: 0,
        capture: expect.objectContaining({ amount: 11800 }),
      },
      'payment.transaction.refunded': {
        state: 'COMPLETED',
        captured_amount: 11800,
        refunded_amount: 11800,
        remaining_authorized_amount: 0,
        refund: expect.objectContaining({ amount: 11800 }),
      },
    };
    for (const [type, amounts] of Object.entries(expected)) {
      const { received } = await simulate(webhook.webhook_id, type);
      expect(received).toMatchObject({ verdict: 'valid', status: 'ignored' });
      expect(splitOutcomeNote(received!.processingError!)).toEqual({
        sentence: 'ignored: no payment with this id is known here (a test event: Klarna sent it with dummy data)',
        detail: null,
      });
      const [event] = await db()
        .select({ rawBody: webhookEvents.rawBody })
        .from(webhookEvents)
        .where(eq(webhookEvents.id, received!.id));
      expect(JSON.parse(event!.rawBody).payload).toMatchObject({
        currency: 'EUR',
        authorized_amount: 11800,
        ...amounts,
      });
    }
    expect(await db().select().from(paymentTransactions)).toEqual([]);

    // The same kind of event, not a test event, for a transaction unknown here is learnt: the partner's own checkout.
    const transactionId = `krn:payment:eu1:transaction:${crypto.randomUUID()}`;
    const emitted = await sandbox.control.emitEvent({
      event_type: 'payment.transaction.state-change.authorized',
      payload: {
        payment_transaction_id: transactionId,
        state: 'AUTHORIZED',
        currency: 'EUR',
        authorized_amount: 5000,
        captured_amount: 0,
        refunded_amount: 0,
        remaining_authorized_amount: 5000,
      },
    });
    await sandbox.control.waitForDeliveries({ event_id: emitted.event_id });
    expect(await findReceivedEvent(db(), emitted.event_id)).toMatchObject({ status: 'processed' });
    expect(
      await db()
        .select({ id: paymentTransactions.paymentTransactionId, state: paymentTransactions.state })
        .from(paymentTransactions),
    ).toEqual([{ id: transactionId, state: 'AUTHORIZED' }]);
    // Re-processing a test event ignores it again.
    const { received } = await simulate(webhook.webhook_id, 'payment.transaction.captured');
    expect(await reprocessWebhookEvent(ctx, received!.id)).toEqual({
      status: 'ignored',
      processingError: 'ignored: no payment with this id is known here (a test event: Klarna sent it with dummy data)',
    });
  });

  it('a real event that arrives while a test event of its type is awaited is not ignored: held, then applied once Klarna names the test event, which alone is ignored', async () => {
    const { signingKeyId } = await createSigningKey(ctx, { intentId: crypto.randomUUID() });
    const webhook = await createWebhook(ctx, {
      url: receiver.url,
      eventTypes: ['payment.transaction.*'],
      signingKeyId,
      status: 'ENABLED',
      intentId: crypto.randomUUID(),
    });
    const type = 'payment.transaction.state-change.authorized';
    // Klarna is slow to answer the simulate request: meanwhile the partner's checkout authorizes a payment unknown here.
    await sandbox.control.setFaults({ latency_ms: 1500 });
    const requested = simulateWebhookEvent(ctx, {
      webhookId: webhook.webhook_id,
      eventType: type,
      intentId: crypto.randomUUID(),
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const transactionId = `krn:payment:eu1:transaction:${crypto.randomUUID()}`;
      const real = await sandbox.control.emitEvent({
        event_type: type,
        webhook_id: webhook.webhook_id,
        payload: {
          payment_transaction_id: transactionId,
          state: 'AUTHORIZED',
          currency: 'EUR',
          authorized_amount: 5000,
          captured_amount: 0,
          refunded_amount: 0,
          remaining_authorized_amount: 5000,
        },
      });
      await sandbox.control.waitForDeliveries({ event_id: real.event_id });
      const held = await findReceivedEvent(db(), real.event_id);
      expect(held).toMatchObject({ verdict: 'valid', status: 'failed' });
      expect(held!.processingError).toContain('Klarna has not yet said which event it is');

      const { eventId } = await requested;
      expect(await findReceivedEvent(db(), real.event_id)).toMatchObject({
        status: 'processed',
        processingError: null,
      });
      const [learnt] = await db()
        .select({ state: paymentTransactions.state })
        .from(paymentTransactions)
        .where(eq(paymentTransactions.paymentTransactionId, transactionId));
      expect(learnt).toEqual({ state: 'AUTHORIZED' });
      await sandbox.control.waitForDeliveries({ event_id: eventId });
      for (
        const deadline = Date.now() + 10_000;
        Date.now() < deadline && (await findReceivedEvent(db(), eventId))?.status !== 'ignored';
      )
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await findReceivedEvent(db(), eventId)).toMatchObject({ status: 'ignored' });
    } finally {
      await sandbox.control.setFaults({ latency_ms: 0 });
      await requested.catch(() => undefined);
    }
  });
});
