import { and, asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { auditLog, paymentPendingOperations, paymentTransactions } from '@/db/schema';
import { ConflictError } from '@/lib/errors';
import { DEFAULT_MAX_ATTEMPTS } from '@/lib/klarna/client';
import { idempotencyKey } from '@/lib/klarna/idempotency';
import { paymentTransactionSchema } from '@/lib/klarna/schemas/payments';
import type { FaultRule } from '@/sandbox/faults';
import type { RunningSandbox } from '@/sandbox/start';
import { describeEachDriver } from '@/test/db';
import { createUser } from '@/test/factories';
import {
  addSandboxCredential,
  sandboxSettings,
  startSandboxMerchant,
  type SandboxMerchant,
} from '@/test/sandbox-merchant';
import { getCachedPayment, listPaymentTimeline } from './cache';
import { baselineOf, intentDigest } from './outcomes';
import {
  capturePayment,
  describeInFlight,
  EarlierOutcomeError,
  listInFlightOperations,
  OutcomeUnknownError,
  reauthorizePayment,
  refreshPayment,
  refundPayment,
  releaseRemaining,
  resolvePaymentOutcomes,
  updatePayment,
  type OperationOutcome,
} from './service';
import { testContext } from '@/test/context';

/**
 * Issue 13, point 4: a money operation whose answer is lost is never repeated blind. The
 * sandbox performs the operation (or not) and then answers 500 or drops the connection on
 * every attempt; the service must read the transaction from Klarna, say what happened, and a
 * second click must not act twice.
 */

let sandbox: RunningSandbox;
let api: SandboxMerchant['api'];
let accountId: string;
beforeAll(async () => {
  ({ sandbox, api, accountId } = await startSandboxMerchant({
    reference: 'M-LOST',
    name: 'Lost answers shop',
    website: 'https://lost.example',
  }));
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.control.clearFaults());

async function authorized(amount = 10_000) {
  const { payment_transaction } = await sandbox.control.createAuthorizedPayment(accountId, {
    currency: 'EUR',
    payment_amount: amount,
    purchase_country: 'DE',
  });
  return { accountId, paymentTransactionId: payment_transaction.payment_transaction_id as string };
}

/** Every attempt the client makes at `operation` on this payment meets `fault`. */
const lose = (operation: string, paymentTransactionId: string, fault: FaultRule['fault']) =>
  sandbox.control.addFaultRule({ operation, path_contains: paymentTransactionId, fault, times: DEFAULT_MAX_ATTEMPTS });

function resolved<T>(outcome: OperationOutcome<T>) {
  if (outcome.status !== 'resolved') throw new Error('expected the outcome to have been read from Klarna');
  return outcome;
}
function done<T>(outcome: OperationOutcome<T>): T {
  if (outcome.status !== 'done') throw new Error(`expected Klarna's answer, got: ${outcome.message}`);
  return outcome.result;
}

describeEachDriver('a money operation whose answer was lost', (db) => {
  const settings = () => sandboxSettings(sandbox);
  let operator: Awaited<ReturnType<typeof createUser>>['actor'];
  let other: Awaited<ReturnType<typeof createUser>>['actor'];
  const as = (actor: typeof operator) => testContext({ db: db(), actor, settings: settings() });
  const audit = (id: string) => db().select().from(auditLog).where(eq(auditLog.targetId, id)).orderBy(asc(auditLog.id));
  const pending = (id: string) =>
    db().select().from(paymentPendingOperations).where(eq(paymentPendingOperations.paymentTransactionId, id));

  beforeAll(async () => {
    await addSandboxCredential(db(), sandbox);
    ({ actor: operator } = await createUser(db(), { role: 'operator' }));
    ({ actor: other } = await createUser(db(), { role: 'operator' }));
  });

  it('capture: Klarna captured and answered 500 every time; the read shows it made, audited, and a second click does not capture again', async () => {
    const target = await authorized(10_000);
    await refreshPayment(as(operator), target);
    await lose('paymentTransactions.capture', target.paymentTransactionId, 'error-after');
    const intent = crypto.randomUUID();
    const outcome = resolved(await capturePayment(as(operator), target, intent, { amount: 4_000 }));
    expect(outcome.made).toBe(true);
    expect(outcome.message).toMatch(
      /^Klarna answered with an error \(HTTP 500 INTERNAL_ERROR, error id [^)]+\) that does not say whether it acted\. Reading the payment from Klarna shows the capture of 40\.00 EUR was made\.$/,
    );
    // The cache and the timeline follow Klarna's read.
    expect(await getCachedPayment(db(), target.paymentTransactionId)).toMatchObject({
      capturedAmount: 4_000,
      remainingAuthorizedAmount: 6_000,
    });
    const [entry] = (await listPaymentTimeline(db(), target)).filter((t) => t.kind === 'outcome_resolved');
    expect(entry).toMatchObject({
      summary:
        'The capture of 40.00 EUR got no clear answer from Klarna; reading the payment from Klarna shows it was made',
      amount: 4_000,
    });

    // The same click again (the dialog's retry): Klarna replays its first answer under the same key.
    const again = done(await capturePayment(as(operator), target, intent, { amount: 4_000 }));
    const klarna = await api.paymentTransactions.get(accountId, target.paymentTransactionId);
    expect(klarna.captures).toHaveLength(1);
    expect(again.capture.payment_capture_id).toBe(klarna.captures[0]!.payment_capture_id);
    expect(klarna.captured_amount).toBe(4_000);

    const entries = await audit(target.paymentTransactionId);
    const unknown = entries.find((e) => e.action === 'payments.outcome_unknown')!;
    const resolution = entries.find((e) => e.action === 'payments.outcome_resolved')!;
    expect(unknown).toMatchObject({
      outcome: 'failure',
      actorEmail: operator.email,
      details: expect.objectContaining({ operation: 'capture', amount: 4_000, attempts: DEFAULT_MAX_ATTEMPTS }),
    });
    expect(unknown.klarnaErrorId).toBeTruthy();
    expect(resolution).toMatchObject({
      outcome: 'success',
      idempotencyKey: unknown.idempotencyKey,
      details: expect.objectContaining({
        operation: 'capture',
        made: true,
        payment_capture_id: klarna.captures[0]!.payment_capture_id,
      }),
    });
    expect(await pending(target.paymentTransactionId)).toEqual([]);
  });

  it('capture: Klarna failed before acting; the read shows it not made, and the retry (the same form, or a reopened one) goes out under a new key and captures once', async () => {
    const target = await authorized(10_000);
    await refreshPayment(as(operator), target);
    await lose('paymentTransactions.capture', target.paymentTransactionId, 'error-before');
    const form = crypto.randomUUID();
    const outcome = resolved(
      await capturePayment(as(operator), target, form, { amount: 2_500, capture_reference: 'parcel-1' }),
    );
    expect(outcome.made).toBe(false);
    expect(outcome.message).toMatch(
      /Reading the payment from Klarna shows the capture of 25\.00 EUR was not made; you can try again\.$/,
    );
    expect(await pending(target.paymentTransactionId)).toEqual([
      expect.objectContaining({ status: 'not_made', operation: 'capture' }),
    ]);

    // Klarna may keep answering the lost key with its failure (seed l. 3951): "try again" must not send that key again.
    const { capture } = done(
      await capturePayment(as(operator), target, form, { capture_reference: 'parcel-1', amount: 2_500 }),
    );
    expect(capture.capture_reference).toBe('parcel-1');
    const entries = await audit(target.paymentTransactionId);
    const lostKey = entries.find((e) => e.action === 'payments.outcome_unknown')!.idempotencyKey;
    const madeKey = entries.find((e) => e.action === 'payments.capture' && e.outcome === 'success')!.idempotencyKey;
    expect(madeKey).not.toBe(lostKey);
    // The same form once more (a double click after success): Klarna replays that answer, nothing new.
    expect(
      done(await capturePayment(as(operator), target, form, { capture_reference: 'parcel-1', amount: 2_500 })).capture
        .payment_capture_id,
    ).toBe(capture.payment_capture_id);
    expect((await api.paymentTransactions.get(accountId, target.paymentTransactionId)).captures).toHaveLength(1);
    expect(await pending(target.paymentTransactionId)).toEqual([
      expect.objectContaining({ status: 'not_made', idempotencyKey: lostKey }),
    ]);
  });

  it('the same capture sent again while the first is still waiting for Klarna’s answer (a reloaded page, a second form) goes out under the first key: captured once', async () => {
    const target = await authorized(10_000);
    const before = await refreshPayment(as(operator), target);
    // The first request's capture reached Klarna; its answer has not come back yet (retries under way, or a 200 not yet read).
    const nonce = crypto.randomUUID();
    const key = idempotencyKey({
      operation: 'paymentTransactions.capture',
      target: target.paymentTransactionId,
      nonce,
    });
    const request = { amount: 3_000 };
    await api.paymentTransactions.capture(accountId, target.paymentTransactionId, request, { idempotencyKey: key });
    await db()
      .insert(paymentPendingOperations)
      .values({
        idempotencyKey: key,
        paymentTransactionId: target.paymentTransactionId,
        accountId,
        operation: 'capture',
        nonce,
        intentDigest: intentDigest(target.paymentTransactionId, { kind: 'capture', request }),
        request,
        baseline: baselineOf(paymentTransactionSchema.parse(before.klarna)),
        currency: 'EUR',
        status: 'sending',
        actorId: operator.id,
        actorEmail: operator.email,
        createdAt: new Date(Date.now() - 30_000),
        updatedAt: new Date(Date.now() - 30_000),
      });
    // The payment page shows it in progress (and offers no action meanwhile).
    expect((await listInFlightOperations(db(), target.paymentTransactionId)).map(describeInFlight)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^The capture of 30\\.00 EUR sent by ${operator.email.replace(/[.]/g, '\\.')} at \\d\\d:\\d\\d UTC is waiting for Klarna’s answer\\.$`,
        ),
      ),
    ]);
    const second = done(await capturePayment(as(other), target, crypto.randomUUID(), { amount: 3_000 }));
    const klarna = await api.paymentTransactions.get(accountId, target.paymentTransactionId);
    expect(klarna.captures.map((c) => c.amount)).toEqual([3_000]);
    expect(second.capture.payment_capture_id).toBe(klarna.captures[0]!.payment_capture_id);
    expect(
      (await audit(target.paymentTransactionId)).find((e) => e.action === 'payments.capture')!.idempotencyKey,
    ).toBe(key);
  });

  it('while Klarna cannot be read either, nobody acts on the payment; the next action reads Klarna first and refuses with what it shows', async () => {
    const target = await authorized(10_000);
    await refreshPayment(as(operator), target);
    await lose('paymentTransactions.capture', target.paymentTransactionId, 'error-after');
    await lose('paymentTransactions.get', target.paymentTransactionId, 'error-before');
    const lost = await capturePayment(as(operator), target, crypto.randomUUID(), { amount: 3_000 }).catch(
      (e: unknown) => e,
    );
    expect(lost).toBeInstanceOf(OutcomeUnknownError);
    expect((lost as Error).message).toMatch(
      /Reading the payment from Klarna failed too, so whether the capture of 30\.00 EUR was made is not known yet\./,
    );
    expect(await pending(target.paymentTransactionId)).toEqual([expect.objectContaining({ status: 'unknown' })]);

    // Another operator releases the rest meanwhile: Klarna is read first, the release is not sent.
    const refused = await releaseRemaining(as(other), target, crypto.randomUUID()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EarlierOutcomeError);
    expect((refused as Error).message).toMatch(
      new RegExp(
        `^An earlier capture of 30\\.00 EUR \\(${operator.email.replace(/[.]/g, '\\.')}, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\) got no clear answer from Klarna\\. Reading the payment from Klarna shows it was made\\. Nothing was sent now`,
      ),
    );
    let klarna = await api.paymentTransactions.get(accountId, target.paymentTransactionId);
    expect([klarna.state, klarna.captured_amount, klarna.remaining_authorized_amount]).toEqual([
      'AUTHORIZED',
      3_000,
      7_000,
    ]);
    expect(await pending(target.paymentTransactionId)).toEqual([]);
    const resolution = (await audit(target.paymentTransactionId)).find(
      (e) => e.action === 'payments.outcome_resolved',
    )!;
    expect(resolution).toMatchObject({
      actorEmail: other.email,
      details: expect.objectContaining({ made: true, sent_by: operator.email }),
    });

    // Having seen it, they release; it goes through.
    expect(done(await releaseRemaining(as(other), target, crypto.randomUUID())).state).toBe('COMPLETED');
    klarna = await api.paymentTransactions.get(accountId, target.paymentTransactionId);
    expect([klarna.captures.length, klarna.remaining_authorized_amount]).toEqual([1, 0]);
  });

  it('the same capture submitted again while its outcome is unknown reads Klarna first and, finding it made, sends nothing', async () => {
    const target = await authorized(10_000);
    await refreshPayment(as(operator), target);
    await lose('paymentTransactions.capture', target.paymentTransactionId, 'error-after');
    await lose('paymentTransactions.get', target.paymentTransactionId, 'error-before');
    await expect(capturePayment(as(operator), target, crypto.randomUUID(), { amount: 3_500 })).rejects.toBeInstanceOf(
      OutcomeUnknownError,
    );
    // Reloaded, reopened, the same capture again: the lost one is looked up instead of sent twice.
    const outcome = resolved(await capturePayment(as(operator), target, crypto.randomUUID(), { amount: 3_500 }));
    expect(outcome).toMatchObject({ made: true, transaction: expect.objectContaining({ captured_amount: 3_500 }) });
    expect(outcome.message).toMatch(/shows the capture of 35\.00 EUR was made\.$/);
    expect((await api.paymentTransactions.get(accountId, target.paymentTransactionId)).captures).toHaveLength(1);
  });

  it('"Check with Klarna" resolves a lost capture for anyone who sees the payment', async () => {
    const target = await authorized(5_000);
    await refreshPayment(as(operator), target);
    await lose('paymentTransactions.capture', target.paymentTransactionId, 'error-before');
    await lose('paymentTransactions.get', target.paymentTransactionId, 'error-before');
    await expect(capturePayment(as(operator), target, crypto.randomUUID(), { amount: 5_000 })).rejects.toBeInstanceOf(
      OutcomeUnknownError,
    );
    const { actor: viewer } = await createUser(db(), { role: 'viewer' });
    expect(await resolvePaymentOutcomes(as(viewer), target)).toEqual([
      expect.stringMatching(/shows the capture of 50\.00 EUR was not made; you can try again\.$/),
    ]);
    expect(await resolvePaymentOutcomes(as(viewer), target)).toEqual([]);
  });

  it('refund of one capture: Klarna refunded and answered 500; the read finds that refund, and a second click does not refund again', async () => {
    const target = await authorized(10_000);
    done(await capturePayment(as(operator), target, crypto.randomUUID(), { amount: 6_000 }));
    const { capture } = done(await capturePayment(as(operator), target, crypto.randomUUID(), { amount: 4_000 }));
    await lose('paymentTransactions.refundCapture', target.paymentTransactionId, 'error-after');
    const intent = crypto.randomUUID();
    const input = { captureId: capture.payment_capture_id, reason: 'parcel lost' };
    const outcome = resolved(await refundPayment(as(operator), target, intent, input, { amount: 1_500 }));
    expect(outcome).toMatchObject({
      made: true,
      message: expect.stringMatching(/shows the refund of 15\.00 EUR was made\.$/),
    });
    done(await refundPayment(as(operator), target, intent, input, { amount: 1_500 }));
    const klarna = await api.paymentTransactions.get(accountId, target.paymentTransactionId);
    expect(klarna.refunds.map((r) => [r.amount, r.payment_capture_id])).toEqual([[1_500, capture.payment_capture_id]]);
    expect(await getCachedPayment(db(), target.paymentTransactionId)).toMatchObject({ refundedAmount: 1_500 });
  });

  it('refund of the payment: lost before Klarna acted, then sent again from a new form under a new key, refunded once', async () => {
    const target = await authorized(8_000);
    done(await capturePayment(as(operator), target, crypto.randomUUID(), { amount: 8_000 }));
    await lose('paymentTransactions.refund', target.paymentTransactionId, 'error-before');
    expect(
      resolved(
        await refundPayment(as(operator), target, crypto.randomUUID(), { reason: 'returned' }, { amount: 2_000 }),
      ).made,
    ).toBe(false);
    done(await refundPayment(as(operator), target, crypto.randomUUID(), { reason: 'returned' }, { amount: 2_000 }));
    const entries = await audit(target.paymentTransactionId);
    expect(entries.find((e) => e.action === 'payments.refund' && e.outcome === 'success')!.idempotencyKey).not.toBe(
      entries.find((e) => e.action === 'payments.outcome_unknown')!.idempotencyKey,
    );
    expect((await api.paymentTransactions.get(accountId, target.paymentTransactionId)).refunds).toHaveLength(1);
  });

  it('release: Klarna released and the connection broke every time; the read shows it made, and a second click gets Klarna’s first answer', async () => {
    const target = await authorized(9_000);
    done(await capturePayment(as(operator), target, crypto.randomUUID(), { amount: 4_000 }));
    await lose('paymentTransactions.void', target.paymentTransactionId, 'drop');
    const intent = crypto.randomUUID();
    const outcome = resolved(await releaseRemaining(as(operator), target, intent));
    expect(outcome.message).toBe(
      'The connection to Klarna broke before its answer came. Reading the payment from Klarna shows the release of the remaining 50.00 EUR was made.',
    );
    expect(outcome.transaction).toMatchObject({ state: 'COMPLETED', remaining_authorized_amount: 0 });
    // Klarna would refuse a second void (the payment is COMPLETED); the same key replays the first answer instead.
    expect(done(await releaseRemaining(as(operator), target, intent))).toMatchObject({
      state: 'COMPLETED',
      captured_amount: 4_000,
    });
    expect(await getCachedPayment(db(), target.paymentTransactionId)).toMatchObject({
      state: 'COMPLETED',
      remainingAuthorizedAmount: 0,
    });
  });

  it('release: a release found made after its answer was lost blocks updates here, like one answered (Klarna’s read need not say voided_at)', async () => {
    const target = await authorized(9_000);
    done(await capturePayment(as(operator), target, crypto.randomUUID(), { amount: 4_000 }));
    await lose('paymentTransactions.void', target.paymentTransactionId, 'error-after');
    expect(resolved(await releaseRemaining(as(operator), target, crypto.randomUUID())).made).toBe(true);
    // voided_at is the sandbox's field, not Klarna's: the cached read of a real Klarna has none.
    const row = (await getCachedPayment(db(), target.paymentTransactionId))!;
    const { voided_at: _dropped, ...klarnaRead } = row.klarna as Record<string, unknown>;
    await db()
      .update(paymentTransactions)
      .set({ klarna: klarnaRead })
      .where(eq(paymentTransactions.paymentTransactionId, target.paymentTransactionId));
    const refused = await updatePayment(as(operator), target, crypto.randomUUID(), {
      merchant_reference: 'changed',
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toMatch(/voided .* no further updates/);
  });

  it('reauthorize: Klarna reauthorized and answered 500; the read shows the new authorization, and a second click does not reauthorize again', async () => {
    const target = await authorized(6_000);
    await sandbox.control.expirePaymentTransaction(target.paymentTransactionId);
    await refreshPayment(as(operator), target);
    await lose('paymentTransactions.reauthorize', target.paymentTransactionId, 'error-after');
    const intent = crypto.randomUUID();
    const outcome = resolved(await reauthorizePayment(as(operator), target, intent, { amount: 7_550 }));
    expect(outcome).toMatchObject({
      made: true,
      message: expect.stringMatching(/shows the reauthorization for 75\.50 EUR was made\.$/),
    });
    const first = await api.paymentTransactions.get(accountId, target.paymentTransactionId);
    done(await reauthorizePayment(as(operator), target, intent, { amount: 7_550 }));
    const second = await api.paymentTransactions.get(accountId, target.paymentTransactionId);
    expect([second.state, second.authorized_amount, second.expires_at, second.updated_at]).toEqual([
      'AUTHORIZED',
      7_550,
      first.expires_at,
      first.updated_at,
    ]);
  });

  it('an intent whose process was lost mid-call (still "sending" after every attempt could have ended) is read back before anyone acts', async () => {
    const target = await authorized(7_000);
    const before = await refreshPayment(as(operator), target);
    // The process sent the capture and died before recording anything: Klarna has it, the dashboard only the note.
    const nonce = crypto.randomUUID();
    const key = idempotencyKey({
      operation: 'paymentTransactions.capture',
      target: target.paymentTransactionId,
      nonce,
    });
    await api.paymentTransactions.capture(
      accountId,
      target.paymentTransactionId,
      { amount: 1_000 },
      { idempotencyKey: key },
    );
    const request = { amount: 1_000 };
    const values = {
      idempotencyKey: key,
      paymentTransactionId: target.paymentTransactionId,
      accountId,
      operation: 'capture' as const,
      nonce,
      intentDigest: intentDigest(target.paymentTransactionId, { kind: 'capture', request }),
      request,
      baseline: baselineOf(paymentTransactionSchema.parse(before.klarna)),
      currency: 'EUR',
      status: 'sending' as const,
      actorId: operator.id,
      actorEmail: operator.email,
    };
    // Two minutes ago it may still be running: another operator is not held up by it.
    await db()
      .insert(paymentPendingOperations)
      .values({ ...values, createdAt: new Date(Date.now() - 120_000), updatedAt: new Date(Date.now() - 120_000) });
    expect(done(await capturePayment(as(other), target, crypto.randomUUID(), { amount: 500 })).capture.amount).toBe(
      500,
    );
    // Ten minutes ago it cannot be: it is taken for lost and read back first.
    await db()
      .update(paymentPendingOperations)
      .set({ updatedAt: new Date(Date.now() - 600_000) })
      .where(eq(paymentPendingOperations.idempotencyKey, key));
    const refused = await capturePayment(as(other), target, crypto.randomUUID(), { amount: 500 }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(EarlierOutcomeError);
    expect((refused as Error).message).toMatch(/^An earlier capture of 10\.00 EUR .* shows it was made\./);
    expect(
      (await api.paymentTransactions.get(accountId, target.paymentTransactionId)).captures.map((c) => c.amount),
    ).toEqual([1_000, 500]);
  });

  it('a definitive refusal is no unknown outcome: nothing is left pending and the refusal is audited as before', async () => {
    const target = await authorized(1_000);
    await expect(capturePayment(as(operator), target, crypto.randomUUID(), { amount: 5_000 })).rejects.toMatchObject({
      name: 'KlarnaRefusedError',
    });
    expect(await pending(target.paymentTransactionId)).toEqual([]);
    expect(
      await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.targetId, target.paymentTransactionId), eq(auditLog.action, 'payments.capture'))),
    ).toEqual([expect.objectContaining({ outcome: 'failure' })]);
  });
});
