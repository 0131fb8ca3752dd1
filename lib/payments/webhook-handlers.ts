import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { paymentRequests, paymentTransactions } from '@/db/schema';
import {
  captureSchema,
  paymentPricingSchema,
  paymentRequestEventPayloadSchema,
  paymentTransactionEventPayloadSchema,
  refundSchema,
} from '@/lib/klarna/schemas/payments';
import {
  IgnoredEvent,
  type StoredWebhookEvent,
  type WebhookHandler,
  type WebhookHandlerRegistry,
} from '@/lib/webhooks/handlers';
import { AWAITING_SIMULATION, simulationVerdict } from '@/lib/webhooks/simulations';
import { addPaymentTimeline, applyTransactionSnapshot, saveOperations } from './cache';

export const paymentTransactionHandler: WebhookHandler = async (tx, events) => {
  for (const event of events) await applyTransactionEvent(tx, event);
};

export const paymentRequestHandler: WebhookHandler = async (tx, events) => {
  for (const event of events) await applyRequestEvent(tx, event);
};

export function registerPaymentHandlers(registry: WebhookHandlerRegistry): void {
  registry.register('payment.transaction.*', paymentTransactionHandler);
  registry.register('payment.request.*', paymentRequestHandler);
}

function occurredAt(event: StoredWebhookEvent): Date {
  const at = new Date(event.envelope.metadata.occurred_at);
  return Number.isNaN(at.getTime()) ? event.row.receivedAt : at;
}

const verb: Record<string, string> = {
  'payment.transaction.captured': 'Captured',
  'payment.transaction.refunded': 'Refunded',
  'payment.transaction.updated': 'Updated',
};

/** A text field the event carries (null: Klarna says there is none), or undefined when it does not carry it. */
const carriedText = (p: Record<string, unknown>, key: string) =>
  key in p ? (typeof p[key] === 'string' ? (p[key] as string) : null) : undefined;

async function applyTransactionEvent(tx: Db, event: StoredWebhookEvent) {
  const accountId = event.envelope.metadata.account_id;
  if (!accountId) throw new Error('transaction event without metadata.account_id');
  const p = paymentTransactionEventPayloadSchema.parse(event.envelope.payload);
  await refuseSimulatedUnknown(tx, event, p.payment_transaction_id);
  // Klarna's change time when carried, so a read of the same change is not refused as older.
  const at =
    typeof p.updated_at === 'string' && !Number.isNaN(Date.parse(p.updated_at))
      ? new Date(p.updated_at)
      : occurredAt(event);
  const applied = await applyTransactionSnapshot(
    tx,
    {
      paymentTransactionId: p.payment_transaction_id,
      accountId,
      state: p.state,
      currency: p.currency,
      authorizedAmount: p.authorized_amount,
      capturedAmount: p.captured_amount,
      refundedAmount: p.refunded_amount,
      remainingAuthorizedAmount: p.remaining_authorized_amount,
      operationsCount: p.operations_count ?? null,
      paymentRequestId: typeof p.payment_request_id === 'string' ? p.payment_request_id : null,
      merchantReference: carriedText(p, 'merchant_reference'),
      paymentReference: carriedText(p, 'payment_reference'),
      expiresAt:
        typeof p.expires_at === 'string' && !Number.isNaN(Date.parse(p.expires_at))
          ? new Date(p.expires_at)
          : undefined,
    },
    at,
  );
  await saveEventOperation(tx, accountId, p);
  const type = event.row.eventType ?? event.envelope.metadata.event_type;
  const amount = typeof p.amount === 'number' ? p.amount : null;
  const what =
    verb[type] ??
    (type.startsWith('payment.transaction.state-change.')
      ? `State ${p.state}${p.previous_state ? ` (was ${p.previous_state})` : ''}`
      : type);
  await addPaymentTimeline(tx, {
    paymentTransactionId: p.payment_transaction_id,
    occurredAt: at,
    source: 'webhook',
    kind: type.replace('payment.transaction.', ''),
    summary: `${what}${applied ? '' : ' – arrived after a newer change, not applied'}`,
    amount,
    currency: p.currency,
    eventId: event.row.eventId,
    details: {
      event_type: type,
      state: p.state,
      captured_amount: p.captured_amount,
      refunded_amount: p.refunded_amount,
      remaining_authorized_amount: p.remaining_authorized_amount,
    },
  });
}

/** An unknown transaction is learnt from its events, except from a Klarna test event with dummy data. */
async function refuseSimulatedUnknown(tx: Db, event: StoredWebhookEvent, paymentTransactionId: string) {
  const [known] = await tx
    .select({ id: paymentTransactions.paymentTransactionId })
    .from(paymentTransactions)
    .where(eq(paymentTransactions.paymentTransactionId, paymentTransactionId))
    .limit(1);
  if (known) return;
  const verdict = await simulationVerdict(tx, event.row);
  if (verdict === 'simulated')
    throw new IgnoredEvent(
      'ignored: no payment with this id is known here (a test event: Klarna sent it with dummy data)',
    );
  // Maybe the test event whose name Klarna has not given yet, maybe a real one: failed for now, re-processed when the answer comes.
  if (verdict === 'awaiting') throw new Error(AWAITING_SIMULATION);
}

/** A captured/refunded event's operation becomes a `payment_operations` row (settlements reconcile against it). */
async function saveEventOperation(
  tx: Db,
  accountId: string,
  p: Record<string, unknown> & { payment_transaction_id: string; currency: string },
) {
  const capture = captureSchema.safeParse(p.capture);
  const refund = refundSchema.safeParse(p.refund);
  if (!capture.success && !refund.success) return;
  const [cached] = await tx
    .select({ klarna: paymentTransactions.klarna })
    .from(paymentTransactions)
    .where(eq(paymentTransactions.paymentTransactionId, p.payment_transaction_id))
    .limit(1);
  const pricing = paymentPricingSchema.safeParse(cached?.klarna?.payment_pricing);
  await saveOperations(
    tx,
    {
      paymentTransactionId: p.payment_transaction_id,
      accountId,
      currency: p.currency,
      pricing: pricing.success ? pricing.data : null,
    },
    capture.success ? [capture.data] : [],
    refund.success ? [refund.data] : [],
  );
}

async function applyRequestEvent(tx: Db, event: StoredWebhookEvent) {
  const accountId = event.envelope.metadata.account_id;
  if (!accountId) throw new Error('payment request event without metadata.account_id');
  const p = paymentRequestEventPayloadSchema.parse(event.envelope.payload);
  const at = occurredAt(event);
  const [known] = await tx
    .select()
    .from(paymentRequests)
    .where(eq(paymentRequests.paymentRequestId, p.payment_request_id))
    .limit(1);
  if (known && (!known.klarnaUpdatedAt || known.klarnaUpdatedAt <= at)) {
    await tx
      .update(paymentRequests)
      .set({
        state: p.state,
        klarnaUpdatedAt: at,
        updatedAt: new Date(),
        ...(p.payment_transaction_id ? { paymentTransactionId: p.payment_transaction_id } : {}),
      })
      .where(eq(paymentRequests.paymentRequestId, p.payment_request_id));
  }
  // A request not created here lives only on the timeline; its transaction arrives via transaction events.
  await addPaymentTimeline(tx, {
    paymentRequestId: p.payment_request_id,
    paymentTransactionId: p.payment_transaction_id ?? null,
    occurredAt: at,
    source: 'webhook',
    kind: (event.row.eventType ?? event.envelope.metadata.event_type).replace('payment.request.', 'request.'),
    summary: `Payment request ${p.state}${p.previous_state ? ` (was ${p.previous_state})` : ''}`,
    eventId: event.row.eventId,
    details: { event_type: event.row.eventType },
  });
}
