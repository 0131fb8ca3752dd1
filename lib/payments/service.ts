import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { paymentRequests, type PaymentTransactionRow } from '@/db/schema';
import { recordAudit, type AuditAction } from '@/lib/audit';
import { assertCan, type Actor } from '@/lib/auth/guard';
import { callKlarna, klarnaFor, KlarnaRefusedError } from '@/lib/credentials/connection';
import { NotFoundError } from '@/lib/errors';
import type { KlarnaApi } from '@/lib/klarna/api';
import { idempotencyKey } from '@/lib/klarna/idempotency';
import {
  captureCreateSchema,
  paymentRequestCreateSchema,
  reauthorizeSchema,
  refundCreateSchema,
  transactionUpdateSchema,
  type PaymentRequest,
  type PaymentTransaction,
} from '@/lib/klarna/schemas/payments';
import { parseInput, type MerchantCtx } from '@/lib/merchants/service';
import { formatMinorUnits } from '@/lib/ui/money';
import { addPaymentTimeline, getCachedPayment, savePaymentTransaction } from './cache';
import { requireCaptureNamed, requireNotVoided } from './rules';

/**
 * Payment operations (issue 5): each checks the role, sends one intent to Klarna under one
 * idempotency key (a double submit or a retry reaches Klarna once), stores Klarna's answer in
 * the cache, writes the timeline and the audit log (refusals too, with Klarna's error id).
 * Bodies are Klarna's wire bodies, validated with the shared schemas, so field errors carry
 * Klarna's parameter paths.
 */
export type PaymentCtx = MerchantCtx;

const identity = (parameter: string) => parameter;
export const intentSchema = z.uuid('missing form intent id');

type Target = { accountId: string; paymentTransactionId: string };

async function klarna(ctx: PaymentCtx): Promise<KlarnaApi> {
  return klarnaFor(ctx.db, ctx.settings);
}

function operator(ctx: PaymentCtx): asserts ctx is PaymentCtx & { actor: Actor } {
  assertCan(ctx.actor, 'payments.operate');
}

async function audited<T>(ctx: PaymentCtx, entry: { action: AuditAction; target: string; details?: Record<string, unknown>; idempotencyKey?: string }, run: () => Promise<T>): Promise<T> {
  const base = { actor: ctx.actor ?? ('system' as const), action: entry.action, target: { type: 'payment', id: entry.target }, requestId: ctx.requestId, idempotencyKey: entry.idempotencyKey };
  try {
    const result = await run();
    await recordAudit(ctx.db, { ...base, details: entry.details });
    return result;
  } catch (error) {
    if (error instanceof KlarnaRefusedError) {
      await recordAudit(ctx.db, { ...base, outcome: 'failure', details: { ...entry.details, error: error.message }, klarnaErrorId: error.klarnaErrorId });
    }
    throw error;
  }
}

async function recorded(ctx: PaymentCtx & { actor: Actor }, transaction: PaymentTransaction, target: Target, entry: { kind: string; summary: string; amount?: number; details?: Record<string, unknown> }): Promise<PaymentTransactionRow> {
  const row = await savePaymentTransaction(ctx.db, transaction, target.accountId, 'dashboard');
  await addPaymentTimeline(ctx.db, {
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
}

/** "Refresh from Klarna": reads the transaction and repairs the cache, recording any drift. */
export async function refreshPayment(ctx: PaymentCtx, target: Target): Promise<PaymentTransactionRow> {
  assertCan(ctx.actor, 'dashboard.read');
  const api = await klarna(ctx);
  const transaction = await callKlarna(() => api.paymentTransactions.get(target.accountId, target.paymentTransactionId));
  return savePaymentTransaction(ctx.db, transaction, target.accountId, 'sync');
}

export async function capturePayment(ctx: PaymentCtx, target: Target, intentId: string, body: unknown) {
  operator(ctx);
  const request = parseInput(captureCreateSchema, body);
  const key = idempotencyKey({ operation: 'paymentTransactions.capture', target: target.paymentTransactionId, nonce: intentSchema.parse(intentId) });
  const api = await klarna(ctx);
  const result = await audited(ctx, { action: 'payments.capture', target: target.paymentTransactionId, details: { amount: request.amount, capture_reference: request.capture_reference ?? null }, idempotencyKey: key }, () =>
    callKlarna(() => api.paymentTransactions.capture(target.accountId, target.paymentTransactionId, request, { idempotencyKey: key }), identity),
  );
  await recorded(ctx, result.payment_transaction, target, { kind: 'capture', summary: `Captured ${formatMinorUnits(request.amount, result.payment_transaction.currency)}${request.capture_reference ? ` (${request.capture_reference})` : ''}`, amount: request.amount, details: { payment_capture_id: result.capture.payment_capture_id } });
  return result;
}

export const refundInputSchema = z.object({ captureId: z.string().min(1).max(300).optional(), reason: z.string().trim().min(3, 'Say why (at least 3 characters)').max(500, 'At most 500 characters') });

/** Refunds the transaction, or one capture of it (`captureId`), with the reason in the audit log. */
export async function refundPayment(ctx: PaymentCtx, target: Target, intentId: string, input: z.input<typeof refundInputSchema>, body: unknown) {
  operator(ctx);
  const { captureId, reason } = parseInput(refundInputSchema, input);
  const request = parseInput(refundCreateSchema, body);
  requireCaptureNamed(await getCachedPayment(ctx.db, target.paymentTransactionId), captureId);
  const key = idempotencyKey({ operation: captureId ? 'paymentTransactions.refundCapture' : 'paymentTransactions.refund', target: `${target.paymentTransactionId}/${captureId ?? '-'}`, nonce: intentSchema.parse(intentId) });
  const api = await klarna(ctx);
  const result = await audited(ctx, { action: 'payments.refund', target: target.paymentTransactionId, details: { amount: request.amount, capture: captureId ?? null, reason }, idempotencyKey: key }, () =>
    callKlarna(
      () =>
        captureId
          ? api.paymentTransactions.refundCapture(target.accountId, target.paymentTransactionId, captureId, request, { idempotencyKey: key })
          : api.paymentTransactions.refund(target.accountId, target.paymentTransactionId, request, { idempotencyKey: key }),
      identity,
    ),
  );
  await recorded(ctx, result.payment_transaction, target, { kind: 'refund', summary: `Refunded ${formatMinorUnits(request.amount, result.payment_transaction.currency)}${captureId ? ` of capture ${captureId}` : ''}: ${reason}`, amount: request.amount, details: { payment_refund_id: result.refund.payment_refund_id, reason } });
  return result;
}

/** Releases the authorization that was not captured (Klarna's void). */
export async function releaseRemaining(ctx: PaymentCtx, target: Target, intentId: string) {
  operator(ctx);
  const key = idempotencyKey({ operation: 'paymentTransactions.void', target: target.paymentTransactionId, nonce: intentSchema.parse(intentId) });
  const api = await klarna(ctx);
  const before = await getCachedPayment(ctx.db, target.paymentTransactionId);
  const transaction = await audited(ctx, { action: 'payments.release', target: target.paymentTransactionId, details: { released: before?.remainingAuthorizedAmount ?? null }, idempotencyKey: key }, () =>
    callKlarna(() => api.paymentTransactions.void(target.accountId, target.paymentTransactionId, { idempotencyKey: key })),
  );
  return recorded(ctx, transaction, target, { kind: 'release', summary: `Released the remaining authorization${before ? ` (${formatMinorUnits(before.remainingAuthorizedAmount, transaction.currency)})` : ''}`, amount: before?.remainingAuthorizedAmount });
}

export async function updatePayment(ctx: PaymentCtx, target: Target, intentId: string, body: unknown) {
  operator(ctx);
  const request = parseInput(transactionUpdateSchema, body);
  await requireNotVoided(ctx.db, await getCachedPayment(ctx.db, target.paymentTransactionId));
  const key = idempotencyKey({ operation: 'paymentTransactions.update', target: target.paymentTransactionId, nonce: intentSchema.parse(intentId) });
  const api = await klarna(ctx);
  const transaction = await audited(ctx, { action: 'payments.update', target: target.paymentTransactionId, details: { fields: Object.keys(request) }, idempotencyKey: key }, () =>
    callKlarna(() => api.paymentTransactions.update(target.accountId, target.paymentTransactionId, request, { idempotencyKey: key }), identity),
  );
  return recorded(ctx, transaction, target, { kind: 'update', summary: `Updated ${Object.keys(request).join(', ')}` });
}

export async function reauthorizePayment(ctx: PaymentCtx, target: Target, intentId: string, body: unknown) {
  operator(ctx);
  const request = parseInput(reauthorizeSchema, body);
  const key = idempotencyKey({ operation: 'paymentTransactions.reauthorize', target: target.paymentTransactionId, nonce: intentSchema.parse(intentId) });
  const api = await klarna(ctx);
  const transaction = await audited(ctx, { action: 'payments.reauthorize', target: target.paymentTransactionId, details: { amount: request.amount ?? null }, idempotencyKey: key }, () =>
    callKlarna(() => api.paymentTransactions.reauthorize(target.accountId, target.paymentTransactionId, request, { idempotencyKey: key }), identity),
  );
  return recorded(ctx, transaction, target, { kind: 'reauthorize', summary: `Reauthorized${request.amount !== undefined ? ` for ${formatMinorUnits(request.amount, transaction.currency)}` : ''}`, amount: request.amount });
}

/**
 * "Create a payment link": a server-side payment request for a merchant. The shopper opens
 * the distribution URL; on approval Klarna sends them to `redirect_url` (this dashboard's
 * return route), which confirms the payment. Keyed by the form and its body.
 */
export async function createPaymentLink(ctx: PaymentCtx, accountId: string, intentId: string, body: unknown): Promise<PaymentRequest> {
  operator(ctx);
  const request = parseInput(paymentRequestCreateSchema, body);
  const hash = createHash('sha256').update(JSON.stringify(request)).digest('base64url');
  const key = idempotencyKey({ operation: 'paymentRequests.create', target: `${accountId}/${intentSchema.parse(intentId)}`, nonce: hash });
  const api = await klarna(ctx);
  const created = await audited(ctx, { action: 'payments.create_link', target: accountId, details: { amount: request.payment_amount, currency: request.currency, payment_reference: request.payment_reference ?? null }, idempotencyKey: key }, () =>
    callKlarna(() => api.paymentRequests.create(accountId, request, { idempotencyKey: key }), identity),
  );
  await ctx.db
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
      createdBy: ctx.actor.id,
    })
    .onConflictDoNothing();
  await addPaymentTimeline(ctx.db, { paymentRequestId: created.payment_request_id, occurredAt: new Date(), source: 'dashboard', kind: 'request.created', summary: `Payment link created for ${formatMinorUnits(request.payment_amount, request.currency)}`, amount: request.payment_amount, currency: request.currency, actorId: ctx.actor.id, actorEmail: ctx.actor.email });
  return created;
}

export async function cancelPaymentLink(ctx: PaymentCtx, accountId: string, paymentRequestId: string): Promise<PaymentRequest> {
  operator(ctx);
  const api = await klarna(ctx);
  const canceled = await audited(ctx, { action: 'payments.cancel_link', target: paymentRequestId }, () => callKlarna(() => api.paymentRequests.cancel(accountId, paymentRequestId)));
  await ctx.db.update(paymentRequests).set({ state: canceled.state, klarnaUpdatedAt: new Date(canceled.updated_at), klarna: canceled as Record<string, unknown>, updatedAt: new Date() }).where(eq(paymentRequests.paymentRequestId, paymentRequestId));
  return canceled;
}

/**
 * Confirms an approved payment link (the shopper's return to this dashboard carries the
 * token). Idempotent per token at Klarna; the transaction it creates is read into the cache.
 */
export async function confirmPaymentLink(ctx: Omit<PaymentCtx, 'actor'>, paymentRequestId: string, token: string): Promise<PaymentTransactionRow> {
  const [link] = await ctx.db.select().from(paymentRequests).where(eq(paymentRequests.paymentRequestId, paymentRequestId)).limit(1);
  if (!link) throw new NotFoundError('This payment link was not created in this dashboard.');
  const api = await klarnaFor(ctx.db, ctx.settings);
  const key = idempotencyKey({ operation: 'paymentRequests.confirm', target: paymentRequestId, nonce: token });
  if (link.currency === null || link.paymentAmount === null) throw new NotFoundError('This payment link has no amount stored; it cannot be confirmed from here.');
  // The confirmation restates what the shopper approved (seed, "Confirm the payment").
  const body = { currency: link.currency, payment_amount: link.paymentAmount, ...(link.paymentReference ? { payment_reference: link.paymentReference } : {}), ...(link.merchantReference ? { merchant_reference: link.merchantReference } : {}) };
  const confirmed = await callKlarna(() => api.paymentRequests.confirm(link.accountId, token, body, { idempotencyKey: key }));
  const transactionId = confirmed.state_context.payment_transaction_id;
  if (!transactionId) throw new NotFoundError('Klarna confirmed the payment but named no transaction.');
  await ctx.db.update(paymentRequests).set({ state: confirmed.state, paymentTransactionId: transactionId, klarnaUpdatedAt: new Date(confirmed.updated_at), updatedAt: new Date() }).where(eq(paymentRequests.paymentRequestId, paymentRequestId));
  const transaction = await callKlarna(() => api.paymentTransactions.get(link.accountId, transactionId));
  const row = await savePaymentTransaction(ctx.db, transaction, link.accountId, 'dashboard');
  await recordAudit(ctx.db, { actor: 'system', action: 'payments.confirm', target: { type: 'payment', id: transactionId }, details: { payment_request_id: paymentRequestId }, requestId: ctx.requestId, idempotencyKey: key });
  return row;
}
