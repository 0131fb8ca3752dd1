import 'server-only';
import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt, gte, like, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import {
  paymentPendingOperations,
  paymentRequests,
  type PaymentPendingOperationRow,
  type PaymentTransactionRow,
} from '@/db/schema';
import { recordAudit, type AuditAction } from '@/lib/audit';
import { assertCan, type Actor } from '@/lib/auth/guard';
import { klarnaFor } from '@/lib/credentials/connection';
import type { ServiceContext } from '@/lib/context';
import { AppError, KlarnaRefusedError, NotFoundError } from '@/lib/errors';
import type { KlarnaApi } from '@/lib/klarna/api';
import { idempotencyKey } from '@/lib/klarna/idempotency';
import { intentSchema, klarnaOperation, klarnaPaths, type UnknownOutcome } from '@/lib/klarna-operation';
import {
  captureCreateSchema,
  type captureResultSchema,
  paymentRequestCreateSchema,
  paymentTransactionSchema,
  reauthorizeSchema,
  refundCreateSchema,
  type refundResultSchema,
  transactionUpdateSchema,
  type PaymentRequest,
  type PaymentTransaction,
} from '@/lib/klarna/schemas/payments';
import { parseInput } from '@/lib/parse-input';
import { formatMinorUnits } from '@/lib/ui/money';
import { addPaymentTimeline, getCachedPayment, listPaymentTimeline, savePaymentTransaction } from './cache';
import {
  baselineOf,
  baselineSchema,
  causeSentence,
  earlierResolvedSentence,
  intentDigest,
  intentPhrase,
  judge,
  resolvedSentence,
  stillUnknownSentence,
  type Intent,
} from './outcomes';
import { requireCaptureNamed, requireNotVoided } from './rules';

/**
 * Payment operations: one intent under one idempotency key (a double submit reaches Klarna once),
 * Klarna's answer cached, timeline and audit written (refusals too). Bodies are Klarna's wire bodies,
 * so field errors carry Klarna's parameter paths.
 */
export type PaymentCtx = ServiceContext;

type Target = { accountId: string; paymentTransactionId: string };

function operator(ctx: PaymentCtx): asserts ctx is PaymentCtx & { actor: Actor } {
  assertCan(ctx.actor, 'payments.operate');
}

function onTimeline(
  ctx: PaymentCtx & { actor: Actor },
  target: Target,
  entry: { kind: string; summary: string; amount?: number; details?: Record<string, unknown> },
) {
  return async (transaction: PaymentTransaction, tx: Db): Promise<PaymentTransactionRow> => {
    const row = await savePaymentTransaction(tx, transaction, target.accountId, 'dashboard');
    await addPaymentTimeline(tx, {
      paymentTransactionId: target.paymentTransactionId,
      paymentRequestId: transaction.payment_request_id ?? null,
      occurredAt: new Date(),
      source: 'dashboard',
      kind: entry.kind,
      summary: entry.summary,
      amount: entry.amount ?? null,
      currency: transaction.currency,
      actorId: ctx.actor.id,
      actorEmail: ctx.actor.email,
      details: entry.details ?? {},
    });
    return row;
  };
}

export type CaptureResult = z.infer<typeof captureResultSchema>;
export type RefundResult = z.infer<typeof refundResultSchema>;

export type OperationOutcome<T> =
  | { status: 'done'; result: T }
  | {
      status: 'resolved';
      made: boolean;
      message: string;
      transaction: PaymentTransaction;
      /** The capture's or refund's id when the read showed it made (null when not made, or for a release). */
      operationId: string | null;
    };

/** Klarna's answer was lost and Klarna could not be read either: nobody may act on the payment until it can. */
export class OutcomeUnknownError extends AppError {
  override name = 'OutcomeUnknownError';
  constructor(message: string) {
    super('outcome_unknown', 'OUTCOME_UNKNOWN', message);
  }
}

/** Another intent's lost answer was just looked up; the user must see what it did before acting. */
export class EarlierOutcomeError extends AppError {
  override name = 'EarlierOutcomeError';
  constructor(message: string) {
    super('conflict', 'EARLIER_OUTCOME', message);
  }
}

// A `sending` row this old lost its process: longer than every attempt and back-off (5 × 65 s + ~6 s).
const SENDING_LOST_MS = 6 * 60_000;
// Klarna honours a key 24 h (seed, "Idempotency"): past that, reusing it protects nothing.
const KEY_LIFE_MS = 24 * 3600_000;

type PendingRow = PaymentPendingOperationRow;
const intentOf = (row: PendingRow): Intent => ({
  kind: row.operation,
  captureId: typeof row.details.captureId === 'string' ? row.details.captureId : null,
  request: row.request,
});

/** The payment's operations whose outcome is not known: `unknown` ones, and `sending` ones whose process was lost. */
export async function listUnresolvedOperations(
  db: Db,
  paymentTransactionId: string,
  now = new Date(),
): Promise<PendingRow[]> {
  return db
    .select()
    .from(paymentPendingOperations)
    .where(
      and(
        eq(paymentPendingOperations.paymentTransactionId, paymentTransactionId),
        or(
          eq(paymentPendingOperations.status, 'unknown'),
          and(
            eq(paymentPendingOperations.status, 'sending'),
            lt(paymentPendingOperations.updatedAt, new Date(now.getTime() - SENDING_LOST_MS)),
          ),
        ),
      ),
    )
    .orderBy(asc(paymentPendingOperations.createdAt));
}

/** Operations still awaiting Klarna's answer: the same intent joins them under their key; the page offers no action. */
export async function listInFlightOperations(
  db: Db,
  paymentTransactionId: string,
  now = new Date(),
): Promise<PendingRow[]> {
  return db
    .select()
    .from(paymentPendingOperations)
    .where(
      and(
        eq(paymentPendingOperations.paymentTransactionId, paymentTransactionId),
        eq(paymentPendingOperations.status, 'sending'),
        gte(paymentPendingOperations.updatedAt, new Date(now.getTime() - SENDING_LOST_MS)),
      ),
    )
    .orderBy(asc(paymentPendingOperations.createdAt));
}

export function describeInFlight(row: PendingRow): string {
  const phrase = intentPhrase(intentOf(row), baselineSchema.parse(row.baseline), row.currency);
  return `The ${phrase} sent by ${row.actorEmail ?? 'someone'} at ${row.createdAt.toISOString().slice(11, 16)} UTC is waiting for Klarna’s answer.`;
}

export function describeUnresolved(row: PendingRow): string {
  const phrase = intentPhrase(intentOf(row), baselineSchema.parse(row.baseline), row.currency);
  return `${row.cause ?? 'Klarna did not answer.'} Whether the ${phrase} sent by ${row.actorEmail ?? 'someone'} was made is not known yet.`;
}

type Resolution = { row: PendingRow; made: boolean; operationId: string | null; phrase: string };

/** Decides each lost intent from a Klarna read: made (row removed) or not made (kept 24 h so its key is never
 * reused: Klarna may replay the failure). Only the request that moves a row records it. */
async function resolveLost(
  ctx: PaymentCtx,
  target: Target,
  rows: PendingRow[],
): Promise<{ transaction: PaymentTransaction; resolutions: Resolution[] }> {
  const api = await klarnaFor(ctx.db, ctx.settings);
  let transaction: PaymentTransaction;
  try {
    transaction = await api.paymentTransactions.get(target.accountId, target.paymentTransactionId);
  } catch (error) {
    if (!(error instanceof KlarnaRefusedError)) throw error;
    const first = rows[0]!;
    throw new OutcomeUnknownError(
      stillUnknownSentence(
        first.cause ?? 'Klarna did not answer.',
        intentPhrase(intentOf(first), baselineSchema.parse(first.baseline), first.currency),
      ),
    );
  }
  await savePaymentTransaction(ctx.db, transaction, target.accountId, 'sync');
  // Captures and refunds whose own answer arrived belong to their operation, not to a lost one.
  const claimed = new Set<string>();
  for (const entry of await listPaymentTimeline(ctx.db, { paymentTransactionId: target.paymentTransactionId }, 1_000)) {
    for (const key of ['payment_capture_id', 'payment_refund_id'])
      if (typeof entry.details?.[key] === 'string') claimed.add(entry.details[key] as string);
  }
  const resolutions: Resolution[] = [];
  for (const row of rows) {
    const intent = intentOf(row);
    const baseline = baselineSchema.parse(row.baseline);
    const judgement = judge(intent, baseline, transaction, claimed);
    const operationId = judgement.made ? judgement.operationId : null;
    if (operationId) claimed.add(operationId);
    const phrase = intentPhrase(intent, baseline, row.currency);
    const open = or(eq(paymentPendingOperations.status, 'unknown'), eq(paymentPendingOperations.status, 'sending'));
    const where = and(eq(paymentPendingOperations.idempotencyKey, row.idempotencyKey), open);
    const moved = judgement.made
      ? await ctx.db
          .delete(paymentPendingOperations)
          .where(where)
          .returning({ key: paymentPendingOperations.idempotencyKey })
      : await ctx.db
          .update(paymentPendingOperations)
          .set({ status: 'not_made', updatedAt: new Date() })
          .where(where)
          .returning({ key: paymentPendingOperations.idempotencyKey });
    resolutions.push({ row, made: judgement.made, operationId, phrase });
    if (!moved.length) continue;
    const details = {
      operation: row.operation,
      made: judgement.made,
      amount: intent.request.amount ?? null,
      ...(operationId
        ? { [row.operation === 'refund' ? 'payment_refund_id' : 'payment_capture_id']: operationId }
        : {}),
      sent_by: row.actorEmail,
    };
    await recordAudit(ctx.db, {
      actor: ctx.actor ?? 'system',
      action: 'payments.outcome_resolved',
      target: { type: 'payment', id: target.paymentTransactionId },
      details,
      requestId: ctx.requestId,
      idempotencyKey: row.idempotencyKey,
    });
    await addPaymentTimeline(ctx.db, {
      paymentTransactionId: target.paymentTransactionId,
      paymentRequestId: transaction.payment_request_id ?? null,
      occurredAt: new Date(),
      source: 'sync',
      kind: 'outcome_resolved',
      summary: `The ${phrase} got no clear answer from Klarna; reading the payment from Klarna shows it was ${judgement.made ? 'made' : 'not made'}`,
      amount:
        typeof intent.request.amount === 'number'
          ? intent.request.amount
          : row.operation === 'release'
            ? baseline.remaining
            : null,
      currency: row.currency,
      actorId: ctx.actor?.id ?? null,
      actorEmail: ctx.actor?.email ?? null,
      details,
    });
  }
  return { transaction, resolutions };
}

/** An earlier intent's unknown outcome is read from Klarna first; any other intent is then refused until seen. */
async function settleEarlier(
  ctx: PaymentCtx,
  target: Target,
  digest: string | null,
): Promise<(Resolution & { transaction: PaymentTransaction }) | null> {
  const lost = await listUnresolvedOperations(ctx.db, target.paymentTransactionId);
  if (!lost.length) return null;
  const { transaction, resolutions } = await resolveLost(ctx, target, lost);
  const mine = resolutions.find((r) => r.row.intentDigest === digest) ?? null;
  const others = resolutions.filter((r) => r !== mine);
  if (others.length)
    throw new EarlierOutcomeError(
      others.map((r) => earlierResolvedSentence(r.phrase, r.row.actorEmail, r.row.createdAt, r.made)).join(' '),
    );
  return mine && { ...mine, transaction };
}

async function currentTransaction(ctx: PaymentCtx, api: KlarnaApi, target: Target): Promise<PaymentTransaction> {
  const cached = await getCachedPayment(ctx.db, target.paymentTransactionId);
  const parsed = cached?.klarna ? paymentTransactionSchema.safeParse(cached.klarna) : null;
  if (parsed?.success) return parsed.data;
  const read = await api.paymentTransactions.get(target.accountId, target.paymentTransactionId);
  await savePaymentTransaction(ctx.db, read, target.accountId, 'sync');
  return read;
}

/** The form's id, or if taken (Klarna may replay a failure for 24 h) the first free `id:digest`, `id:digest:2`, …;
 * deterministic, so a resend after success gets the answered key and a replay. */
async function freshNonce(db: Db, paymentTransactionId: string, intentId: string, digest: string): Promise<string> {
  const rows = await db
    .select({
      nonce: paymentPendingOperations.nonce,
      digest: paymentPendingOperations.intentDigest,
      status: paymentPendingOperations.status,
    })
    .from(paymentPendingOperations)
    .where(
      and(
        eq(paymentPendingOperations.paymentTransactionId, paymentTransactionId),
        like(paymentPendingOperations.nonce, `${intentId}%`),
      ),
    );
  // This very intent noted by a simultaneous submission of the same form since the lookup: its nonce, so one key.
  const mine = rows.find((r) => r.digest === digest && r.status !== 'not_made');
  if (mine) return mine.nonce;
  const taken = new Set(rows.map((r) => r.nonce));
  const base = `${intentId}:${digest.slice(0, 16)}`;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? (taken.has(intentId) ? base : intentId) : `${base}:${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

type OperateSpec<T> = {
  intent: Intent;
  intentId: string;
  details?: Record<string, unknown>;
  key: { operation: string; target: string };
  audit: { action: AuditAction; details: Record<string, unknown> };
  send: (api: KlarnaApi, key: string) => Promise<T>;
  record: (result: T, db: Db) => Promise<unknown>;
};

/** A money operation (design.md, "Idempotency"): the Klarna-operation wrapper with the payments' unknown-outcome rule. */
async function operate<T>(
  ctx: PaymentCtx & { actor: Actor },
  target: Target,
  spec: OperateSpec<T>,
): Promise<OperationOutcome<T>> {
  return klarnaOperation(
    ctx,
    {
      capability: 'payments.operate',
      intent: { ...spec.key, nonce: spec.intentId },
      audit: {
        action: spec.audit.action,
        target: { type: 'payment', id: target.paymentTransactionId },
        details: spec.audit.details,
      },
      fields: klarnaPaths,
      call: spec.send,
      record: async (result, tx) => {
        await spec.record(result, tx);
      },
    },
    pendingOperations(ctx, target, spec),
  );
}

function pendingOperations<T>(
  ctx: PaymentCtx & { actor: Actor },
  target: Target,
  spec: OperateSpec<T>,
): UnknownOutcome<OperationOutcome<T>> {
  const digest = intentDigest(target.paymentTransactionId, spec.intent);
  const forget = async (key: string) => {
    await ctx.db.delete(paymentPendingOperations).where(eq(paymentPendingOperations.idempotencyKey, key));
  };
  return {
    inFlightKey: `${ctx.actor.id}/${spec.intentId}/${digest}`,
    begin: async (api, keyFor) => {
      const earlier = await settleEarlier(ctx, target, digest);
      if (earlier?.made)
        return {
          settled: {
            status: 'resolved',
            made: true,
            message: resolvedSentence(earlier.row.cause ?? 'Klarna did not answer.', earlier.phrase, true),
            transaction: earlier.transaction,
            operationId: earlier.operationId,
          },
        };
      const keyLife = new Date(Date.now() - KEY_LIFE_MS);
      // A "not made" older than Klarna's key life protects nothing any more.
      await ctx.db
        .delete(paymentPendingOperations)
        .where(and(eq(paymentPendingOperations.status, 'not_made'), lt(paymentPendingOperations.createdAt, keyLife)));
      const [same] = await ctx.db
        .select()
        .from(paymentPendingOperations)
        .where(
          and(
            eq(paymentPendingOperations.paymentTransactionId, target.paymentTransactionId),
            // The same intent still awaiting an answer: same key, so Klarna performs one operation.
            eq(paymentPendingOperations.status, 'sending'),
            eq(paymentPendingOperations.intentDigest, digest),
            gt(paymentPendingOperations.createdAt, keyLife),
          ),
        )
        .orderBy(desc(paymentPendingOperations.createdAt))
        .limit(1);
      const nonce = same?.nonce ?? (await freshNonce(ctx.db, target.paymentTransactionId, spec.intentId, digest));
      const key = keyFor(nonce);
      const known = same ? null : await currentTransaction(ctx, api, target);
      await ctx.db
        .insert(paymentPendingOperations)
        .values({
          idempotencyKey: key,
          paymentTransactionId: target.paymentTransactionId,
          accountId: target.accountId,
          operation: spec.intent.kind,
          nonce,
          intentDigest: digest,
          request: spec.intent.request,
          details: { ...spec.details, ...(spec.intent.captureId ? { captureId: spec.intent.captureId } : {}) },
          baseline: known ? baselineOf(known) : same!.baseline,
          currency: known?.currency ?? same!.currency,
          status: 'sending',
          actorId: ctx.actor.id,
          actorEmail: ctx.actor.email,
        })
        // The first attempt's baseline stays: it is what "made" is judged against.
        .onConflictDoUpdate({
          target: paymentPendingOperations.idempotencyKey,
          set: { status: 'sending', cause: null, updatedAt: new Date() },
        });
      return { key };
    },
    answered: forget,
    lost: async (key, error) => {
      const cause = error.klarnaError;
      const because = causeSentence(cause);
      const [row] = await ctx.db
        .update(paymentPendingOperations)
        .set({ status: 'unknown', cause: because, updatedAt: new Date() })
        .where(eq(paymentPendingOperations.idempotencyKey, key))
        .returning();
      await recordAudit(ctx.db, {
        actor: ctx.actor,
        action: 'payments.outcome_unknown',
        target: { type: 'payment', id: target.paymentTransactionId },
        outcome: 'failure',
        details: { operation: spec.intent.kind, ...spec.audit.details, cause: because, attempts: cause.attempts },
        requestId: ctx.requestId,
        klarnaErrorId: error.klarnaErrorId,
        idempotencyKey: key,
      });
      const { transaction, resolutions } = await resolveLost(ctx, target, [row!]);
      const mine = resolutions[0]!;
      return {
        status: 'resolved',
        made: mine.made,
        message: resolvedSentence(because, mine.phrase, mine.made),
        transaction,
        operationId: mine.operationId,
      };
    },
  };
}

/** "Check with Klarna": reads Klarna and says what each lost intent came to. Any role that sees the payment may ask. */
export async function resolvePaymentOutcomes(ctx: PaymentCtx, target: Target): Promise<string[]> {
  assertCan(ctx.actor, 'dashboard.read');
  const lost = await listUnresolvedOperations(ctx.db, target.paymentTransactionId);
  if (!lost.length) return [];
  const { resolutions } = await resolveLost(ctx, target, lost);
  return resolutions.map((r) => resolvedSentence(r.row.cause ?? 'Klarna did not answer.', r.phrase, r.made));
}

export async function refreshPayment(ctx: PaymentCtx, target: Target): Promise<PaymentTransactionRow> {
  assertCan(ctx.actor, 'dashboard.read');
  const lost = await listUnresolvedOperations(ctx.db, target.paymentTransactionId);
  if (lost.length) {
    await resolveLost(ctx, target, lost);
    return (await getCachedPayment(ctx.db, target.paymentTransactionId))!;
  }
  const api = await klarnaFor(ctx.db, ctx.settings);
  const transaction = await api.paymentTransactions.get(target.accountId, target.paymentTransactionId);
  return savePaymentTransaction(ctx.db, transaction, target.accountId, 'sync');
}

export async function capturePayment(
  ctx: PaymentCtx,
  target: Target,
  intentId: string,
  body: unknown,
): Promise<OperationOutcome<CaptureResult>> {
  operator(ctx);
  const request = parseInput(captureCreateSchema, body);
  return operate(ctx, target, {
    intent: { kind: 'capture', request },
    intentId: intentSchema.parse(intentId),
    key: { operation: 'paymentTransactions.capture', target: target.paymentTransactionId },
    audit: {
      action: 'payments.capture',
      details: { amount: request.amount, capture_reference: request.capture_reference ?? null },
    },
    send: (api, key) =>
      api.paymentTransactions.capture(target.accountId, target.paymentTransactionId, request, { idempotencyKey: key }),
    record: async (result, db) => {
      await onTimeline(ctx, target, {
        kind: 'capture',
        summary: `Captured ${formatMinorUnits(request.amount, result.payment_transaction.currency)}${request.capture_reference ? ` (${request.capture_reference})` : ''}`,
        amount: request.amount,
        details: { payment_capture_id: result.capture.payment_capture_id },
      })(result.payment_transaction, db);
    },
  });
}

export const refundInputSchema = z.object({
  captureId: z.string().min(1).max(300).optional(),
  reason: z.string().trim().min(3, 'Say why (at least 3 characters)').max(500, 'At most 500 characters'),
});

export async function refundPayment(
  ctx: PaymentCtx,
  target: Target,
  intentId: string,
  input: z.input<typeof refundInputSchema>,
  body: unknown,
): Promise<OperationOutcome<RefundResult>> {
  operator(ctx);
  const { captureId, reason } = parseInput(refundInputSchema, input);
  const request = parseInput(refundCreateSchema, body);
  requireCaptureNamed(await getCachedPayment(ctx.db, target.paymentTransactionId), captureId);
  return operate(ctx, target, {
    intent: { kind: 'refund', captureId: captureId ?? null, request },
    intentId: intentSchema.parse(intentId),
    details: { reason },
    key: {
      operation: captureId ? 'paymentTransactions.refundCapture' : 'paymentTransactions.refund',
      target: `${target.paymentTransactionId}/${captureId ?? '-'}`,
    },
    audit: { action: 'payments.refund', details: { amount: request.amount, capture: captureId ?? null, reason } },
    send: (api, key) =>
      captureId
        ? api.paymentTransactions.refundCapture(target.accountId, target.paymentTransactionId, captureId, request, {
            idempotencyKey: key,
          })
        : api.paymentTransactions.refund(target.accountId, target.paymentTransactionId, request, {
            idempotencyKey: key,
          }),
    record: async (result, db) => {
      await onTimeline(ctx, target, {
        kind: 'refund',
        summary: `Refunded ${formatMinorUnits(request.amount, result.payment_transaction.currency)}${captureId ? ` of capture ${captureId}` : ''}: ${reason}`,
        amount: request.amount,
        details: { payment_refund_id: result.refund.payment_refund_id, reason },
      })(result.payment_transaction, db);
    },
  });
}

export async function releaseRemaining(
  ctx: PaymentCtx,
  target: Target,
  intentId: string,
): Promise<OperationOutcome<PaymentTransaction>> {
  operator(ctx);
  const before = await getCachedPayment(ctx.db, target.paymentTransactionId);
  return operate(ctx, target, {
    intent: { kind: 'release', request: {} },
    intentId: intentSchema.parse(intentId),
    key: { operation: 'paymentTransactions.void', target: target.paymentTransactionId },
    audit: { action: 'payments.release', details: { released: before?.remainingAuthorizedAmount ?? null } },
    send: (api, key) =>
      api.paymentTransactions.void(target.accountId, target.paymentTransactionId, { idempotencyKey: key }),
    record: async (transaction, db) => {
      await onTimeline(ctx, target, {
        kind: 'release',
        summary: `Released the remaining authorization${before ? ` (${formatMinorUnits(before.remainingAuthorizedAmount, transaction.currency)})` : ''}`,
        amount: before?.remainingAuthorizedAmount,
      })(transaction, db);
    },
  });
}

export async function updatePayment(ctx: PaymentCtx, target: Target, intentId: string, body: unknown) {
  operator(ctx);
  const request = parseInput(transactionUpdateSchema, body);
  await requireNotVoided(ctx.db, await getCachedPayment(ctx.db, target.paymentTransactionId));
  const nonce = intentSchema.parse(intentId);
  // An update is no money, but it is another intent: it waits, like one, for an unknown outcome.
  await settleEarlier(ctx, target, null);
  let row: PaymentTransactionRow | undefined;
  await klarnaOperation(ctx, {
    capability: 'payments.operate',
    intent: { operation: 'paymentTransactions.update', target: target.paymentTransactionId, nonce },
    audit: {
      action: 'payments.update',
      target: { type: 'payment', id: target.paymentTransactionId },
      details: { fields: Object.keys(request) },
    },
    fields: klarnaPaths,
    call: (api, key) =>
      api.paymentTransactions.update(target.accountId, target.paymentTransactionId, request, { idempotencyKey: key }),
    record: async (transaction, tx) => {
      row = await onTimeline(ctx, target, { kind: 'update', summary: `Updated ${Object.keys(request).join(', ')}` })(
        transaction,
        tx,
      );
    },
  });
  // A replay wrote nothing: the copy as the first answer left it.
  return row ?? (await getCachedPayment(ctx.db, target.paymentTransactionId))!;
}

export async function reauthorizePayment(
  ctx: PaymentCtx,
  target: Target,
  intentId: string,
  body: unknown,
): Promise<OperationOutcome<PaymentTransaction>> {
  operator(ctx);
  const request = parseInput(reauthorizeSchema, body);
  return operate(ctx, target, {
    intent: { kind: 'reauthorize', request },
    intentId: intentSchema.parse(intentId),
    key: { operation: 'paymentTransactions.reauthorize', target: target.paymentTransactionId },
    audit: { action: 'payments.reauthorize', details: { amount: request.amount ?? null } },
    send: (api, key) =>
      api.paymentTransactions.reauthorize(target.accountId, target.paymentTransactionId, request, {
        idempotencyKey: key,
      }),
    record: async (transaction, db) => {
      await onTimeline(ctx, target, {
        kind: 'reauthorize',
        summary: `Reauthorized${request.amount !== undefined ? ` for ${formatMinorUnits(request.amount, transaction.currency)}` : ''}`,
        amount: request.amount,
      })(transaction, db);
    },
  });
}

/** "Create a payment link": a payment request returning to our route, which confirms it; keyed by form and body. */
export async function createPaymentLink(
  ctx: PaymentCtx,
  accountId: string,
  intentId: string,
  body: unknown,
): Promise<PaymentRequest> {
  operator(ctx);
  const request = parseInput(paymentRequestCreateSchema, body);
  const hash = createHash('sha256').update(JSON.stringify(request)).digest('base64url');
  return klarnaOperation(ctx, {
    capability: 'payments.operate',
    intent: {
      operation: 'paymentRequests.create',
      target: `${accountId}/${intentSchema.parse(intentId)}`,
      nonce: hash,
    },
    audit: {
      action: 'payments.create_link',
      target: { type: 'payment', id: accountId },
      details: {
        amount: request.payment_amount,
        currency: request.currency,
        payment_reference: request.payment_reference ?? null,
      },
    },
    fields: klarnaPaths,
    call: (api, key) => api.paymentRequests.create(accountId, request, { idempotencyKey: key }),
    record: (created, tx) => saveCreatedLink(tx, ctx.actor, accountId, request, created),
  });
}

async function saveCreatedLink(
  db: Db,
  actor: Actor,
  accountId: string,
  request: z.infer<typeof paymentRequestCreateSchema>,
  created: PaymentRequest,
): Promise<void> {
  await db
    .insert(paymentRequests)
    .values({
      paymentRequestId: created.payment_request_id,
      accountId,
      state: created.state,
      currency: request.currency,
      paymentAmount: request.payment_amount,
      paymentReference: request.payment_reference ?? null,
      merchantReference: request.merchant_reference ?? null,
      distributionUrl: created.state_context.distribution?.url ?? null,
      expiresAt: new Date(created.expires_at),
      klarnaUpdatedAt: new Date(created.updated_at),
      klarna: created as Record<string, unknown>,
      createdBy: actor.id,
    })
    .onConflictDoNothing();
  await addPaymentTimeline(db, {
    paymentRequestId: created.payment_request_id,
    occurredAt: new Date(),
    source: 'dashboard',
    kind: 'request.created',
    summary: `Payment link created for ${formatMinorUnits(request.payment_amount, request.currency)}`,
    amount: request.payment_amount,
    currency: request.currency,
    actorId: actor.id,
    actorEmail: actor.email,
  });
}

export async function cancelPaymentLink(
  ctx: PaymentCtx,
  accountId: string,
  paymentRequestId: string,
): Promise<PaymentRequest> {
  operator(ctx);
  return klarnaOperation(ctx, {
    capability: 'payments.operate',
    audit: { action: 'payments.cancel_link', target: { type: 'payment', id: paymentRequestId } },
    call: (api) => api.paymentRequests.cancel(accountId, paymentRequestId),
    record: async (canceled, tx) => {
      await tx
        .update(paymentRequests)
        .set({
          state: canceled.state,
          klarnaUpdatedAt: new Date(canceled.updated_at),
          klarna: canceled as Record<string, unknown>,
          updatedAt: new Date(),
        })
        .where(eq(paymentRequests.paymentRequestId, paymentRequestId));
    },
  });
}

export async function confirmPaymentLink(
  ctx: Omit<PaymentCtx, 'actor'>,
  paymentRequestId: string,
  token: string,
): Promise<PaymentTransactionRow> {
  const [link] = await ctx.db
    .select()
    .from(paymentRequests)
    .where(eq(paymentRequests.paymentRequestId, paymentRequestId))
    .limit(1);
  if (!link) throw new NotFoundError('This payment link was not created in this dashboard.');
  const api = await klarnaFor(ctx.db, ctx.settings);
  const key = idempotencyKey({ operation: 'paymentRequests.confirm', target: paymentRequestId, nonce: token });
  if (link.currency === null || link.paymentAmount === null)
    throw new NotFoundError('This payment link has no amount stored; it cannot be confirmed from here.');
  // The confirmation restates what the shopper approved (seed, "Confirm the payment").
  const body = {
    currency: link.currency,
    payment_amount: link.paymentAmount,
    ...(link.paymentReference ? { payment_reference: link.paymentReference } : {}),
    ...(link.merchantReference ? { merchant_reference: link.merchantReference } : {}),
  };
  const confirmed = await api.paymentRequests.confirm(link.accountId, token, body, { idempotencyKey: key });
  const transactionId = confirmed.state_context.payment_transaction_id;
  if (!transactionId) throw new NotFoundError('Klarna confirmed the payment but named no transaction.');
  await ctx.db
    .update(paymentRequests)
    .set({
      state: confirmed.state,
      paymentTransactionId: transactionId,
      klarnaUpdatedAt: new Date(confirmed.updated_at),
      updatedAt: new Date(),
    })
    .where(eq(paymentRequests.paymentRequestId, paymentRequestId));
  const transaction = await api.paymentTransactions.get(link.accountId, transactionId);
  const row = await savePaymentTransaction(ctx.db, transaction, link.accountId, 'dashboard');
  await recordAudit(ctx.db, {
    actor: 'system',
    action: 'payments.confirm',
    target: { type: 'payment', id: transactionId },
    details: { payment_request_id: paymentRequestId },
    requestId: ctx.requestId,
    idempotencyKey: key,
  });
  return row;
}
