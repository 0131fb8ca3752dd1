import 'server-only';
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import {
  merchantAccounts,
  paymentTransactions,
  refundBatches,
  refundBatchRows,
  type PaymentTransactionRow,
  type RefundBatchRow,
} from '@/db/schema';
import { formatMinorUnits } from '@/lib/ui/money';
import type { RefundLine } from './parse';

/** Validation before anything moves (issue 17), against our copy of payments and Klarna's refund rules (seed 002):
 * a managed merchant's payment, its currency, a state that allows a refund, an amount within what is still
 * refundable (per capture when several), rows of one payment added in file order. Klarna still decides. */

export type Verdict =
  | { verdict: 'will_refund'; paymentTransactionId: string; accountId: string; captureId: string | null }
  | {
      verdict: 'refused';
      reason: string;
      paymentTransactionId: string | null;
      accountId: string | null;
      captureId: string | null;
    };

/** States in which Klarna takes a refund (seed 002 l. 3054–3058: EXPIRED allows only a reauthorization, CLOSED nothing). */
const refundableStates = new Set(['AUTHORIZED', 'COMPLETED']);

/** A row of another open batch that will still refund: what it takes is not free for this file. */
type OtherBatchRow = {
  batchId: string;
  status: RefundBatchRow['status'];
  captureId: string | null;
  amount: number;
};

const statusWords: Record<RefundBatchRow['status'], string> = {
  dry_run: 'in dry run',
  queued: 'queued',
  running: 'running',
  done: 'done',
  cancelled: 'cancelled',
};

/** Rows of batches in dry run, queued or running that will refund and are not finished, per payment. */
async function loadOtherBatchRows(db: Db, paymentIds: string[]): Promise<Map<string, OtherBatchRow[]>> {
  const out = new Map<string, OtherBatchRow[]>();
  for (const part of chunks(paymentIds)) {
    const rows = await db
      .select({
        paymentTransactionId: refundBatchRows.paymentTransactionId,
        batchId: refundBatchRows.batchId,
        status: refundBatches.status,
        captureId: refundBatchRows.captureId,
        amount: refundBatchRows.amount,
      })
      .from(refundBatchRows)
      .innerJoin(refundBatches, eq(refundBatches.id, refundBatchRows.batchId))
      .where(
        and(
          inArray(refundBatchRows.paymentTransactionId, part),
          eq(refundBatchRows.verdict, 'will_refund'),
          inArray(refundBatchRows.result, ['pending', 'sending']),
          inArray(refundBatches.status, ['dry_run', 'queued', 'running']),
        ),
      )
      // Older batches named first.
      .orderBy(asc(refundBatches.createdAt), asc(refundBatchRows.batchId), asc(refundBatchRows.lineNo));
    for (const r of rows) {
      if (!r.paymentTransactionId || r.amount === null) continue;
      const list = out.get(r.paymentTransactionId) ?? [];
      list.push({ batchId: r.batchId, status: r.status, captureId: r.captureId, amount: r.amount });
      out.set(r.paymentTransactionId, list);
    }
  }
  return out;
}

/** "another batch (1a2b3c4d, in dry run) already refunds 25.00 EUR", or several batches named with their sum. */
function otherBatchesPhrase(rows: OtherBatchRow[], money: (n: number) => string, what: string): string {
  const batches = new Map<string, RefundBatchRow['status']>();
  for (const r of rows) batches.set(r.batchId, r.status);
  const named = [...batches].map(([id, status]) => `${id.slice(0, 8)}, ${statusWords[status]}`);
  const sum = rows.reduce((n, r) => n + r.amount, 0);
  return named.length === 1
    ? `another batch (${named[0]}) already refunds ${money(sum)} of ${what}`
    : `other batches (${named.join('; ')}) already refund ${money(sum)} of ${what}`;
}

const capturesOf = z
  .object({
    captures: z
      .array(z.object({ payment_capture_id: z.string(), amount: z.number(), refunded_amount: z.number() }).loose())
      .nullish(),
  })
  .loose();

const CHUNK = 1000;
function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

type Merchant = { accountId: string; accountReference: string; accountName: string };

async function loadMerchants(db: Db, keys: string[]): Promise<Merchant[]> {
  const out: Merchant[] = [];
  for (const part of chunks([...new Set(keys)])) {
    out.push(
      ...(await db
        .select({
          accountId: merchantAccounts.accountId,
          accountReference: merchantAccounts.accountReference,
          accountName: merchantAccounts.accountName,
        })
        .from(merchantAccounts)
        .where(or(inArray(merchantAccounts.accountId, part), inArray(merchantAccounts.accountReference, part)))),
    );
  }
  return out;
}

/** Each line's verdict, in file order; a line already refused by the parser keeps its reason. */
export async function validateRefundLines(db: Db, lines: RefundLine[]): Promise<Verdict[]> {
  const readable = lines.filter((l) => !l.problem);
  const ids = [...new Set(readable.flatMap((l) => (l.paymentTransactionId ? [l.paymentTransactionId] : [])))];
  const byId = new Map<string, PaymentTransactionRow>();
  for (const part of chunks(ids)) {
    for (const row of await db
      .select()
      .from(paymentTransactions)
      .where(inArray(paymentTransactions.paymentTransactionId, part)))
      byId.set(row.paymentTransactionId, row);
  }
  const byReference = readable.filter((l) => !l.paymentTransactionId);
  const named = await loadMerchants(
    db,
    readable.flatMap((l) => (l.merchant ? [l.merchant] : [])),
  );
  const merchantByKey = new Map<string, Merchant>();
  for (const m of named) {
    merchantByKey.set(m.accountId, m);
    if (!merchantByKey.has(m.accountReference)) merchantByKey.set(m.accountReference, m);
  }
  const byAccountRef = new Map<string, PaymentTransactionRow[]>();
  for (const part of chunks([...new Set(byReference.map((l) => l.merchantReference!))])) {
    for (const row of await db
      .select()
      .from(paymentTransactions)
      .where(inArray(paymentTransactions.merchantReference, part))) {
      const key = `${row.accountId}\u0000${row.merchantReference}`;
      byAccountRef.set(key, [...(byAccountRef.get(key) ?? []), row]);
      byId.set(row.paymentTransactionId, row);
    }
  }
  // The merchants of every payment found: a payment of an account we do not manage is refused.
  const managed = new Set(
    (await loadMerchants(db, [...new Set([...byId.values()].map((p) => p.accountId))])).map((m) => m.accountId),
  );
  // What other open batches will still refund of these payments: one payment is never refunded by two files.
  const otherBatches = await loadOtherBatchRows(db, [...byId.keys()]);

  // What earlier rows of this file take, per payment and per capture.
  const takenPayment = new Map<string, number>();
  const takenCapture = new Map<string, number>();
  const capturesCache = new Map<string, { id: string; amount: number; refunded: number }[]>();
  const capturesFor = (p: PaymentTransactionRow) => {
    let found = capturesCache.get(p.paymentTransactionId);
    if (!found) {
      found = (capturesOf.safeParse(p.klarna ?? {}).data?.captures ?? []).map((c) => ({
        id: c.payment_capture_id,
        amount: c.amount,
        refunded: c.refunded_amount,
      }));
      capturesCache.set(p.paymentTransactionId, found);
    }
    return found;
  };

  return lines.map((line): Verdict => {
    const refused = (reason: string, p?: PaymentTransactionRow): Verdict => ({
      verdict: 'refused',
      reason,
      paymentTransactionId: p?.paymentTransactionId ?? line.paymentTransactionId,
      accountId: p?.accountId ?? null,
      captureId: line.captureId,
    });
    if (line.problem) return refused(line.problem.reason);
    let payment: PaymentTransactionRow | undefined;
    const merchant = line.merchant ? merchantByKey.get(line.merchant) : undefined;
    if (line.merchant && !merchant)
      return refused(
        `merchant "${line.merchant}" is not a merchant this dashboard manages (neither an account id nor a reference)`,
      );
    if (line.paymentTransactionId) {
      payment = byId.get(line.paymentTransactionId);
      if (!payment)
        return refused(
          `payment_transaction_id "${line.paymentTransactionId}": no such payment in the dashboard (if it is new, refresh it from Klarna first)`,
        );
      if (merchant && merchant.accountId !== payment.accountId)
        return refused(
          `merchant "${line.merchant}" is not the payment's merchant (the payment belongs to account ${payment.accountId})`,
          payment,
        );
    } else {
      const found = byAccountRef.get(`${merchant!.accountId}\u0000${line.merchantReference}`) ?? [];
      if (found.length === 0)
        return refused(
          `merchant_reference "${line.merchantReference}": no payment of ${merchant!.accountName} has this reference in the dashboard`,
        );
      if (found.length > 1)
        return refused(
          `merchant_reference "${line.merchantReference}": ${found.length} payments of ${merchant!.accountName} have this reference; name the payment by its payment_transaction_id`,
        );
      payment = found[0]!;
    }
    if (!managed.has(payment.accountId))
      return refused(
        `the payment belongs to account ${payment.accountId}, which is not a merchant this dashboard manages`,
        payment,
      );
    if (line.currency !== payment.currency)
      return refused(`currency is ${line.currency} but the payment is in ${payment.currency}`, payment);
    if (!refundableStates.has(payment.state))
      return refused(
        payment.state === 'CLOSED'
          ? 'the payment is CLOSED: Klarna allows no further operations on it, refunds included'
          : payment.state === 'EXPIRED'
            ? 'the authorization expired: Klarna allows only a reauthorization, not a refund'
            : `the payment is ${payment.state}, a state in which a refund is not known to be allowed`,
        payment,
      );
    const amount = line.amount!;
    const money = (n: number) => formatMinorUnits(n, payment.currency);
    const open = payment.capturedAmount - payment.refundedAmount;
    if (payment.capturedAmount === 0)
      return refused('nothing was captured on this payment, so nothing can be refunded', payment);
    const earlier = takenPayment.get(payment.paymentTransactionId) ?? 0;
    const others = otherBatches.get(payment.paymentTransactionId) ?? [];
    const othersTake = others.reduce((n, r) => n + r.amount, 0);
    const ofFile = (n: number) => (n ? `, and earlier rows of this file take ${money(n)}` : '');
    const captures = capturesFor(payment);
    let captureKey: string | null = null;
    let captureLeft = Infinity;
    if (line.captureId) {
      const capture = captures.find((c) => c.id === line.captureId);
      if (!capture) return refused(`capture_id "${line.captureId}" is not a capture of this payment`, payment);
      captureKey = `${payment.paymentTransactionId}/${capture.id}`;
      const earlierCapture = takenCapture.get(captureKey) ?? 0;
      // A row of another batch without capture_id refunds the payment's only capture.
      const othersOfCapture = others.filter(
        (r) => r.captureId === capture.id || (r.captureId === null && captures.length === 1),
      );
      const othersTakeCapture = othersOfCapture.reduce((n, r) => n + r.amount, 0);
      captureLeft = capture.amount - capture.refunded - earlierCapture - othersTakeCapture;
      if (amount > captureLeft && othersTakeCapture > 0)
        return refused(
          `${otherBatchesPhrase(othersOfCapture, money, `capture ${capture.id}`)}${ofFile(earlierCapture)}; ${money(Math.max(0, captureLeft))} is left to refund`,
          payment,
        );
      if (amount > captureLeft)
        return refused(
          `amount ${money(amount)} is more than capture ${capture.id} has left to refund (${money(capture.amount - capture.refunded)}${earlierCapture ? `, of which earlier rows of this file take ${money(earlierCapture)}` : ''})`,
          payment,
        );
    } else if (captures.length > 1) {
      return refused(
        `the payment was captured ${captures.length} times: name the capture in capture_id (Klarna refunds a payment captured more than once only per capture)`,
        payment,
      );
    }
    if (amount > open - earlier - othersTake && othersTake > 0)
      return refused(
        `${otherBatchesPhrase(others, money, 'this payment')}${ofFile(earlier)}; ${money(Math.max(0, open - earlier - othersTake))} is left to refund`,
        payment,
      );
    if (amount > open - earlier)
      return refused(
        `amount ${money(amount)} is more than the payment has left to refund (${money(open)}${earlier ? `, of which earlier rows of this file take ${money(earlier)}` : ''})`,
        payment,
      );
    takenPayment.set(payment.paymentTransactionId, earlier + amount);
    if (captureKey) takenCapture.set(captureKey, (takenCapture.get(captureKey) ?? 0) + amount);
    return {
      verdict: 'will_refund',
      paymentTransactionId: payment.paymentTransactionId,
      accountId: payment.accountId,
      captureId: line.captureId,
    };
  });
}
