import 'server-only';
import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { refundBatches, refundBatchRows, users, type RefundBatchRowRow } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/guard';
import type { ServiceContext } from '@/lib/context';
import { AppError, KlarnaRefusedError } from '@/lib/errors';
import { idempotencyKey } from '@/lib/klarna/idempotency';
import { refundPayment } from '@/lib/payments/service';

/** An approved batch's run (a pg-boss job). A row's intent id derives from (batch, line), so a crash, restart or
 * second worker makes Klarna replay, never refund twice. Rows go through refundPayment as the approver. */

/** A run holds its batch this long past its last sign of life; it renews every CHECK_MS. */
export const LEASE_SECONDS = 60;
const CHECK_MS = 250;
const COUNT_MS = 500;

/** The batch's counters, recounted from its rows twice a second by the run rather than by every row, so rows
 * never queue on the batch's one record, and a run that dies leaves nothing to correct. */
export async function syncRefundBatchCounters(db: Db, batchId: string): Promise<void> {
  const counted = await db
    .select({
      result: refundBatchRows.result,
      currency: refundBatchRows.currency,
      rows: sql<number>`count(*)::int`,
      amount: sql<string>`coalesce(sum(${refundBatchRows.amount}), 0)::text`,
    })
    .from(refundBatchRows)
    .where(
      and(eq(refundBatchRows.batchId, batchId), inArray(refundBatchRows.result, ['refunded', 'declined', 'skipped'])),
    )
    .groupBy(refundBatchRows.result, refundBatchRows.currency);
  const of = (result: string) => counted.filter((c) => c.result === result).reduce((n, c) => n + c.rows, 0);
  const [batch] = await db
    .select({ totals: refundBatches.totals })
    .from(refundBatches)
    .where(eq(refundBatches.id, batchId))
    .limit(1);
  if (!batch) return;
  const totals = batch.totals.map((t) => {
    const refunded = counted.find((c) => c.result === 'refunded' && c.currency === t.currency);
    return { ...t, refundedRows: refunded?.rows ?? 0, refunded: Number(refunded?.amount ?? 0) };
  });
  await db
    .update(refundBatches)
    .set({
      rowsRefunded: of('refunded'),
      rowsDeclined: of('declined'),
      rowsSkipped: of('skipped'),
      totals,
      updatedAt: new Date(),
    })
    .where(eq(refundBatches.id, batchId));
}

export function rowIntentId(batchId: string, lineNo: number): string {
  return idempotencyKey({ operation: 'refunds.batchRow', target: batchId, nonce: String(lineNo) });
}

export type RunOptions = {
  /** Rows at Klarna at once; the rate limiter paces them. */
  concurrency?: number;
  /** Stops taking rows (a worker shutting down); rows in flight finish. */
  signal?: AbortSignal;
  /** Tries per row when Klarna is out of reach or keeps answering 429 before the run gives up (the job retries). */
  transientTries?: number;
  sleep?: (ms: number) => Promise<void>;
};

/** Klarna out of reach, 429s past the client's retries, an earlier unknown outcome: try the row again later. */
function transient(error: unknown): boolean {
  if (!(error instanceof AppError)) return false;
  return (
    error.kind === 'rate_limited' ||
    error.kind === 'unavailable' ||
    error.kind === 'outcome_unknown' ||
    error.code === 'EARLIER_OUTCOME'
  );
}

type Finish =
  | { result: 'refunded'; refundId: string | null; note?: string }
  | { result: 'declined'; code: string; message: string; klarnaErrorId: string | null };

async function approverOf(ctx: ServiceContext, userId: string | null): Promise<Actor | null> {
  if (!userId) return null;
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, totpEnabled: Boolean(user.totpSecret) };
}

export async function runRefundBatch(
  ctx: ServiceContext,
  batchId: string,
  options: RunOptions = {},
): Promise<{ status: string; sent: number }> {
  const concurrency = options.concurrency ?? 32;
  const tries = options.transientTries ?? 6;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const runId = globalThis.crypto.randomUUID();
  // One run per batch: the lease is taken only when free or expired (its run died), and renewed while running.
  const [running] = await ctx.db
    .update(refundBatches)
    .set({
      status: 'running',
      runId,
      leaseUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
      startedAt: sql`coalesce(${refundBatches.startedAt}, now())`,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(refundBatches.id, batchId),
        inArray(refundBatches.status, ['queued', 'running']),
        or(isNull(refundBatches.leaseUntil), lt(refundBatches.leaseUntil, sql`now()`)),
      ),
    )
    .returning();
  // A cancelled batch whose run died with rows at Klarna (`sending`): only those rows are settled, under their keys,
  // and the batch stays cancelled; its pending rows were skipped by the cancel and are never sent.
  const [settling] = running
    ? []
    : await ctx.db
        .update(refundBatches)
        .set({ runId, leaseUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})` })
        .where(
          and(
            eq(refundBatches.id, batchId),
            eq(refundBatches.status, 'cancelled'),
            or(isNull(refundBatches.leaseUntil), lt(refundBatches.leaseUntil, sql`now()`)),
          ),
        )
        .returning();
  const claimed = running ?? settling;
  if (!claimed) {
    const [batch] = await ctx.db.select().from(refundBatches).where(eq(refundBatches.id, batchId)).limit(1);
    return { status: batch?.status === 'running' ? 'held' : (batch?.status ?? 'missing'), sent: 0 };
  }
  const holdsAs = settling ? 'cancelled' : 'running';
  const openResults: ('pending' | 'sending')[] = settling ? ['sending'] : ['pending', 'sending'];
  const approver = await approverOf(ctx, claimed.approvedBy);
  const as = approver ? { ...ctx, actor: approver } : null;

  let cancelled = false;
  // Set when a row's failure ends the run (Klarna out of reach, the database down): the other workers stop taking rows.
  let failed: unknown = null;
  let lastCheck = Date.now();
  let lastCount = Date.now();
  const stillRunning = async () => {
    if (cancelled || failed || options.signal?.aborted) return false;
    if (Date.now() - lastCheck < CHECK_MS) return true;
    lastCheck = Date.now();
    // Renews the lease and reads a cancel in one statement; a lease taken over means another run has the batch.
    const [b] = await ctx.db
      .update(refundBatches)
      .set({ leaseUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})` })
      .where(and(eq(refundBatches.id, batchId), eq(refundBatches.runId, runId), eq(refundBatches.status, holdsAs)))
      .returning({ status: refundBatches.status });
    cancelled = !b;
    if (Date.now() - lastCount >= COUNT_MS) {
      lastCount = Date.now();
      await syncRefundBatchCounters(ctx.db, batchId);
    }
    return !cancelled;
  };

  const finish = async (row: RefundBatchRowRow, outcome: Finish) => {
    await ctx.db
      .update(refundBatchRows)
      .set({
        result: outcome.result,
        refundId: outcome.result === 'refunded' ? outcome.refundId : null,
        errorCode: outcome.result === 'declined' ? outcome.code : null,
        errorMessage: outcome.result === 'declined' ? outcome.message : (outcome.note ?? null),
        klarnaErrorId: outcome.result === 'declined' ? outcome.klarnaErrorId : null,
        finishedAt: new Date(),
      })
      .where(
        and(
          eq(refundBatchRows.batchId, batchId),
          eq(refundBatchRows.lineNo, row.lineNo),
          eq(refundBatchRows.result, 'sending'),
        ),
      );
  };

  const send = async (row: RefundBatchRowRow): Promise<Finish> => {
    if (!as)
      return {
        result: 'declined',
        code: 'APPROVER_GONE',
        message: 'The person who approved this batch no longer has an active account, so nothing was sent.',
        klarnaErrorId: null,
      };
    const target = { accountId: row.accountId!, paymentTransactionId: row.paymentTransactionId! };
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await refundPayment(
          as,
          target,
          rowIntentId(batchId, row.lineNo),
          { captureId: row.captureId ?? undefined, reason: row.reason! },
          { amount: row.amount!, ...(row.refundReference ? { refund_reference: row.refundReference } : {}) },
        );
        if (outcome.status === 'done') return { result: 'refunded', refundId: outcome.result.refund.payment_refund_id };
        // Found made by reading the payment back: the read names the refund (the one new since the first attempt).
        if (outcome.made) return { result: 'refunded', refundId: outcome.operationId, note: outcome.message };
        // Klarna failed before refunding (read back: not made): tried again later under a new key, then given up.
        if (attempt < tries && !options.signal?.aborted) {
          await sleep(Math.min(30_000, 500 * 2 ** attempt));
          continue;
        }
        return { result: 'declined', code: 'NOT_MADE', message: outcome.message, klarnaErrorId: null };
      } catch (error) {
        // Klarna saying "too many" is never a row's failure: it waits its turn (the client already backed off).
        if (error instanceof AppError && error.kind === 'rate_limited' && !options.signal?.aborted) {
          attempt = Math.min(attempt, 4);
          await sleep(Math.min(30_000, 500 * 2 ** attempt));
          continue;
        }
        if (transient(error) && attempt < tries) {
          await sleep(Math.min(30_000, 500 * 2 ** attempt));
          continue;
        }
        if (transient(error)) throw error; // the row stays `sending`; the job's retry resumes it under the same key
        if (error instanceof KlarnaRefusedError)
          return {
            result: 'declined',
            code: error.klarnaErrorCode ?? error.code,
            message: error.message,
            klarnaErrorId: error.klarnaErrorId,
          };
        if (error instanceof AppError)
          return { result: 'declined', code: error.code, message: error.message, klarnaErrorId: null };
        throw error;
      }
    }
  };

  let sent = 0;
  // Rows left `sending` by a run that died come first: they are resent under their key (Klarna replays).
  for (;;) {
    if (!(await stillRunning())) break;
    const open = await ctx.db
      .select()
      .from(refundBatchRows)
      .where(
        and(
          eq(refundBatchRows.batchId, batchId),
          eq(refundBatchRows.verdict, 'will_refund'),
          inArray(refundBatchRows.result, openResults),
        ),
      )
      .orderBy(asc(refundBatchRows.lineNo))
      .limit(Math.max(200, concurrency * 8));
    if (open.length === 0) break;
    let next = 0;
    const worker = async () => {
      while (next < open.length) {
        const row = open[next++]!;
        if (!(await stillRunning())) return;
        const [taken] = await ctx.db
          .update(refundBatchRows)
          .set({ result: 'sending' })
          .where(
            and(
              eq(refundBatchRows.batchId, batchId),
              eq(refundBatchRows.lineNo, row.lineNo),
              inArray(refundBatchRows.result, openResults),
            ),
          )
          .returning();
        if (!taken) continue; // cancelled (skipped) meanwhile
        sent++;
        try {
          await finish(taken, await send(taken));
        } catch (error) {
          failed ??= error;
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, open.length) }, worker));
    if (failed) break;
  }
  if (failed) {
    // The rows still `sending` are resent under their keys by the job's retry, which need not wait for the lease.
    await syncRefundBatchCounters(ctx.db, batchId).catch(() => undefined);
    await ctx.db
      .update(refundBatches)
      .set({ leaseUntil: null })
      .where(and(eq(refundBatches.id, batchId), eq(refundBatches.runId, runId)))
      .catch(() => undefined);
    throw failed;
  }
  await syncRefundBatchCounters(ctx.db, batchId);
  if (options.signal?.aborted && !cancelled)
    // Handed back at once (a worker shutting down): the next run need not wait for the lease to expire.
    await ctx.db
      .update(refundBatches)
      .set({ leaseUntil: null })
      .where(and(eq(refundBatches.id, batchId), eq(refundBatches.runId, runId)));
  if (settling) {
    await ctx.db
      .update(refundBatches)
      .set({ leaseUntil: null, updatedAt: new Date() })
      .where(and(eq(refundBatches.id, batchId), eq(refundBatches.runId, runId)));
    return { status: 'cancelled', sent };
  }
  if (cancelled || options.signal?.aborted) return { status: cancelled ? 'stopped' : 'running', sent };
  const [ended] = await ctx.db
    .update(refundBatches)
    .set({ status: 'done', leaseUntil: null, finishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(refundBatches.id, batchId), eq(refundBatches.status, 'running'), eq(refundBatches.runId, runId)))
    .returning();
  if (ended)
    await recordAudit(ctx.db, {
      actor: 'system',
      action: 'refunds.finish',
      target: { type: 'refund_batch', id: batchId },
      details: {
        refunded: ended.rowsRefunded,
        declined: ended.rowsDeclined,
        skipped: ended.rowsSkipped,
        approved_by: ended.approvedByEmail,
      },
      requestId: ctx.requestId,
    });
  return { status: ended?.status ?? 'cancelled', sent };
}
