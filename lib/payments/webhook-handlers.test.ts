import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { signWebhookBody } from '@/lib/klarna/signature';
import { appWebhookHandlers } from '@/lib/webhooks/app-handlers';
import { receiveKlarnaWebhook } from '@/lib/webhooks/receiver';
import { describeEachDriver } from '@/test/db';
import { getCachedPayment, listPaymentTimeline, savePaymentTransaction } from './cache';

const KEY = 'payment-handlers-test-key';

describeEachDriver('payment webhooks', (db) => {
  async function deliver(eventType: string, payload: Record<string, unknown>, occurredAt = new Date(), eventId = randomUUID()) {
    const body = JSON.stringify({ metadata: { event_type: eventType, event_id: eventId, event_version: 'v1', occurred_at: occurredAt.toISOString(), account_id: 'krn:partner:global:account:test:SHOP0001', webhook_id: 'krn:w', live: false }, payload });
    const headers = new Headers({ 'content-type': 'application/json', 'klarna-signing-key-id': 'k', 'klarna-signature': signWebhookBody(body, KEY) });
    return receiveKlarnaWebhook({ db: db(), signingKey: async () => KEY, handlers: appWebhookHandlers(), allowedIps: null }, { rawBody: body, headers, sourceIp: null });
  }
  const snapshot = (id: string, over: Record<string, unknown>) => ({ payment_transaction_id: id, state: 'AUTHORIZED', currency: 'EUR', authorized_amount: 10_000, captured_amount: 0, refunded_amount: 0, remaining_authorized_amount: 10_000, ...over });

  it('learns a transaction made by the partner’s checkout from its webhooks, newest state winning', async () => {
    const id = randomUUID();
    const now = Date.now();
    await deliver('payment.transaction.state-change.authorized', snapshot(id, {}), new Date(now - 10_000));
    await deliver('payment.transaction.captured', snapshot(id, { captured_amount: 10_000, remaining_authorized_amount: 0, state: 'COMPLETED', amount: 10_000 }), new Date(now));
    // Delivered late: an older view must not undo the capture.
    const eventId = randomUUID();
    await deliver('payment.transaction.state-change.authorized', snapshot(id, {}), new Date(now - 5_000), eventId);
    await deliver('payment.transaction.state-change.authorized', snapshot(id, {}), new Date(now - 5_000), eventId);
    expect(await getCachedPayment(db(), id)).toMatchObject({ state: 'COMPLETED', capturedAmount: 10_000, remainingAuthorizedAmount: 0, accountId: 'krn:partner:global:account:test:SHOP0001' });
    const timeline = await listPaymentTimeline(db(), { paymentTransactionId: id });
    expect(timeline).toHaveLength(3);
    expect(timeline.find((t) => t.eventId === eventId)!.summary).toContain('not applied');
    expect(timeline.find((t) => t.kind === 'captured')).toMatchObject({ amount: 10_000, currency: 'EUR' });
  });

  it('a webhook that beats the dashboard’s own read of the same change does not lock the full transaction out', async () => {
    const id = randomUUID();
    const updatedAt = new Date(Date.now() - 1_000).toISOString();
    await deliver('payment.transaction.captured', snapshot(id, { captured_amount: 10_000, remaining_authorized_amount: 0, state: 'COMPLETED', updated_at: updatedAt }));
    const full = { ...snapshot(id, { captured_amount: 10_000, remaining_authorized_amount: 0, state: 'COMPLETED' }), captures: [], refunds: [], created_at: updatedAt, updated_at: updatedAt };
    await savePaymentTransaction(db(), full, 'krn:partner:global:account:test:SHOP0001', 'dashboard');
    expect((await getCachedPayment(db(), id))!.klarna).toMatchObject({ payment_transaction_id: id, captures: [] });
  });

  it('a transaction event without amounts is left failed for re-processing rather than half-applied', async () => {
    const id = randomUUID();
    const answer = await deliver('payment.transaction.captured', { payment_transaction_id: id, state: 'COMPLETED' });
    expect(answer.status).toBe(200);
    expect(await getCachedPayment(db(), id)).toBeNull();
  });
});
