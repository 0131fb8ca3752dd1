'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { actionClient } from '@/lib/action';
import {
  cancelPaymentLink,
  capturePayment,
  createPaymentLink,
  EarlierOutcomeError,
  OutcomeUnknownError,
  reauthorizePayment,
  resolvePaymentOutcomes,
  type OperationOutcome,
  refreshPayment,
  refundInputSchema,
  refundPayment,
  releaseRemaining,
  updatePayment,
} from '@/lib/payments/service';

// Bodies are Klarna wire bodies, checked by the services with the shared schemas (errors keyed
// by Klarna's parameter paths, the forms' field names); here only the envelope is checked.
const target = z.object({
  accountId: z.string().trim().min(1).max(300),
  paymentTransactionId: z.string().trim().min(1).max(300),
});
const intentId = z.uuid();
const body = z.record(z.string(), z.unknown());

const operate = (name: string) => actionClient.metadata({ name, capability: 'payments.operate' });
const refreshed = <T>(paymentTransactionId: string | null, value: T) => {
  revalidatePath('/payments');
  if (paymentTransactionId) revalidatePath(`/payments/${encodeURIComponent(paymentTransactionId)}`);
  return value;
};

/**
 * What a money operation's action answers: done (Klarna's answer), or, when that answer was
 * lost, what reading the payment from Klarna showed, in a sentence (made or not made).
 */
type Outcome =
  { outcome: 'done'; state: string } | { outcome: 'resolved'; made: boolean; message: string; state: string };
function outcomeOf<T>(result: OperationOutcome<T>, state: (result: T) => string): Outcome {
  return result.status === 'done'
    ? { outcome: 'done', state: state(result.result) }
    : { outcome: 'resolved', made: result.made, message: result.message, state: result.transaction.state };
}

/** Refreshes the payment's pages even when the operation failed on an earlier lost intent (the read changed what they show). */
async function settled<T>(paymentTransactionId: string, run: () => Promise<T>): Promise<T> {
  try {
    return refreshed(paymentTransactionId, await run());
  } catch (error) {
    if (error instanceof EarlierOutcomeError || error instanceof OutcomeUnknownError)
      refreshed(paymentTransactionId, null);
    throw error;
  }
}

export const captureAction = operate('capturePayment')
  .inputSchema(target.extend({ intentId, request: body }))
  .action(async ({ parsedInput: { intentId: id, request, ...t }, ctx }) =>
    settled(t.paymentTransactionId, async () =>
      outcomeOf(await capturePayment(ctx, t, id, request), (r) => r.payment_transaction.state),
    ),
  );

export const refundAction = operate('refundPayment')
  .inputSchema(target.extend({ intentId, request: body }).extend(refundInputSchema.shape))
  .action(async ({ parsedInput: { intentId: id, request, captureId, reason, ...t }, ctx }) =>
    settled(t.paymentTransactionId, async () =>
      outcomeOf(await refundPayment(ctx, t, id, { captureId, reason }, request), (r) => r.payment_transaction.state),
    ),
  );

export const releaseAction = operate('releaseRemainingAuthorization')
  .inputSchema(target.extend({ intentId }))
  .action(async ({ parsedInput: { intentId: id, ...t }, ctx }) =>
    settled(t.paymentTransactionId, async () => outcomeOf(await releaseRemaining(ctx, t, id), (r) => r.state)),
  );

export const updatePaymentAction = operate('updatePayment')
  .inputSchema(target.extend({ intentId, request: body }))
  .action(async ({ parsedInput: { intentId: id, request, ...t }, ctx }) =>
    settled(t.paymentTransactionId, async () => ({ state: (await updatePayment(ctx, t, id, request)).state })),
  );

export const reauthorizeAction = operate('reauthorizePayment')
  .inputSchema(target.extend({ intentId, request: body }))
  .action(async ({ parsedInput: { intentId: id, request, ...t }, ctx }) =>
    settled(t.paymentTransactionId, async () =>
      outcomeOf(await reauthorizePayment(ctx, t, id, request), (r) => r.state),
    ),
  );

/** "Check with Klarna": what the payment's lost operations came to, read from Klarna (any role that sees the payment). */
export const resolveOutcomesAction = actionClient
  .metadata({ name: 'resolvePaymentOutcomes', capability: 'dashboard.read' })
  .inputSchema(target)
  .action(async ({ parsedInput: t, ctx }) =>
    settled(t.paymentTransactionId, async () => ({ messages: await resolvePaymentOutcomes(ctx, t) })),
  );

/** "Refresh from Klarna": any role that can see the payment may repair the copy. */
export const refreshPaymentAction = actionClient
  .metadata({ name: 'refreshPayment', capability: 'dashboard.read' })
  .inputSchema(target)
  .action(async ({ parsedInput: t, ctx }) =>
    refreshed(t.paymentTransactionId, { state: (await refreshPayment(ctx, t)).state }),
  );

export const createPaymentLinkAction = operate('createPaymentLink')
  .inputSchema(z.object({ accountId: z.string().trim().min(1).max(300), intentId, request: body }))
  .action(async ({ parsedInput: p, ctx }) => {
    const created = await createPaymentLink(ctx, p.accountId, p.intentId, p.request);
    revalidatePath('/payments/links');
    return {
      paymentRequestId: created.payment_request_id,
      distributionUrl: created.state_context.distribution?.url ?? null,
      state: created.state,
    };
  });

export const cancelPaymentLinkAction = operate('cancelPaymentLink')
  .inputSchema(
    z.object({ accountId: z.string().trim().min(1).max(300), paymentRequestId: z.string().trim().min(1).max(300) }),
  )
  .action(async ({ parsedInput: p, ctx }) => {
    const canceled = await cancelPaymentLink(ctx, p.accountId, p.paymentRequestId);
    revalidatePath('/payments/links');
    return { state: canceled.state };
  });
