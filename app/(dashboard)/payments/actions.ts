'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { actionClient } from '@/lib/action';
import {
  cancelPaymentLink,
  capturePayment,
  createPaymentLink,
  reauthorizePayment,
  refreshPayment,
  refundInputSchema,
  refundPayment,
  releaseRemaining,
  updatePayment,
} from '@/lib/payments/service';

// Bodies are Klarna wire bodies, checked by the services with the shared schemas (errors keyed
// by Klarna's parameter paths, the forms' field names); here only the envelope is checked.
const target = z.object({ accountId: z.string().trim().min(1).max(300), paymentTransactionId: z.string().trim().min(1).max(300) });
const intentId = z.uuid();
const body = z.record(z.string(), z.unknown());

const operate = (name: string) => actionClient.metadata({ name, capability: 'payments.operate' });
const refreshed = <T>(paymentTransactionId: string | null, value: T) => {
  revalidatePath('/payments');
  if (paymentTransactionId) revalidatePath(`/payments/${encodeURIComponent(paymentTransactionId)}`);
  return value;
};

export const captureAction = operate('capturePayment')
  .inputSchema(target.extend({ intentId, request: body }))
  .action(async ({ parsedInput: { intentId: id, request, ...t }, ctx }) => {
    const { capture, payment_transaction } = await capturePayment(ctx, t, id, request);
    return refreshed(t.paymentTransactionId, { captureId: capture.payment_capture_id, state: payment_transaction.state });
  });

export const refundAction = operate('refundPayment')
  .inputSchema(target.extend({ intentId, request: body }).extend(refundInputSchema.shape))
  .action(async ({ parsedInput: { intentId: id, request, captureId, reason, ...t }, ctx }) => {
    const { refund, payment_transaction } = await refundPayment(ctx, t, id, { captureId, reason }, request);
    return refreshed(t.paymentTransactionId, { refundId: refund.payment_refund_id, state: payment_transaction.state });
  });

export const releaseAction = operate('releaseRemainingAuthorization')
  .inputSchema(target.extend({ intentId }))
  .action(async ({ parsedInput: { intentId: id, ...t }, ctx }) => refreshed(t.paymentTransactionId, { state: (await releaseRemaining(ctx, t, id)).state }));

export const updatePaymentAction = operate('updatePayment')
  .inputSchema(target.extend({ intentId, request: body }))
  .action(async ({ parsedInput: { intentId: id, request, ...t }, ctx }) => refreshed(t.paymentTransactionId, { state: (await updatePayment(ctx, t, id, request)).state }));

export const reauthorizeAction = operate('reauthorizePayment')
  .inputSchema(target.extend({ intentId, request: body }))
  .action(async ({ parsedInput: { intentId: id, request, ...t }, ctx }) => refreshed(t.paymentTransactionId, { state: (await reauthorizePayment(ctx, t, id, request)).state }));

/** "Refresh from Klarna": any role that can see the payment may repair the copy. */
export const refreshPaymentAction = actionClient
  .metadata({ name: 'refreshPayment', capability: 'dashboard.read' })
  .inputSchema(target)
  .action(async ({ parsedInput: t, ctx }) => refreshed(t.paymentTransactionId, { state: (await refreshPayment(ctx, t)).state }));

export const createPaymentLinkAction = operate('createPaymentLink')
  .inputSchema(z.object({ accountId: z.string().trim().min(1).max(300), intentId, request: body }))
  .action(async ({ parsedInput: p, ctx }) => {
    const created = await createPaymentLink(ctx, p.accountId, p.intentId, p.request);
    revalidatePath('/payments/links');
    return { paymentRequestId: created.payment_request_id, distributionUrl: created.state_context.distribution?.url ?? null, state: created.state };
  });

export const cancelPaymentLinkAction = operate('cancelPaymentLink')
  .inputSchema(z.object({ accountId: z.string().trim().min(1).max(300), paymentRequestId: z.string().trim().min(1).max(300) }))
  .action(async ({ parsedInput: p, ctx }) => {
    const canceled = await cancelPaymentLink(ctx, p.accountId, p.paymentRequestId);
    revalidatePath('/payments/links');
    return { state: canceled.state };
  });
