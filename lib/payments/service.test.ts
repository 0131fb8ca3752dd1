import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiRequests, auditLog, paymentTransactions } from '@/db/schema';
import { ConflictError, ForbiddenError } from '@/lib/errors';
import type { RunningSandbox } from '@/sandbox/start';
import { mutation } from '@/sandbox/test-helpers';
import { describeEachDriver } from '@/test/db';
import { createUser } from '@/test/factories';
import {
  addSandboxCredential,
  sandboxSettings,
  startSandboxMerchant,
  type SandboxMerchant,
} from '@/test/sandbox-merchant';
import { getCachedPayment, listPaymentTimeline, listPayments } from './cache';
import {
  capturePayment,
  confirmPaymentLink,
  createPaymentLink,
  refreshPayment,
  refundPayment,
  releaseRemaining,
  updatePayment,
  type OperationOutcome,
} from './service';
import { testContext } from '@/test/context';

let sandbox: RunningSandbox;
let api: SandboxMerchant['api'];
let accountId: string;
beforeAll(async () => {
  ({ sandbox, api, accountId } = await startSandboxMerchant(
    { reference: 'M-PAY', name: 'Payments test shop', website: 'https://shop.example' },
    { operational: true },
  ));
});
afterAll(() => sandbox.close());

/** Klarna's answer of an operation that got one. */
function done<T>(outcome: OperationOutcome<T>): T {
  if (outcome.status !== 'done') throw new Error(`expected Klarna's answer, got: ${outcome.message}`);
  return outcome.result;
}

/** An authorized EUR payment of `amount` with two lines, as a shopper's checkout would leave it. */
async function authorized(amount = 10_000) {
  const half = amount / 2;
  const { payment_transaction } = await sandbox.control.createAuthorizedPayment(accountId, {
    currency: 'EUR',
    payment_amount: amount,
    purchase_country: 'DE',
    merchant_reference: `order-${crypto.randomUUID().slice(0, 8)}`,
    line_items: [
      { name: 'Shirt', quantity: 1, unit_price: half, total_line_amount: half },
      { name: 'Trousers', quantity: 1, unit_price: half, total_line_amount: half },
    ],
  });
  return { accountId, paymentTransactionId: payment_transaction.payment_transaction_id as string };
}

describeEachDriver('payment operations', (db) => {
  const settings = () => sandboxSettings(sandbox);
  let operator: Awaited<ReturnType<typeof createUser>>['actor'];
  let viewer: Awaited<ReturnType<typeof createUser>>['actor'];
  const as = (actor: typeof operator) => testContext({ db: db(), actor, settings: settings() });

  beforeAll(async () => {
    await addSandboxCredential(db(), sandbox);
    ({ actor: operator } = await createUser(db(), { role: 'operator' }));
    ({ actor: viewer } = await createUser(db(), { role: 'viewer' }));
  });

  it('captures in full and refunds in part, keeping the cache, the timeline and the audit log with the reason', async () => {
    const target = await authorized(10_000);
    await expect(capturePayment(as(viewer), target, crypto.randomUUID(), { amount: 10_000 })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await capturePayment(as(operator), target, crypto.randomUUID(), { amount: 10_000 });
    const { refund } = done(
      await refundPayment(
        as(operator),
        target,
        crypto.randomUUID(),
        { reason: 'one item returned' },
        { amount: 5_000 },
      ),
    );
    expect(refund.amount).toBe(5_000);
    expect(await getCachedPayment(db(), target.paymentTransactionId)).toMatchObject({
      state: 'COMPLETED',
      authorizedAmount: 10_000,
      capturedAmount: 10_000,
      refundedAmount: 5_000,
      remainingAuthorizedAmount: 0,
    });
    const timeline = await listPaymentTimeline(db(), target);
    expect(timeline.map((t) => t.kind)).toEqual(['refund', 'capture']);
    const audit = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, target.paymentTransactionId), eq(auditLog.action, 'payments.refund')));
    expect(audit[0]).toMatchObject({ outcome: 'success', details: { reason: 'one item returned', amount: 5_000 } });
  });

  it('twenty simultaneous captures of the remaining amount make exactly one capture; the others are refused with Klarna’s reason or share its answer', async () => {
    const target = await authorized(8_000);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => capturePayment(as(operator), target, crypto.randomUUID(), { amount: 8_000 })),
    );
    // One capture; a submission that found another's identical one still waiting went out under its key and got its answer.
    const made = results.filter((r) => r.status === 'fulfilled').map((r) => done(r.value).capture.payment_capture_id);
    expect(made.length).toBeGreaterThanOrEqual(1);
    expect(new Set(made).size).toBe(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected'))
      expect((r.reason as Error).message).toMatch(/Klarna refused this|amount/i);
    const at = await api.paymentTransactions.get(accountId, target.paymentTransactionId);
    expect(at.captures).toHaveLength(1);
    expect(await getCachedPayment(db(), target.paymentTransactionId)).toMatchObject({
      capturedAmount: 8_000,
      remainingAuthorizedAmount: 0,
    });
  });

  it('twenty identical refund submissions make one refund', async () => {
    const target = await authorized(6_000);
    await capturePayment(as(operator), target, crypto.randomUUID(), { amount: 6_000 });
    const intent = crypto.randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        refundPayment(as(operator), target, intent, { reason: 'damaged' }, { amount: 1_000 }),
      ),
    );
    expect(new Set(results.map((r) => done(r).refund.payment_refund_id)).size).toBe(1);
    const at = await api.paymentTransactions.get(accountId, target.paymentTransactionId);
    expect(at.refunds).toHaveLength(1);
    expect(at.refunded_amount).toBe(1_000);
    // One intent replayed twenty times is one refund in the audit log and on the timeline, not twenty.
    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, target.paymentTransactionId), eq(auditLog.action, 'payments.refund')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ outcome: 'success', details: { amount: 1_000, reason: 'damaged' } });
    expect((await listPaymentTimeline(db(), target)).filter((t) => t.kind === 'refund')).toHaveLength(1);
  });

  it('twenty concurrent replays of one capture intent: one capture at Klarna, one audit entry, one timeline entry, all answered with it', async () => {
    const target = await authorized(7_000);
    const intent = crypto.randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => capturePayment(as(operator), target, intent, { amount: 3_000 })),
    );
    expect(new Set(results.map((r) => done(r).capture.payment_capture_id)).size).toBe(1);
    const at = await api.paymentTransactions.get(accountId, target.paymentTransactionId);
    expect(at.captures).toHaveLength(1);
    expect(at.captured_amount).toBe(3_000);
    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, target.paymentTransactionId), eq(auditLog.action, 'payments.capture')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ outcome: 'success', actorId: operator.id, details: { amount: 3_000 } });
    // One call to Klarna: the submissions in this process shared the one that was out.
    const sent = await db()
      .select({ key: apiRequests.idempotencyKey })
      .from(apiRequests)
      .where(
        and(
          eq(apiRequests.operation, 'paymentTransactions.capture'),
          sql`${apiRequests.path} like ${`%${target.paymentTransactionId}%`}`,
        ),
      );
    expect(sent).toEqual([{ key: audits[0]!.idempotencyKey }]);
    expect((await listPaymentTimeline(db(), target)).filter((t) => t.kind === 'capture')).toHaveLength(1);
    expect(await getCachedPayment(db(), target.paymentTransactionId)).toMatchObject({
      capturedAmount: 3_000,
      remainingAuthorizedAmount: 4_000,
    });
    // The same form submitted once more later is still the same intent: no new entry.
    done(await capturePayment(as(operator), target, intent, { amount: 3_000 }));
    expect(
      await db().$count(
        auditLog,
        and(eq(auditLog.targetId, target.paymentTransactionId), eq(auditLog.action, 'payments.capture')),
      ),
    ).toBe(1);
  });

  it('any sequence of captures, refunds and releases keeps the cache within what was authorized and captured, and equal to Klarna', async () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 4; round++) {
      const target = await authorized(20_000);
      await refreshPayment(as(operator), target);
      for (let step = 0; step < 8; step++) {
        const cached = (await getCachedPayment(db(), target.paymentTransactionId))!;
        const pick = random();
        const amount = 1 + Math.floor(random() * 9_000);
        try {
          if (pick < 0.45) await capturePayment(as(operator), target, crypto.randomUUID(), { amount });
          else if (pick < 0.85)
            await refundPayment(as(operator), target, crypto.randomUUID(), { reason: 'property test' }, { amount });
          else await releaseRemaining(as(operator), target, crypto.randomUUID());
        } catch (error) {
          // Refused by Klarna (over the remaining amount, wrong state), or here (a whole-payment refund of
          // a payment captured more than once): the cache must not move.
          expect(['KlarnaRefusedError', 'ConflictError']).toContain((error as Error).name);
          expect(await getCachedPayment(db(), target.paymentTransactionId)).toMatchObject({
            capturedAmount: cached.capturedAmount,
            refundedAmount: cached.refundedAmount,
          });
        }
        const row = (await getCachedPayment(db(), target.paymentTransactionId))!;
        expect(row.capturedAmount).toBeLessThanOrEqual(row.authorizedAmount);
        expect(row.refundedAmount).toBeLessThanOrEqual(row.capturedAmount);
        const klarna = await api.paymentTransactions.get(accountId, target.paymentTransactionId);
        expect([row.capturedAmount, row.refundedAmount, row.remainingAuthorizedAmount, row.state]).toEqual([
          klarna.captured_amount,
          klarna.refunded_amount,
          klarna.remaining_authorized_amount,
          klarna.state,
        ]);
      }
    }
  });

  it('a payment captured twice is refunded per capture: a refund of the whole payment is refused here, and by Klarna when the cache does not know', async () => {
    const target = await authorized(10_000);
    await capturePayment(as(operator), target, crypto.randomUUID(), { amount: 4_000 });
    const second = done(await capturePayment(as(operator), target, crypto.randomUUID(), { amount: 6_000 }));
    const refused = await refundPayment(
      as(operator),
      target,
      crypto.randomUUID(),
      { reason: 'returned' },
      { amount: 1_000 },
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).toMatchObject({
      message: expect.stringContaining('captured 2 times'),
      fields: { captureId: ['Choose the capture to refund.'] },
    });
    // A cache that knows only the amounts (a webhook's) lets Klarna decide: 409, audited with Klarna's error id.
    await db()
      .update(paymentTransactions)
      .set({ klarna: null })
      .where(eq(paymentTransactions.paymentTransactionId, target.paymentTransactionId));
    const atKlarna = await refundPayment(
      as(operator),
      target,
      crypto.randomUUID(),
      { reason: 'returned' },
      { amount: 1_000 },
    ).catch((e: unknown) => e);
    expect(atKlarna).toMatchObject({ name: 'KlarnaRefusedError', message: expect.stringContaining('2 captures') });
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, target.paymentTransactionId), eq(auditLog.action, 'payments.refund')));
    expect(audit).toMatchObject({ outcome: 'failure', klarnaErrorId: expect.any(String) });
    expect((await api.paymentTransactions.get(accountId, target.paymentTransactionId)).refunded_amount).toBe(0);
    // Naming the capture works.
    const { refund } = done(
      await refundPayment(
        as(operator),
        target,
        crypto.randomUUID(),
        { captureId: second.capture.payment_capture_id, reason: 'returned' },
        { amount: 1_000 },
      ),
    );
    expect(refund).toMatchObject({ amount: 1_000, payment_capture_id: second.capture.payment_capture_id });
  });

  it('no update is accepted after a void: refused here, and by Klarna when the dashboard did not see the void', async () => {
    const completed = await authorized(3_000);
    await capturePayment(as(operator), completed, crypto.randomUUID(), { amount: 3_000 });
    // Fully captured (COMPLETED, not voided): tracking can still be added; the same form sent twice is one update.
    const updateIntent = crypto.randomUUID();
    for (let i = 0; i < 2; i++)
      await updatePayment(as(operator), completed, updateIntent, {
        shipping_info: [{ shipping_company: 'DHL', tracking_number: 'JD0001' }],
      });
    expect(
      await db().$count(
        auditLog,
        and(eq(auditLog.action, 'payments.update'), eq(auditLog.targetId, completed.paymentTransactionId)),
      ),
    ).toBe(1);
    expect((await listPaymentTimeline(db(), completed)).filter((t) => t.kind === 'update')).toHaveLength(1);

    const target = await authorized(5_000);
    await capturePayment(as(operator), target, crypto.randomUUID(), { amount: 2_000 });
    await releaseRemaining(as(operator), target, crypto.randomUUID());
    const refused = await updatePayment(as(operator), target, crypto.randomUUID(), {
      merchant_reference: 'changed',
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toMatch(/voided .* no further updates/);
    // Voided elsewhere: the cache holds a read from before the void and no release made here.
    const other = await authorized(5_000);
    await api.paymentTransactions.capture(accountId, other.paymentTransactionId, { amount: 1_000 }, mutation());
    await refreshPayment(as(operator), other);
    await api.paymentTransactions.void(accountId, other.paymentTransactionId, mutation());
    const atKlarna = await updatePayment(as(operator), other, crypto.randomUUID(), {
      merchant_reference: 'changed',
    }).catch((e: unknown) => e);
    expect(atKlarna).toMatchObject({ name: 'KlarnaRefusedError', message: expect.stringContaining('voided') });
    expect((await api.paymentTransactions.get(accountId, other.paymentTransactionId)).merchant_reference).not.toBe(
      'changed',
    );
  });

  it('repairs drift from Klarna on refresh and records it', async () => {
    const target = await authorized(5_000);
    await refreshPayment(as(viewer), target);
    // A capture made elsewhere (the merchant's own integration), not seen here yet.
    await api.paymentTransactions.capture(accountId, target.paymentTransactionId, { amount: 2_000 }, mutation());
    await db()
      .update(paymentTransactions)
      .set({ klarnaUpdatedAt: new Date(0) })
      .where(eq(paymentTransactions.paymentTransactionId, target.paymentTransactionId));
    const row = await refreshPayment(as(viewer), target);
    expect(row).toMatchObject({ capturedAmount: 2_000, remainingAuthorizedAmount: 3_000 });
    const [drift] = await listPaymentTimeline(db(), target);
    expect(drift).toMatchObject({ source: 'sync', kind: 'drift_repaired' });
    expect(drift!.summary).toContain('captured 0.00 EUR → 20.00 EUR');
  });

  it('creates a payment link, confirms it when the shopper approves, and lists the transaction', async () => {
    const reference = `link-${crypto.randomUUID().slice(0, 8)}`;
    await expect(
      createPaymentLink(as(viewer), accountId, crypto.randomUUID(), { currency: 'EUR', payment_amount: 4_500 }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const linkIntent = crypto.randomUUID();
    const link = await createPaymentLink(as(operator), accountId, linkIntent, {
      currency: 'EUR',
      payment_amount: 4_500,
      payment_reference: reference,
      purchase_country: 'DE',
    });
    expect(link.state_context.distribution?.url).toMatch(/\/shopper\/payment-requests\//);
    // The same form submitted again is Klarna's replay: the same link, no second audit or timeline entry.
    expect(
      (
        await createPaymentLink(as(operator), accountId, linkIntent, {
          currency: 'EUR',
          payment_amount: 4_500,
          payment_reference: reference,
          purchase_country: 'DE',
        })
      ).payment_request_id,
    ).toBe(link.payment_request_id);
    expect(
      await db().$count(
        auditLog,
        and(eq(auditLog.action, 'payments.create_link'), sql`${auditLog.details}->>'payment_reference' = ${reference}`),
      ),
    ).toBe(1);
    expect(
      (
        await listPaymentTimeline(db(), { paymentTransactionId: '-', paymentRequestId: link.payment_request_id })
      ).filter((t) => t.kind === 'request.created'),
    ).toHaveLength(1);
    const approved = await sandbox.control.approvePaymentRequest(link.payment_request_id);
    const token = approved.payment_request.state_context.payment_confirmation_token as string;
    const row = await confirmPaymentLink(
      testContext({ db: db(), settings: settings() }),
      link.payment_request_id,
      token,
    );
    expect(row).toMatchObject({ state: 'AUTHORIZED', authorizedAmount: 4_500, paymentReference: reference });
    expect(
      (await confirmPaymentLink(testContext({ db: db(), settings: settings() }), link.payment_request_id, token))
        .paymentTransactionId,
    ).toBe(row.paymentTransactionId);
    const { rows } = await listPayments(db(), { q: reference });
    expect(rows.map((r) => r.paymentTransactionId)).toEqual([row.paymentTransactionId]);
  });
});
