import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  apiRequests,
  auditLog,
  merchantAccounts,
  paymentTransactions,
  refundBatches,
  refundBatchRows,
} from '@/db/schema';
import type { Actor } from '@/lib/auth/guard';
import { AppError, ForbiddenError } from '@/lib/errors';
import { DEFAULT_MAX_ATTEMPTS } from '@/lib/klarna/client';
import { listPaymentTimeline } from '@/lib/payments/cache';
import { capturePayment, refundPayment } from '@/lib/payments/service';
import type { RunningSandbox } from '@/sandbox/start';
import { testContext } from '@/test/context';
import { describeEachDriver } from '@/test/db';
import { createUser } from '@/test/factories';
import {
  addSandboxCredential,
  sandboxSettings,
  startSandboxMerchant,
  type SandboxMerchant,
} from '@/test/sandbox-merchant';
import {
  approveRefundBatch,
  cancelRefundBatch,
  getRefundBatch,
  getRefundBatchProgress,
  listRefundBatchRows,
  RefundFileSeenError,
  runRefundBatch,
  uploadRefundBatch,
} from './service';
import { refundCsvRow } from './csv';
import { sweepRefundBatches } from './jobs';
import { rowIntentId } from './run';

let sandbox: RunningSandbox;
let api: SandboxMerchant['api'];
let accountId: string;
beforeAll(async () => {
  ({ sandbox, api, accountId } = await startSandboxMerchant(
    { reference: 'M-REFUNDS', name: 'Refunds test shop', website: 'https://refunds.example' },
    { operational: true },
  ));
});
afterAll(() => sandbox.close());

const policy = { fourEyesAbove: 1000 };
const file = (lines: string[], name = 'refunds.csv') => ({
  fileName: name,
  bytes: [Buffer.from(`${lines.join('\r\n')}\r\n`)],
});
const noQueue = { queue: async () => undefined };

describeEachDriver('mass refunds', (db) => {
  let uploader: Actor;
  let second: Actor;
  let viewer: Actor;
  const as = (actor: Actor | null) => testContext({ db: db(), actor, settings: sandboxSettings(sandbox) });

  beforeAll(async () => {
    await addSandboxCredential(db(), sandbox);
    ({ actor: uploader } = await createUser(db(), { role: 'operator' }));
    ({ actor: second } = await createUser(db(), { role: 'operator' }));
    ({ actor: viewer } = await createUser(db(), { role: 'viewer' }));
    await db().insert(merchantAccounts).values({
      accountId,
      accountReference: 'M-REFUNDS',
      accountName: 'Refunds test shop',
      state: 'OPERATIONAL',
    });
  });

  /** A payment at the sandbox, captured in `captures` parts through the dashboard (so the cache knows it). */
  async function captured(amount: number, captures = 1, currency = 'EUR') {
    const reference = `order-${crypto.randomUUID().slice(0, 8)}`;
    const { payment_transaction } = await sandbox.control.createAuthorizedPayment(accountId, {
      currency,
      payment_amount: amount,
      purchase_country: 'DE',
      merchant_reference: reference,
      line_items: [{ name: 'Ticket', quantity: 1, unit_price: amount, total_line_amount: amount }],
    });
    const target = { accountId, paymentTransactionId: payment_transaction.payment_transaction_id as string };
    const captureIds: string[] = [];
    for (let i = 0; i < captures; i++) {
      const part = i === captures - 1 ? amount - Math.floor(amount / captures) * i : Math.floor(amount / captures);
      const outcome = await capturePayment(as(uploader), target, crypto.randomUUID(), { amount: part });
      if (outcome.status !== 'done') throw new Error('capture not done');
      captureIds.push(outcome.result.capture.payment_capture_id);
    }
    return { id: target.paymentTransactionId, reference, captureIds };
  }

  async function refundsAtSandbox(paymentTransactionId: string) {
    const at = await api.paymentTransactions.get(accountId, paymentTransactionId);
    return at.refunds.map((r) => r.amount);
  }

  it('gives every row shape its verdict: will refund, or refused with the reason', async () => {
    const one = await captured(10_000);
    const byRef = await captured(4_000);
    const twice = await captured(6_000, 2);
    const adds = await captured(5_000);
    const authorizedOnly = (await sandbox.control.createAuthorizedPayment(accountId, {
      currency: 'EUR',
      payment_amount: 1_000,
      purchase_country: 'DE',
      line_items: [{ name: 'x', quantity: 1, unit_price: 1_000, total_line_amount: 1_000 }],
    })) as { payment_transaction: { payment_transaction_id: string } };
    await db()
      .insert(paymentTransactions)
      .values([
        {
          paymentTransactionId: authorizedOnly.payment_transaction.payment_transaction_id,
          accountId,
          state: 'AUTHORIZED',
          currency: 'EUR',
          authorizedAmount: 1_000,
          capturedAmount: 0,
          refundedAmount: 0,
          remainingAuthorizedAmount: 1_000,
          klarnaCreatedAt: new Date(),
          klarnaUpdatedAt: new Date(),
        },
        {
          paymentTransactionId: 'ptx-closed',
          accountId,
          state: 'CLOSED',
          currency: 'EUR',
          authorizedAmount: 1_000,
          capturedAmount: 1_000,
          refundedAmount: 0,
          remainingAuthorizedAmount: 0,
          klarnaCreatedAt: new Date(),
          klarnaUpdatedAt: new Date(),
        },
        {
          paymentTransactionId: 'ptx-elsewhere',
          accountId: 'acc-not-ours',
          state: 'COMPLETED',
          currency: 'EUR',
          authorizedAmount: 1_000,
          capturedAmount: 1_000,
          refundedAmount: 0,
          remainingAuthorizedAmount: 0,
          klarnaCreatedAt: new Date(),
          klarnaUpdatedAt: new Date(),
        },
      ]);
    const batch = await uploadRefundBatch(
      as(uploader),
      file([
        'payment_transaction_id,merchant,merchant_reference,capture_id,amount_major,currency,reason,refund_reference,ticket',
        `${one.id},,,,25.00,EUR,Event cancelled,R-1,T-1`,
        `,M-REFUNDS,${byRef.reference},,40.00,EUR,Recall,,T-2`,
        `${twice.id},,,${twice.captureIds[1]},30.00,EUR,Second parcel returned,,T-3`,
        `${twice.id},,,,10.00,EUR,No capture named,,T-4`,
        `${adds.id},,,,30.00,EUR,First half,,T-5`,
        `${adds.id},,,,30.00,EUR,Second half,,T-6`,
        `ptx-nowhere,,,,1.00,EUR,Unknown payment,,T-7`,
        `,M-NOBODY,order-1,,1.00,EUR,Unknown merchant,,T-8`,
        `,M-REFUNDS,order-none,,1.00,EUR,Unknown reference,,T-9`,
        `${one.id},,,,1.00,SEK,Wrong currency,,T-10`,
        `${one.id},,,,80.00,EUR,Too much,,T-11`,
        `${authorizedOnly.payment_transaction.payment_transaction_id},,,,1.00,EUR,Not captured,,T-12`,
        `ptx-closed,,,,1.00,EUR,Closed,,T-13`,
        `ptx-elsewhere,,,,1.00,EUR,Not ours,,T-14`,
        `${one.id},,,cap-none,1.00,EUR,Unknown capture,,T-15`,
        `${one.id},,,,1.0.0,EUR,Bad amount,,T-16`,
      ]),
      policy,
    );
    expect(batch).toMatchObject({
      status: 'dry_run',
      rowsTotal: 16,
      rowsWillRefund: 4,
      rowsRefused: 12,
      amountUnit: 'major',
      approvalRule: 'typed_total',
      uploadedByEmail: uploader.email,
      totals: [{ currency: 'EUR', rows: 4, amount: 12_500, refundedRows: 0, refunded: 0 }],
    });
    const { rows } = await listRefundBatchRows(as(viewer), { batchId: batch.id });
    expect(rows.map((r) => [r.lineNo, r.verdict, r.verdictReason])).toEqual([
      [2, 'will_refund', null],
      [3, 'will_refund', null],
      [4, 'will_refund', null],
      [5, 'refused', expect.stringContaining('captured 2 times: name the capture in capture_id')],
      [6, 'will_refund', null],
      [7, 'refused', expect.stringContaining('earlier rows of this file take 30.00 EUR')],
      [8, 'refused', expect.stringContaining('payment_transaction_id "ptx-nowhere": no such payment')],
      [9, 'refused', expect.stringContaining('merchant "M-NOBODY" is not a merchant this dashboard manages')],
      [10, 'refused', expect.stringContaining('merchant_reference "order-none": no payment of Refunds test shop')],
      [11, 'refused', 'currency is SEK but the payment is in EUR'],
      [12, 'refused', expect.stringContaining('amount 80.00 EUR is more than the payment has left to refund')],
      [13, 'refused', 'nothing was captured on this payment, so nothing can be refunded'],
      [14, 'refused', expect.stringContaining('the payment is CLOSED')],
      [15, 'refused', expect.stringContaining('not a merchant this dashboard manages')],
      [16, 'refused', 'capture_id "cap-none" is not a capture of this payment'],
      [17, 'refused', expect.stringMatching(/^amount_major "1\.0\.0" is not a valid amount/)],
    ]);
    // The payment named by merchant and reference is resolved; extra columns are kept as they were.
    expect(rows[1]).toMatchObject({ paymentTransactionId: byRef.id, accountId, amount: 4_000 });
    expect(rows[0]!.input).toMatchObject({ ticket: 'T-1', refund_reference: 'R-1' });
    // Nothing moved: the dry run sent nothing to Klarna.
    expect(await refundsAtSandbox(one.id)).toEqual([]);
    // The same file again is recognised.
    const again = await uploadRefundBatch(
      as(second),
      file([
        'payment_transaction_id,merchant,merchant_reference,capture_id,amount_major,currency,reason,refund_reference,ticket',
        `${one.id},,,,25.00,EUR,Event cancelled,R-1,T-1`,
      ]),
      policy,
    );
    await expect(
      uploadRefundBatch(
        as(second),
        file([
          'payment_transaction_id,merchant,merchant_reference,capture_id,amount_major,currency,reason,refund_reference,ticket',
          `${one.id},,,,25.00,EUR,Event cancelled,R-1,T-1`,
        ]),
        policy,
      ),
    ).rejects.toMatchObject({ code: 'file_seen_before', details: { batchId: again.id } });
    await expect(uploadRefundBatch(as(second), file(['x']), policy)).rejects.toBeInstanceOf(AppError);
    expect(RefundFileSeenError).toBeDefined();
  });

  it('a viewer may read a batch but not upload, confirm, approve or cancel it (the server refuses)', async () => {
    const p = await captured(1_000);
    const lines = ['payment_transaction_id,amount_minor,currency,reason', `${p.id},100,EUR,Viewer check`];
    await expect(uploadRefundBatch(as(viewer), file(lines), policy)).rejects.toBeInstanceOf(ForbiddenError);
    const batch = await uploadRefundBatch(as(uploader), file(lines), policy);
    expect((await getRefundBatch(as(viewer), batch.id)).id).toBe(batch.id);
    await expect(
      approveRefundBatch(as(viewer), { batchId: batch.id, totals: { EUR: '1.00' } }, noQueue),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(cancelRefundBatch(as(viewer), batch.id)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await getRefundBatch(as(viewer), batch.id)).status).toBe('dry_run');
  });

  it('above the threshold a second person approves with the totals restated, then the run refunds each row once, on its timeline and in the audit log', async () => {
    const a = await captured(150_000);
    const b = await captured(90_000, 2);
    const batch = await uploadRefundBatch(
      as(uploader),
      file([
        'payment_transaction_id,capture_id,amount_minor,currency,reason,refund_reference',
        `${a.id},,120000,EUR,Recall of batch 7,RMA-A`,
        `${b.id},${b.captureIds[0]},45000,EUR,Recall of batch 7,`,
        `${b.id},${b.captureIds[1]},1000,EUR,Recall of batch 7,`,
      ]),
      policy,
    );
    expect(batch).toMatchObject({ approvalRule: 'four_eyes', totals: [{ currency: 'EUR', amount: 166_000 }] });
    let queued: string | null = null;
    const queue = { queue: async (id: string) => (queued = id) };
    await expect(
      approveRefundBatch(as(uploader), { batchId: batch.id, totals: { EUR: '1660.00' } }, queue),
    ).rejects.toThrow(/a second person, not the one who uploaded it/);
    await expect(
      approveRefundBatch(as(second), { batchId: batch.id, totals: { EUR: '1600.00' } }, queue),
    ).rejects.toMatchObject({
      code: 'totals_mismatch',
      fields: { 'totals.EUR': [expect.stringContaining('1,660.00 EUR')] },
    });
    expect(queued).toBeNull();
    const approved = await approveRefundBatch(as(second), { batchId: batch.id, totals: { EUR: '1,660.00' } }, queue);
    expect(approved).toMatchObject({ status: 'queued', approvedByEmail: second.email, approvalKind: 'four_eyes' });
    expect(queued).toBe(batch.id);

    expect(await runRefundBatch(as(null), batch.id)).toMatchObject({ status: 'done', sent: 3 });
    const done = await getRefundBatch(as(viewer), batch.id);
    expect(done).toMatchObject({
      status: 'done',
      rowsRefunded: 3,
      rowsDeclined: 0,
      totals: [{ currency: 'EUR', amount: 166_000, refunded: 166_000, refundedRows: 3 }],
    });
    expect(await getRefundBatchProgress(as(viewer), batch.id)).toMatchObject({ done: 3, total: 3, refunded: 3 });
    expect(await refundsAtSandbox(a.id)).toEqual([120_000]);
    expect((await refundsAtSandbox(b.id)).sort()).toEqual([1_000, 45_000]);
    const { rows } = await listRefundBatchRows(as(viewer), { batchId: batch.id });
    expect(rows.every((r) => r.result === 'refunded' && r.refundId)).toBe(true);
    // On the payment's timeline as the approver's refund, and in the audit log.
    const timeline = await listPaymentTimeline(db(), { paymentTransactionId: a.id });
    expect(timeline[0]).toMatchObject({ kind: 'refund', amount: 120_000, actorEmail: second.email });
    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, a.id), eq(auditLog.action, 'payments.refund')));
    expect(audits).toHaveLength(1);
    const batchAudit = await db().select().from(auditLog).where(eq(auditLog.targetId, batch.id));
    expect(batchAudit.map((e) => e.action).sort()).toEqual(['refunds.approve', 'refunds.finish', 'refunds.upload']);
    // A second run of a finished batch sends nothing.
    expect(await runRefundBatch(as(null), batch.id)).toMatchObject({ sent: 0 });
  });

  it('below the threshold the uploader confirms by typing the total; Klarna’s refusal of a row is kept in words with its error id', async () => {
    const p = await captured(2_000);
    const batch = await uploadRefundBatch(
      as(uploader),
      file(['payment_transaction_id,amount_minor,currency,reason', `${p.id},1500,EUR,Damaged`]),
      policy,
    );
    expect(batch.approvalRule).toBe('typed_total');
    // Someone refunds part of it meanwhile, elsewhere: Klarna now refuses the row.
    await api.paymentTransactions.refund(accountId, p.id, { amount: 1_000 }, { idempotencyKey: crypto.randomUUID() });
    await approveRefundBatch(as(uploader), { batchId: batch.id, totals: { EUR: '15.00 EUR' } }, noQueue);
    await runRefundBatch(as(null), batch.id);
    const { rows } = await listRefundBatchRows(as(viewer), { batchId: batch.id });
    expect(rows[0]).toMatchObject({ result: 'declined', refundId: null });
    expect(rows[0]!.errorCode).toBeTruthy();
    expect(rows[0]!.klarnaErrorId).toBeTruthy();
    expect(rows[0]!.errorMessage).toMatch(/Klarna/);
    expect(await getRefundBatch(as(viewer), batch.id)).toMatchObject({ status: 'done', rowsDeclined: 1 });
  });

  it('cancelling stops the rows not sent yet', async () => {
    const ps = await Promise.all([captured(1_000), captured(1_000), captured(1_000)]);
    const batch = await uploadRefundBatch(
      as(uploader),
      file(['payment_transaction_id,amount_minor,currency,reason', ...ps.map((p) => `${p.id},500,EUR,Event moved`)]),
      policy,
    );
    await approveRefundBatch(as(uploader), { batchId: batch.id, totals: { EUR: '15' } }, noQueue);
    const cancelled = await cancelRefundBatch(as(uploader), batch.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', rowsSkipped: 3, cancelledByEmail: uploader.email });
    expect(await runRefundBatch(as(null), batch.id)).toMatchObject({ sent: 0 });
    for (const p of ps) expect(await refundsAtSandbox(p.id)).toEqual([]);
  });

  it('a run that dies after Klarna answered resumes under the same keys: every row refunded exactly once at the sandbox', async () => {
    const ps = await Promise.all(Array.from({ length: 12 }, () => captured(3_000)));
    const batch = await uploadRefundBatch(
      as(uploader),
      file(['payment_transaction_id,amount_minor,currency,reason', ...ps.map((p) => `${p.id},1000,EUR,Crash test`)]),
      policy,
    );
    await approveRefundBatch(as(uploader), { batchId: batch.id, totals: { EUR: '120.00' } }, noQueue);
    // The first run is stopped after a few rows: Klarna slowed down so that it cannot finish first.
    await sandbox.control.setFaults({ latency_ms: 120 });
    const stop = new AbortController();
    const first = runRefundBatch(as(null), batch.id, { concurrency: 2, signal: stop.signal });
    try {
      for (;;) {
        const done = await db()
          .select({ lineNo: refundBatchRows.lineNo })
          .from(refundBatchRows)
          .where(and(eq(refundBatchRows.batchId, batch.id), eq(refundBatchRows.result, 'refunded')));
        if (done.length >= 4) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      stop.abort();
      expect(await first).toMatchObject({ status: 'running' });
    } finally {
      await sandbox.control.setFaults({ latency_ms: 0 });
    }
    // As if it had died between Klarna's answer and writing it down: two refunded rows still `sending`.
    const refunded = (await listRefundBatchRows(as(viewer), { batchId: batch.id, filter: 'refunded' })).rows;
    expect(refunded.length).toBeGreaterThanOrEqual(4);
    for (const r of refunded.slice(0, 2))
      await db()
        .update(refundBatchRows)
        .set({ result: 'sending', refundId: null })
        .where(and(eq(refundBatchRows.batchId, batch.id), eq(refundBatchRows.lineNo, r.lineNo)));
    await db()
      .update(refundBatches)
      .set({ rowsRefunded: refunded.length - 2 })
      .where(eq(refundBatches.id, batch.id));
    // A second worker cannot take the batch while the first one's lease holds … but this one was handed back.
    expect(await runRefundBatch(as(null), batch.id)).toMatchObject({ status: 'done' });
    for (const p of ps) expect(await refundsAtSandbox(p.id)).toEqual([1_000]);
    const rows = (await listRefundBatchRows(as(viewer), { batchId: batch.id })).rows;
    expect(rows.every((r) => r.result === 'refunded' && r.refundId)).toBe(true);
    expect(await getRefundBatch(as(viewer), batch.id)).toMatchObject({ rowsRefunded: 12 });
  });

  it('a live run holds its batch: a second worker started meanwhile takes nothing', async () => {
    const ps = await Promise.all(Array.from({ length: 6 }, () => captured(2_000)));
    const batch = await uploadRefundBatch(
      as(uploader),
      file(['payment_transaction_id,amount_minor,currency,reason', ...ps.map((p) => `${p.id},700,EUR,Two workers`)]),
      policy,
    );
    await approveRefundBatch(as(uploader), { batchId: batch.id, totals: { EUR: '42' } }, noQueue);
    const [one, two] = await Promise.all([
      runRefundBatch(as(null), batch.id, { concurrency: 2 }),
      runRefundBatch(as(null), batch.id, { concurrency: 2 }),
    ]);
    expect([one.sent, two.sent].sort()).toEqual([0, 6]);
    for (const p of ps) expect(await refundsAtSandbox(p.id)).toEqual([700]);
  });

  it('a row whose every attempt Klarna fails before refunding is read back as not made, sent again later, and refunded once', async () => {
    const p = await captured(3_000);
    const batch = await uploadRefundBatch(
      as(uploader),
      file(['payment_transaction_id,amount_minor,currency,reason', `${p.id},1200,EUR,Klarna down a while`]),
      policy,
    );
    await approveRefundBatch(as(uploader), { batchId: batch.id, totals: { EUR: '12' } }, noQueue);
    await sandbox.control.addFaultRule({
      operation: 'paymentTransactions.refund',
      path_contains: p.id,
      fault: 'error-before',
      times: 5,
    });
    await runRefundBatch(as(null), batch.id, { sleep: () => new Promise((r) => setTimeout(r, 10)) });
    expect(await refundsAtSandbox(p.id)).toEqual([1_200]);
    const { rows } = await listRefundBatchRows(as(viewer), { batchId: batch.id });
    expect(rows[0]).toMatchObject({ result: 'refunded' });
    expect(rows[0]!.refundId).toBeTruthy();
  }, 60_000);

  it('with 10 % injected 500s and bursts of 429s every row is refunded once', async () => {
    const ps = await Promise.all(Array.from({ length: 20 }, () => captured(5_000)));
    const batch = await uploadRefundBatch(
      as(uploader),
      file(['payment_transaction_id,amount_minor,currency,reason', ...ps.map((p) => `${p.id},2500,EUR,Faults test`)]),
      policy,
    );
    await approveRefundBatch(as(second), { batchId: batch.id, totals: { EUR: '500.00' } }, noQueue);
    // 10 % of requests answered 500 (half of them after the refund was made), and three bursts of eight 429s.
    await sandbox.control.setFaults({ error_rate: 0.1, rate_limit_burst: 8 });
    // And, whatever the dice say, two refunds made whose answer is a 500, and one 500 before the refund.
    await sandbox.control.addFaultRule({ operation: 'paymentTransactions.refund', fault: 'error-after', times: 2 });
    await sandbox.control.addFaultRule({ operation: 'paymentTransactions.refund', fault: 'error-before', times: 1 });
    let bursts = 1;
    const burst = setInterval(() => {
      if (bursts++ < 3) void sandbox.control.setFaults({ rate_limit_burst: 8 }).catch(() => {});
    }, 700);
    try {
      await runRefundBatch(as(null), batch.id, {
        concurrency: 4,
        sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 200))),
      });
    } finally {
      clearInterval(burst);
      await sandbox.control.setFaults({ error_rate: 0, rate_limit_burst: 0 });
    }
    const sent = await db()
      .select({ status: apiRequests.status })
      .from(apiRequests)
      .where(eq(apiRequests.operation, 'paymentTransactions.refund'));
    // The faults did happen.
    expect(sent.some((r) => r.status === 429)).toBe(true);
    expect(sent.filter((r) => r.status === 500).length).toBeGreaterThanOrEqual(3);
    for (const p of ps) expect(await refundsAtSandbox(p.id)).toEqual([2_500]);
    expect(await getRefundBatch(as(viewer), batch.id)).toMatchObject({
      status: 'done',
      rowsRefunded: 20,
      rowsDeclined: 0,
    });
  }, 120_000);

  /** A payment only in the cache (validation reads nothing else): state, currency and captured amount as given. */
  async function cached(id: string, state: string, currency: string, captured: number) {
    await db().insert(paymentTransactions).values({
      paymentTransactionId: id,
      accountId,
      state,
      currency,
      authorizedAmount: captured,
      capturedAmount: captured,
      refundedAmount: 0,
      remainingAuthorizedAmount: 0,
      klarnaCreatedAt: new Date(),
      klarnaUpdatedAt: new Date(),
    });
  }

  const verdictsOf = async (batchId: string) =>
    (await listRefundBatchRows(as(viewer), { batchId })).rows.map((r) => [r.lineNo, r.verdict, r.verdictReason]);

  it('a payment already in another open batch is refused naming that batch, per payment and per capture; a cancelled batch frees it', async () => {
    const p = await captured(10_000);
    const twice = await captured(6_000, 2);
    const header = 'payment_transaction_id,capture_id,amount_major,currency,reason';
    const first = await uploadRefundBatch(
      as(uploader),
      file([header, `${p.id},,25.00,EUR,First file`, `${twice.id},${twice.captureIds[0]},20.00,EUR,First file`]),
      policy,
    );
    expect(first.rowsWillRefund).toBe(2);
    await approveRefundBatch(as(uploader), { batchId: first.id, totals: { EUR: '45.00' } }, noQueue);
    const short = first.id.slice(0, 8);
    const other = await uploadRefundBatch(
      as(second),
      file([
        header,
        `${p.id},,80.00,EUR,Second file`,
        `${p.id},,75.00,EUR,Second file the rest`,
        `${twice.id},${twice.captureIds[0]},15.00,EUR,Second file`,
        `${twice.id},${twice.captureIds[1]},30.00,EUR,Other capture`,
      ]),
      policy,
    );
    expect(await verdictsOf(other.id)).toEqual([
      [
        2,
        'refused',
        `another batch (${short}, queued) already refunds 25.00 EUR of this payment; 75.00 EUR is left to refund`,
      ],
      [3, 'will_refund', null],
      [
        4,
        'refused',
        `another batch (${short}, queued) already refunds 20.00 EUR of capture ${twice.captureIds[0]}; 10.00 EUR is left to refund`,
      ],
      [5, 'will_refund', null],
    ]);
    // A third file sees both open batches, the second one still in dry run.
    const third = await uploadRefundBatch(as(uploader), file([header, `${p.id},,1.00,EUR,Third file`]), policy);
    expect(await verdictsOf(third.id)).toEqual([
      [
        2,
        'refused',
        `other batches (${short}, queued; ${other.id.slice(0, 8)}, in dry run) already refund 100.00 EUR of this payment; 0.00 EUR is left to refund`,
      ],
    ]);
    // Cancelled batches take nothing any more.
    await cancelRefundBatch(as(uploader), first.id, noQueue);
    await cancelRefundBatch(as(uploader), other.id, noQueue);
    const fourth = await uploadRefundBatch(as(uploader), file([header, `${p.id},,100.00,EUR,Fourth file`]), policy);
    expect(await verdictsOf(fourth.id)).toEqual([[2, 'will_refund', null]]);
  });

  it('two simultaneous uploads of one file make one batch; the other is told the file was seen', async () => {
    const p = await captured(1_000);
    const lines = ['payment_transaction_id,amount_minor,currency,reason', `${p.id},100,EUR,Uploaded twice at once`];
    const results = await Promise.allSettled([
      uploadRefundBatch(as(uploader), file(lines), policy),
      uploadRefundBatch(as(second), file(lines), policy),
    ]);
    const made = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(made).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(RefundFileSeenError);
    expect(refused[0]).toMatchObject({ code: 'file_seen_before', details: { batchId: made[0]!.id } });
  });

  it('an EXPIRED payment is refused: Klarna allows only a reauthorization', async () => {
    await cached('ptx-expired', 'EXPIRED', 'EUR', 1_000);
    const batch = await uploadRefundBatch(
      as(uploader),
      file(['payment_transaction_id,amount_minor,currency,reason', 'ptx-expired,100,EUR,Expired authorization']),
      policy,
    );
    expect(await verdictsOf(batch.id)).toEqual([
      [2, 'refused', 'the authorization expired: Klarna allows only a reauthorization, not a refund'],
    ]);
  });

  it('a batch in two currencies needs a second person, however small each total', async () => {
    await cached('ptx-small-eur', 'COMPLETED', 'EUR', 1_000);
    await cached('ptx-small-sek', 'COMPLETED', 'SEK', 1_000);
    const lines = [
      'payment_transaction_id,amount_major,currency,reason',
      'ptx-small-eur,5.00,EUR,Small refund',
      'ptx-small-sek,5.00,SEK,Small refund',
    ];
    const batch = await uploadRefundBatch(as(uploader), file(lines), policy);
    expect(batch).toMatchObject({ rowsWillRefund: 2, approvalRule: 'four_eyes' });
    await expect(
      approveRefundBatch(as(uploader), { batchId: batch.id, totals: { EUR: '5.00', SEK: '5.00' } }, noQueue),
    ).rejects.toThrow(/refunds in more than one currency: a second person, not the one who uploaded it/);
    expect(
      await approveRefundBatch(as(second), { batchId: batch.id, totals: { EUR: '5.00', SEK: '5.00' } }, noQueue),
    ).toMatchObject({ status: 'queued', approvalKind: 'four_eyes' });
    // One currency under the threshold: the uploader's typed total is enough.
    await cached('ptx-small-eur-2', 'COMPLETED', 'EUR', 1_000);
    const single = await uploadRefundBatch(
      as(uploader),
      file(['payment_transaction_id,amount_major,currency,reason', 'ptx-small-eur-2,5.00,EUR,Small refund']),
      policy,
    );
    expect(single.approvalRule).toBe('typed_total');
  });

  it('verdicts: more than a capture has left, a merchant reference of several payments, a merchant that is not the payment’s', async () => {
    const twice = await captured(6_000, 2);
    const shared = `order-shared-${crypto.randomUUID().slice(0, 8)}`;
    for (const id of ['ptx-shared-1', 'ptx-shared-2']) {
      await cached(id, 'COMPLETED', 'EUR', 1_000);
      await db()
        .update(paymentTransactions)
        .set({ merchantReference: shared })
        .where(eq(paymentTransactions.paymentTransactionId, id));
    }
    await db().insert(merchantAccounts).values({
      accountId: 'acc-other-shop',
      accountReference: 'M-OTHER',
      accountName: 'Other shop',
      state: 'OPERATIONAL',
    });
    const batch = await uploadRefundBatch(
      as(uploader),
      file([
        'payment_transaction_id,merchant,merchant_reference,capture_id,amount_major,currency,reason',
        `${twice.id},,,${twice.captureIds[0]},30.01,EUR,More than the capture`,
        `,M-REFUNDS,${shared},,1.00,EUR,Reference of two payments`,
        `${twice.id},M-OTHER,,${twice.captureIds[1]},1.00,EUR,Another merchant`,
      ]),
      policy,
    );
    expect(await verdictsOf(batch.id)).toEqual([
      [2, 'refused', `amount 30.01 EUR is more than capture ${twice.captureIds[0]} has left to refund (30.00 EUR)`],
      [
        3,
        'refused',
        `merchant_reference "${shared}": 2 payments of Refunds test shop have this reference; name the payment by its payment_transaction_id`,
      ],
      [4, 'refused', `merchant "M-OTHER" is not the payment's merchant (the payment belongs to account ${accountId})`],
    ]);
  });

  it('cancelling a batch whose run died settles its rows at Klarna (sending): refunded once, the rest skipped, still cancelled', async () => {
    const ps = await Promise.all([captured(1_000), captured(1_000), captured(1_000)]);
    const batch = await uploadRefundBatch(
      as(uploader),
      file(['payment_transaction_id,amount_minor,currency,reason', ...ps.map((p) => `${p.id},500,EUR,Run died`)]),
      policy,
    );
    await approveRefundBatch(as(uploader), { batchId: batch.id, totals: { EUR: '15' } }, noQueue);
    // The dead run had sent lines 2 and 3: Klarna made line 2's refund, its answer never written down; line 3's
    // request never arrived. Its lease ran out.
    const made = await refundPayment(
      as(uploader),
      { accountId, paymentTransactionId: ps[0]!.id },
      rowIntentId(batch.id, 2),
      { reason: 'Run died' },
      { amount: 500 },
    );
    expect(made.status).toBe('done');
    await db()
      .update(refundBatches)
      .set({ status: 'running', runId: crypto.randomUUID(), leaseUntil: new Date(Date.now() - 1_000) })
      .where(eq(refundBatches.id, batch.id));
    for (const lineNo of [2, 3])
      await db()
        .update(refundBatchRows)
        .set({ result: 'sending' })
        .where(and(eq(refundBatchRows.batchId, batch.id), eq(refundBatchRows.lineNo, lineNo)));
    const queued: string[] = [];
    const cancelled = await cancelRefundBatch(as(uploader), batch.id, { queue: async (id) => queued.push(id) });
    expect(cancelled).toMatchObject({ status: 'cancelled', rowsSkipped: 1 });
    expect(queued).toEqual([batch.id]);
    // Were that run lost too, the sweep queues the batch again until its rows are settled.
    const swept: string[] = [];
    await sweepRefundBatches(db(), async (id) => swept.push(id));
    expect(swept).toContain(batch.id);

    expect(await runRefundBatch(as(null), batch.id)).toEqual({ status: 'cancelled', sent: 2 });
    expect(await refundsAtSandbox(ps[0]!.id)).toEqual([500]);
    expect(await refundsAtSandbox(ps[1]!.id)).toEqual([500]);
    expect(await refundsAtSandbox(ps[2]!.id)).toEqual([]);
    const { rows } = await listRefundBatchRows(as(viewer), { batchId: batch.id });
    expect(rows.map((r) => [r.lineNo, r.result, Boolean(r.refundId)])).toEqual([
      [2, 'refunded', true],
      [3, 'refunded', true],
      [4, 'skipped', false],
    ]);
    expect(rows.map((r) => refundCsvRow(r, [])).join('')).not.toContain('sending');
    expect(await getRefundBatch(as(viewer), batch.id)).toMatchObject({
      status: 'cancelled',
      rowsRefunded: 2,
      rowsSkipped: 1,
      leaseUntil: null,
    });
    // Settled: nothing left to send, and nothing for the sweep.
    expect(await runRefundBatch(as(null), batch.id)).toMatchObject({ sent: 0 });
    swept.length = 0;
    await sweepRefundBatches(db(), async (id) => swept.push(id));
    expect(swept).not.toContain(batch.id);
  });

  it('a row whose answer Klarna lost is read back as made, and its refund id is kept', async () => {
    const p = await captured(3_000);
    const batch = await uploadRefundBatch(
      as(uploader),
      file(['payment_transaction_id,amount_minor,currency,reason', `${p.id},1300,EUR,Answer lost`]),
      policy,
    );
    await approveRefundBatch(as(uploader), { batchId: batch.id, totals: { EUR: '13' } }, noQueue);
    await sandbox.control.addFaultRule({
      operation: 'paymentTransactions.refund',
      path_contains: p.id,
      fault: 'error-after',
      times: DEFAULT_MAX_ATTEMPTS,
    });
    await runRefundBatch(as(null), batch.id, { sleep: () => new Promise((r) => setTimeout(r, 10)) });
    const at = await api.paymentTransactions.get(accountId, p.id);
    expect(at.refunds.map((r) => r.amount)).toEqual([1_300]);
    const { rows } = await listRefundBatchRows(as(viewer), { batchId: batch.id });
    expect(rows[0]).toMatchObject({ result: 'refunded', refundId: at.refunds[0]!.payment_refund_id });
    expect(rows[0]!.errorMessage).toMatch(/made/);
  }, 60_000);
});
