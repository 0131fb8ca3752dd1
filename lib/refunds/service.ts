import 'server-only';
import { and, asc, desc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  refundBatches,
  refundBatchRows,
  type RefundBatchRow,
  type RefundBatchRowRow,
  type RefundBatchTotals,
} from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { assertCan, type Actor } from '@/lib/auth/guard';
import type { ServiceContext } from '@/lib/context';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '@/lib/errors';
import { descNullsLast, pageOf } from '@/lib/pagination';
import { env } from '@/lib/env';
import { parseInput } from '@/lib/parse-input';
import { currencyExponent, formatMinorUnits, parseMajorAmount } from '@/lib/ui/money';
import { queueRefundRun } from './jobs';
import { parseRefundFile } from './parse';
import { validateRefundLines } from './validate';

export { refundTemplateCsv, RefundFileError } from './parse';

/** Mass refunds from a CSV file (issue 17): upload → validation (dry run, nothing sent) → approval (a second
 * person above the four-eyes threshold, else the total typed) → a job refunds the rows (lib/refunds/run.ts). */

export type RefundPolicy = {
  /** Major units: a batch refunding more than this in any one currency (or in several currencies) needs a second person. */
  fourEyesAbove: number;
};

/** The policy from the environment (REFUND_FOUR_EYES_ABOVE, checked at start by lib/env.ts). */
function defaultPolicy(): RefundPolicy {
  return { fourEyesAbove: env().REFUND_FOUR_EYES_ABOVE };
}

const INSERT_CHUNK = 1000;

export type UploadedRefundFile = {
  fileName: string;
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
};

/** The same file uploaded again: the earlier batch is named, so nobody refunds a file twice. */
export class RefundFileSeenError extends AppError {
  override name = 'RefundFileSeenError';
  constructor(batch: RefundBatchRow) {
    super(
      'conflict',
      'file_seen_before',
      `This file was uploaded before, by ${batch.uploadedByEmail} at ${batch.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC (batch ${batch.id.slice(0, 8)}, ${batch.status.replace('_', ' ')}). Open that batch instead; a new file needs at least one change.`,
      { details: { batchId: batch.id } },
    );
  }
}

/** Reads, validates and stores an uploaded file as a batch in dry run: nothing is sent to Klarna. */
export async function uploadRefundBatch(
  ctx: ServiceContext,
  file: UploadedRefundFile,
  policy: RefundPolicy = defaultPolicy(),
): Promise<RefundBatchRow> {
  assertCan(ctx.actor, 'refunds.run');
  const actor = ctx.actor;
  const parsed = await parseRefundFile(file.bytes);
  const [seen] = await ctx.db
    .select()
    .from(refundBatches)
    .where(eq(refundBatches.sha256, parsed.sha256))
    .orderBy(desc(refundBatches.createdAt))
    .limit(1);
  if (seen) throw new RefundFileSeenError(seen);
  const verdicts = await validateRefundLines(ctx.db, parsed.lines);
  const totals = new Map<string, RefundBatchTotals>();
  let willRefund = 0;
  parsed.lines.forEach((line, i) => {
    if (verdicts[i]!.verdict !== 'will_refund') return;
    willRefund++;
    const t = totals.get(line.currency!) ?? {
      currency: line.currency!,
      rows: 0,
      amount: 0,
      refundedRows: 0,
      refunded: 0,
    };
    t.rows++;
    t.amount += line.amount!;
    totals.set(line.currency!, t);
  });
  const totalList = [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  const fourEyes = needsFourEyes(totalList, policy);
  try {
    return await insertBatch({ ...ctx, actor }, file, parsed, verdicts, totalList, willRefund, fourEyes);
  } catch (error) {
    // Two uploads of one file at once: the unique index lets one in; the other is told which batch has it.
    if (!isUniqueViolation(error)) throw error;
    const [first] = await ctx.db.select().from(refundBatches).where(eq(refundBatches.sha256, parsed.sha256)).limit(1);
    if (!first) throw error;
    throw new RefundFileSeenError(first);
  }
}

/** Postgres and PGlite both report a unique violation as SQLSTATE 23505, wrapped by drizzle as the error's cause. */
function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

/**
 * A second person approves above the threshold in any one currency, and always when the batch refunds in more
 * than one currency: totals in different currencies cannot be added, so splitting a file by currency must not
 * keep each part under the threshold (docs/klarna-decisions.md, "Mass refunds").
 */
export function needsFourEyes(totals: Pick<RefundBatchTotals, 'currency' | 'amount'>[], policy: RefundPolicy): boolean {
  if (totals.length > 1) return true;
  return totals.some((t) => t.amount > policy.fourEyesAbove * 10 ** currencyExponent(t.currency));
}

async function insertBatch(
  ctx: ServiceContext & { actor: Actor },
  file: UploadedRefundFile,
  parsed: Awaited<ReturnType<typeof parseRefundFile>>,
  verdicts: Awaited<ReturnType<typeof validateRefundLines>>,
  totalList: RefundBatchTotals[],
  willRefund: number,
  fourEyes: boolean,
): Promise<RefundBatchRow> {
  const actor = ctx.actor;
  return ctx.db.transaction(async (tx) => {
    const [batch] = await tx
      .insert(refundBatches)
      .values({
        fileName: file.fileName.slice(0, 255) || 'refunds.csv',
        sha256: parsed.sha256,
        sizeBytes: parsed.sizeBytes,
        columns: parsed.header.columns,
        amountUnit: parsed.header.amountUnit,
        status: 'dry_run',
        approvalRule: fourEyes ? 'four_eyes' : 'typed_total',
        uploadedBy: actor.id,
        uploadedByEmail: actor.email,
        rowsTotal: parsed.lines.length,
        rowsWillRefund: willRefund,
        rowsRefused: parsed.lines.length - willRefund,
        totals: totalList,
      })
      .returning();
    const rows = parsed.lines.map((line, i) => {
      const v = verdicts[i]!;
      return {
        batchId: batch!.id,
        lineNo: line.lineNo,
        input: line.input,
        paymentTransactionId: v.paymentTransactionId,
        accountId: v.accountId,
        captureId: v.captureId,
        amount: line.amount,
        currency: line.currency,
        reason: line.reason,
        refundReference: line.refundReference,
        verdict: v.verdict,
        verdictReason: v.verdict === 'refused' ? v.reason : null,
      };
    });
    for (let i = 0; i < rows.length; i += INSERT_CHUNK)
      await tx.insert(refundBatchRows).values(rows.slice(i, i + INSERT_CHUNK));
    await recordAudit(tx, {
      actor,
      action: 'refunds.upload',
      target: { type: 'refund_batch', id: batch!.id },
      details: {
        file_name: batch!.fileName,
        sha256: parsed.sha256,
        rows: parsed.lines.length,
        will_refund: willRefund,
        refused: parsed.lines.length - willRefund,
        totals: totalList.map((t) => formatMinorUnits(t.amount, t.currency)),
        approval_rule: batch!.approvalRule,
      },
      requestId: ctx.requestId,
    });
    return batch!;
  });
}

const batchIdSchema = z.uuid('not a batch id');

export async function getRefundBatch(ctx: ServiceContext, batchId: string): Promise<RefundBatchRow> {
  assertCan(ctx.actor, 'dashboard.read');
  const id = batchIdSchema.safeParse(batchId);
  const [batch] = id.success
    ? await ctx.db.select().from(refundBatches).where(eq(refundBatches.id, id.data)).limit(1)
    : [];
  if (!batch) throw new NotFoundError('No such refund batch.');
  return batch;
}

export const listBatchesSchema = z.object({
  /** `createdAt ISO|id` of the last batch of the previous page. */
  cursor: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});

/** Batch history, newest first (keyset on the created index). */
export async function listRefundBatches(
  ctx: ServiceContext,
  input: z.input<typeof listBatchesSchema> = {},
): Promise<{ rows: RefundBatchRow[]; nextCursor: string | null }> {
  assertCan(ctx.actor, 'dashboard.read');
  const { cursor, limit } = parseInput(listBatchesSchema, input);
  const [at, id] = cursor?.split('|') ?? [];
  const after =
    at && id && !Number.isNaN(Date.parse(at)) && batchIdSchema.safeParse(id).success
      ? or(
          lt(refundBatches.createdAt, new Date(at)),
          and(eq(refundBatches.createdAt, new Date(at)), lt(refundBatches.id, id)),
        )
      : undefined;
  const rows = await ctx.db
    .select()
    .from(refundBatches)
    .where(after)
    // As the index is built (DESC NULLS LAST): drizzle's desc() would read the table and sort.
    .orderBy(descNullsLast(refundBatches.createdAt), descNullsLast(refundBatches.id))
    .limit(limit + 1);
  return pageOf(rows, limit, (last) => `${last.createdAt.toISOString()}|${last.id}`);
}

export const rowFilters = ['all', 'will_refund', 'refused', 'refunded', 'declined', 'skipped', 'open'] as const;
export const listRowsSchema = z.object({
  batchId: batchIdSchema,
  filter: z.enum(rowFilters).default('all'),
  afterLine: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(5000).default(200),
});

export async function listRefundBatchRows(
  ctx: ServiceContext,
  input: z.input<typeof listRowsSchema>,
): Promise<{ rows: RefundBatchRowRow[]; nextAfterLine: number | null }> {
  assertCan(ctx.actor, 'dashboard.read');
  const { batchId, filter, afterLine, limit } = parseInput(listRowsSchema, input);
  const r = refundBatchRows;
  const which =
    filter === 'all'
      ? undefined
      : filter === 'will_refund' || filter === 'refused'
        ? eq(r.verdict, filter)
        : filter === 'open'
          ? and(eq(r.verdict, 'will_refund'), inArray(r.result, ['pending', 'sending']))
          : eq(r.result, filter);
  const rows = await ctx.db
    .select()
    .from(r)
    .where(and(eq(r.batchId, batchId), gt(r.lineNo, afterLine), which))
    .orderBy(asc(r.lineNo))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { rows: page, nextAfterLine: rows.length > limit ? page.at(-1)!.lineNo : null };
}

export const approveBatchSchema = z.object({
  batchId: batchIdSchema,
  /** The total of each currency as the person approving read or typed it (major units). */
  totals: z.record(z.string().regex(/^[A-Z]{3}$/), z.string().max(40)),
});

/** What a total must be typed as: the major-unit decimal, `1234.50`. */
function typedMatches(typed: string, amount: number, currency: string): boolean {
  const parsed = parseMajorAmount(typed.replace(new RegExp(`\\s*${currency}\\s*$`, 'i'), ''), currency);
  return parsed.ok && parsed.minor === amount;
}

/**
 * Lets a batch in dry run go: above the threshold a second person (not the uploader) approves, below it
 * the uploader (or another operator) confirms by typing the total of each currency. `queue` starts the run.
 */
export async function approveRefundBatch(
  ctx: ServiceContext,
  input: z.input<typeof approveBatchSchema>,
  deps: { queue: (batchId: string) => Promise<unknown> } = { queue: queueRefundRun },
): Promise<RefundBatchRow> {
  assertCan(ctx.actor, 'refunds.run');
  const actor: Actor = ctx.actor;
  const { batchId, totals } = parseInput(approveBatchSchema, input);
  const batch = await getRefundBatch(ctx, batchId);
  if (batch.status !== 'dry_run')
    throw new ConflictError(`This batch was already ${batch.status === 'cancelled' ? 'cancelled' : 'approved'}.`);
  if (batch.rowsWillRefund === 0) throw new ConflictError('No row of this batch will refund: there is nothing to run.');
  if (batch.approvalRule === 'four_eyes') {
    assertCan(actor, 'refunds.approve');
    if (batch.uploadedBy === actor.id)
      throw new ForbiddenError(
        `This batch ${batch.totals.length > 1 ? 'refunds in more than one currency' : 'is above the four-eyes threshold'}: a second person, not the one who uploaded it, must approve it.`,
      );
  }
  const fields: Record<string, string[]> = {};
  for (const t of batch.totals) {
    const typed = totals[t.currency];
    if (typed === undefined || !typedMatches(typed, t.amount, t.currency))
      fields[`totals.${t.currency}`] = [
        `Type the ${t.currency} total exactly: ${formatMinorUnits(t.amount, t.currency)}`,
      ];
  }
  if (Object.keys(fields).length)
    throw new AppError('validation', 'totals_mismatch', 'The totals typed are not the batch’s totals.', { fields });
  const approved = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(refundBatches)
      .set({
        status: 'queued',
        approvedBy: actor.id,
        approvedByEmail: actor.email,
        approvalKind: batch.approvalRule,
        approvedAt: ctx.now(),
        updatedAt: new Date(),
      })
      .where(and(eq(refundBatches.id, batchId), eq(refundBatches.status, 'dry_run')))
      .returning();
    if (!row) throw new ConflictError('Someone else approved or cancelled this batch a moment ago.');
    await recordAudit(tx, {
      actor,
      action: 'refunds.approve',
      target: { type: 'refund_batch', id: batchId },
      details: {
        approval: batch.approvalRule,
        uploaded_by: batch.uploadedByEmail,
        rows: batch.rowsWillRefund,
        totals: batch.totals.map((t) => formatMinorUnits(t.amount, t.currency)),
      },
      requestId: ctx.requestId,
    });
    return row;
  });
  await deps.queue(batchId);
  return approved;
}

/** Stops a batch: rows not sent yet are skipped. A row already at Klarna (`sending`) finishes: by its live run, or,
 * when no run holds the batch (it died), by a run queued here that settles only those rows under their keys. */
export async function cancelRefundBatch(
  ctx: ServiceContext,
  batchId: string,
  deps: { queue: (batchId: string) => Promise<unknown> } = { queue: queueRefundRun },
): Promise<RefundBatchRow> {
  assertCan(ctx.actor, 'refunds.run');
  const actor = ctx.actor;
  const batch = await getRefundBatch(ctx, batchId);
  if (batch.status === 'done' || batch.status === 'cancelled')
    throw new ConflictError(`This batch is ${batch.status === 'done' ? 'finished' : 'already cancelled'}.`);
  const { cancelled, sending } = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(refundBatches)
      .set({ status: 'cancelled', cancelledByEmail: actor.email, cancelledAt: ctx.now(), updatedAt: new Date() })
      .where(and(eq(refundBatches.id, batch.id), inArray(refundBatches.status, ['dry_run', 'queued', 'running'])))
      .returning();
    if (!row) throw new ConflictError('This batch finished or was cancelled a moment ago.');
    const skipped = await tx
      .update(refundBatchRows)
      .set({ result: 'skipped', finishedAt: new Date() })
      .where(
        and(
          eq(refundBatchRows.batchId, batch.id),
          eq(refundBatchRows.verdict, 'will_refund'),
          eq(refundBatchRows.result, 'pending'),
        ),
      )
      .returning({ lineNo: refundBatchRows.lineNo });
    const [counted] = await tx
      .update(refundBatches)
      .set({ rowsSkipped: sql`${refundBatches.rowsSkipped} + ${skipped.length}` })
      .where(eq(refundBatches.id, batch.id))
      .returning();
    await recordAudit(tx, {
      actor,
      action: 'refunds.cancel',
      target: { type: 'refund_batch', id: batch.id },
      details: { was: batch.status, skipped: skipped.length, refunded_before: batch.rowsRefunded },
      requestId: ctx.requestId,
    });
    const [atKlarna] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(refundBatchRows)
      .where(and(eq(refundBatchRows.batchId, batch.id), eq(refundBatchRows.result, 'sending')));
    return { cancelled: counted!, sending: atKlarna?.n ?? 0 };
  });
  const held = cancelled.leaseUntil !== null && cancelled.leaseUntil > new Date();
  if (sending > 0 && !held) await deps.queue(cancelled.id);
  return cancelled;
}

export type BatchProgress = {
  status: RefundBatchRow['status'];
  done: number;
  total: number;
  refunded: number;
  declined: number;
  skipped: number;
  /** Rows finished per second over the last 15 s (null before any). */
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  updatedAt: string;
};

/** What the progress bar polls: the batch's counters and the rate over the last seconds. */
export async function getRefundBatchProgress(ctx: ServiceContext, batchId: string): Promise<BatchProgress> {
  const batch = await getRefundBatch(ctx, batchId);
  const done = batch.rowsRefunded + batch.rowsDeclined + batch.rowsSkipped;
  let rowsPerSecond: number | null = null;
  if (batch.status === 'running') {
    const windowMs = 15_000;
    const since = new Date(ctx.now().getTime() - windowMs);
    const [recent] = await ctx.db
      .select({ n: sql<number>`count(*)::int`, first: sql<string | null>`min(${refundBatchRows.finishedAt})::text` })
      .from(refundBatchRows)
      .where(
        and(
          eq(refundBatchRows.batchId, batch.id),
          inArray(refundBatchRows.result, ['refunded', 'declined']),
          gt(refundBatchRows.finishedAt, since),
        ),
      );
    if (recent && recent.n > 0) {
      const started = batch.startedAt && batch.startedAt > since ? batch.startedAt : since;
      const seconds = Math.max(1, (ctx.now().getTime() - started.getTime()) / 1000);
      rowsPerSecond = Math.round((recent.n / seconds) * 10) / 10;
    }
  }
  const left = batch.rowsWillRefund - done;
  return {
    status: batch.status,
    done,
    total: batch.rowsWillRefund,
    refunded: batch.rowsRefunded,
    declined: batch.rowsDeclined,
    skipped: batch.rowsSkipped,
    rowsPerSecond,
    etaSeconds: rowsPerSecond && left > 0 ? Math.ceil(left / rowsPerSecond) : null,
    updatedAt: batch.updatedAt.toISOString(),
  };
}

export { runRefundBatch } from './run';
