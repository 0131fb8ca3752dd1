import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { signWebhookBody } from '@/lib/klarna/signature';
import { appWebhookHandlers } from '@/lib/app';
import { receiveKlarnaWebhook } from '@/lib/webhooks/receiver';
import { describeEachDriver } from '@/test/db';
import { getCachedPayment, listPaymentTimeline, savePaymentTransaction } from './cache';

const KEY = 'payment-handlers-test-key';

describeEachDriver('payment webhooks', (db) => {
  async function deliver(
    eventType: string,
    payload: Record<string, unknown>,
    occurredAt = new Date(),
    eventId = randomUUID(),
  ) {
    const body = JSON.stringify({
      metadata: {
        event_type: eventType,
        event_id: eventId,
        event_version: 'v1',
        occurred_at: occurredAt.toISOString(),
        account_id: 'krn:partner:global:account:test:SHOP0001',
        webhook_id: 'krn:w',
        live: false,
      },
      payload,
    });
    const headers = new Headers({
      'content-type': 'application/json',
      'klarna-signing-key-id': 'k',
      'klarna-signature': signWebhookBody(body, KEY),
    });
    return receiveKlarnaWebhook(
      { db: db(), signingKey: async () => KEY, handlers: appWebhookHandlers(), allowedIps: null },
      { rawBody: body, headers, sourceIp: null },
    );
  }
  const snapshot = (id: string, over: Record<string, unknown>) => ({
    payment_transaction_id: id,
    state: 'AUTHORIZED',
    currency: 'EUR',
    authorized_amount: 10_000,
    captured_amount: 0,
    refunded_amount: 0,
    remaining_authorized_amount: 10_000,
    ...over,
  });

  it('learns a transaction made by the partner’s checkout from its webhooks, newest state winning', async () => {
    const id = randomUUID();
    const now = Date.now();
    await deliver('payment.transaction.state-change.authorized', snapshot(id, {}), new Date(now - 10_000));
    await deliver(
      'payment.transaction.captured',
      snapshot(id, { captured_amount: 10_000, remaining_authorized_amount: 0, state: 'COMPLETED', amount: 10_000 }),
      new Date(now),
    );
    // Delivered late: an older view must not undo the capture.
    const eventId = randomUUID();
    await deliver('payment.transaction.state-change.authorized', snapshot(id, {}), new Date(now - 5_000), eventId);
    await deliver('payment.transaction.state-change.authorized', snapshot(id, {}), new Date(now - 5_000), eventId);
    expect(await getCachedPayment(db(), id)).toMatchObject({
      state: 'COMPLETED',
      capturedAmount: 10_000,
      remainingAuthorizedAmount: 0,
      accountId: 'krn:partner:global:account:test:SHOP0001',
    });
    const timeline = await listPaymentTimeline(db(), { paymentTransactionId: id });
    expect(timeline).toHaveLength(3);
    expect(timeline.find((t) => t.eventId === eventId)!.summary).toContain('not applied');
    expect(timeline.find((t) => t.kind === 'captured')).toMatchObject({ amount: 10_000, currency: 'EUR' });
  });

  it('a webhook that beats the dashboard’s own read of the same change does not lock the full transaction out', async () => {
    const id = randomUUID();
    const updatedAt = new Date(Date.now() - 1_000).toISOString();
    await deliver(
      'payment.transaction.captured',
      snapshot(id, {
        captured_amount: 10_000,
        remaining_authorized_amount: 0,
        state: 'COMPLETED',
        updated_at: updatedAt,
      }),
    );
    const full = {
      ...snapshot(id, { captured_amount: 10_000, remaining_authorized_amount: 0, state: 'COMPLETED' }),
      captures: [],
      refunds: [],
      created_at: updatedAt,
      updated_at: updatedAt,
    };
    await savePaymentTransaction(db(), full, 'krn:partner:global:account:test:SHOP0001', 'dashboard');
    expect((await getCachedPayment(db(), id))!.klarna).toMatchObject({ payment_transaction_id: id, captures: [] });
  });

  it('a captured event that still says AUTHORIZED, in the same millisecond as state-change.completed, does not move the payment back', async () => {
    // What the sandbox used to send (and Klarna might): both orders of one capture's two events.
    const updatedAt = new Date(Date.now() - 2_000).toISOString();
    for (const first of ['completed', 'captured'] as const) {
      const id = randomUUID();
      const completed = () =>
        deliver(
          'payment.transaction.state-change.completed',
          snapshot(id, {
            state: 'COMPLETED',
            previous_state: 'AUTHORIZED',
            captured_amount: 10_000,
            remaining_authorized_amount: 0,
            updated_at: updatedAt,
          }),
        );
      const captured = () =>
        deliver(
          'payment.transaction.captured',
          snapshot(id, {
            state: 'AUTHORIZED',
            captured_amount: 10_000,
            remaining_authorized_amount: 0,
            amount: 10_000,
            updated_at: updatedAt,
          }),
        );
      if (first === 'completed') await completed().then(captured);
      else await captured().then(completed);
      expect(await getCachedPayment(db(), id), `${first} first`).toMatchObject({
        state: 'COMPLETED',
        capturedAmount: 10_000,
        remainingAuthorizedAmount: 0,
      });
    }
  });

  it('captured and refunded totals never decrease, even on an event that says it is later', async () => {
    const id = randomUUID();
    const now = Date.now();
    await deliver(
      'payment.transaction.refunded',
      snapshot(id, {
        state: 'COMPLETED',
        captured_amount: 10_000,
        refunded_amount: 4_000,
        remaining_authorized_amount: 0,
        updated_at: new Date(now - 5_000).toISOString(),
      }),
    );
    const late = randomUUID();
    await deliver(
      'payment.transaction.captured',
      snapshot(id, {
        state: 'COMPLETED',
        captured_amount: 10_000,
        refunded_amount: 0,
        remaining_authorized_amount: 0,
        updated_at: new Date(now - 1_000).toISOString(),
      }),
      new Date(),
      late,
    );
    await deliver(
      'payment.transaction.captured',
      snapshot(id, {
        state: 'AUTHORIZED',
        captured_amount: 6_000,
        remaining_authorized_amount: 4_000,
        updated_at: new Date(now).toISOString(),
      }),
    );
    expect(await getCachedPayment(db(), id)).toMatchObject({
      state: 'COMPLETED',
      capturedAmount: 10_000,
      refundedAmount: 4_000,
    });
    const timeline = await listPaymentTimeline(db(), { paymentTransactionId: id });
    expect(timeline.find((t) => t.eventId === late)!.summary).toContain('not applied');
  });

  it('a captured event with more captured is applied even when its time is earlier than the dashboard’s last read (clocks differ)', async () => {
    const id = randomUUID();
    const readAt = new Date(Date.now() - 1_000).toISOString();
    const read = { ...snapshot(id, {}), captures: [], refunds: [], created_at: readAt, updated_at: readAt };
    await savePaymentTransaction(db(), read, 'krn:partner:global:account:test:SHOP0001', 'sync');
    // Klarna's event says no updated_at; its occurred_at is a little behind the read's updated_at.
    await deliver(
      'payment.transaction.captured',
      snapshot(id, { captured_amount: 4_000, remaining_authorized_amount: 6_000, amount: 4_000 }),
      new Date(Date.parse(readAt) - 300),
    );
    expect(await getCachedPayment(db(), id)).toMatchObject({
      state: 'AUTHORIZED',
      capturedAmount: 4_000,
      remainingAuthorizedAmount: 6_000,
    });
    // A refund a moment "earlier" still counts; an older view with less stays refused.
    await deliver(
      'payment.transaction.refunded',
      snapshot(id, {
        captured_amount: 4_000,
        refunded_amount: 1_000,
        remaining_authorized_amount: 6_000,
        amount: 1_000,
      }),
      new Date(Date.parse(readAt) - 200),
    );
    await deliver('payment.transaction.state-change.authorized', snapshot(id, {}), new Date(Date.parse(readAt) + 500));
    expect(await getCachedPayment(db(), id)).toMatchObject({ capturedAmount: 4_000, refundedAmount: 1_000 });
  });

  it('of two views at the same time, the one after more operations wins: a reauthorization right after expiry stays AUTHORIZED', async () => {
    const id = randomUUID();
    const updatedAt = new Date(Date.now() - 3_000).toISOString();
    await deliver(
      'payment.transaction.state-change.authorized',
      snapshot(id, {
        previous_state: 'EXPIRED',
        authorized_amount: 12_000,
        remaining_authorized_amount: 12_000,
        operations_count: 3,
        updated_at: updatedAt,
      }),
    );
    await deliver(
      'payment.transaction.state-change.expired',
      snapshot(id, { state: 'EXPIRED', previous_state: 'AUTHORIZED', operations_count: 2, updated_at: updatedAt }),
    );
    expect(await getCachedPayment(db(), id)).toMatchObject({
      state: 'AUTHORIZED',
      authorizedAmount: 12_000,
      klarnaOperations: 3,
    });
  });

  it('a transaction event without amounts is left failed for re-processing rather than half-applied', async () => {
    const id = randomUUID();
    const answer = await deliver('payment.transaction.captured', { payment_transaction_id: id, state: 'COMPLETED' });
    expect(answer.status).toBe(200);
    expect(await getCachedPayment(db(), id)).toBeNull();
  });
});
