import { randomUUID } from 'node:crypto';
import { ids } from '../state/ids';

/** The seed's sample account_reference. */
const DUMMY_ACCOUNT_REFERENCE = 'M123786123412';

/** Test data for a simulated event (seed, "Simulate and test webhooks": dummy data matching the event type). */
export function dummyPayload(eventType: string, now: string): Record<string, unknown> {
  const paymentRequestId = `krn:payment:eu1:request:${randomUUID()}`;
  const transactionId = `krn:payment:eu1:transaction:${randomUUID()}`;
  const stateChange = /state-change\.([a-z-]+)$/.exec(eventType)?.[1];
  const upper = (s: string) => s.replace(/-/g, '_').toUpperCase();

  if (eventType.startsWith('payment.request.')) {
    const previous: Record<string, string> = {
      SUBMITTED: 'SUBMITTED',
      IN_PROGRESS: 'SUBMITTED',
      PREPARED: 'IN_PROGRESS',
      PENDING_CONFIRMATION: 'PREPARED',
      AUTHORIZED: 'PENDING_CONFIRMATION',
      CANCELED: 'SUBMITTED',
      EXPIRED: 'IN_PROGRESS',
      DECLINED: 'IN_PROGRESS',
    };
    const state = stateChange ? upper(stateChange) : 'SUBMITTED';
    return {
      payment_request_id: paymentRequestId,
      payment_reference: 'partner-payref-1234',
      merchant_reference: 'order-5678',
      state,
      ...(stateChange ? { previous_state: previous[state] ?? 'SUBMITTED' } : { updated_at: now }),
      ...(state === 'AUTHORIZED' ? { payment_transaction_id: transactionId } : {}),
    };
  }
  if (eventType.startsWith('payment.transaction.'))
    return dummyTransactionPayload(
      eventType,
      stateChange ? upper(stateChange) : null,
      transactionId,
      paymentRequestId,
      now,
    );
  // Account and product events carry what the sandbox's own merchant accounts send (state/accounts.ts).
  if (eventType.startsWith('partner.account.product.payment.state-change.')) {
    const state = stateChange ? upper(stateChange) : 'ENABLED';
    return {
      account_reference: DUMMY_ACCOUNT_REFERENCE,
      product_instance_id: ids.productInstance(),
      state,
      previous_state: state === 'ENABLED' ? 'DISABLED' : 'ENABLED',
    };
  }
  if (eventType.startsWith('partner.account.')) {
    return {
      account_reference: DUMMY_ACCOUNT_REFERENCE,
      state: stateChange ? upper(stateChange) : 'OPERATIONAL',
      previous_state: 'PARTIALLY_OPERATIONAL',
    };
  }
  if (eventType === 'settlement.report.created') {
    const settlementId = `krn:settlement:eu1:${randomUUID()}`;
    return {
      settlement_id: settlementId,
      currency: 'EUR',
      created_at: now,
      links: { settlement: `/v1/settlements/${settlementId}`, csv: `/v1/settlements/${settlementId}/csv` },
    };
  }
  return { simulated: true };
}

/**
 * A transaction event as the sandbox's real ones are (state/payments.ts, emitTransactionEvent):
 * the state after the change and every amount, for a made-up 118.00 EUR transaction; a captured
 * or refunded event also carries the capture or refund it reports.
 */
function dummyTransactionPayload(
  eventType: string,
  stateChange: string | null,
  transactionId: string,
  paymentRequestId: string,
  now: string,
): Record<string, unknown> {
  const amount = 11800;
  const captured = eventType.endsWith('.captured') || eventType.endsWith('.refunded') || stateChange === 'COMPLETED';
  const refunded = eventType.endsWith('.refunded');
  const state = stateChange ?? (captured ? 'COMPLETED' : 'AUTHORIZED');
  const capture = {
    payment_capture_id: `krn:payment:eu1:capture:${randomUUID()}`,
    capture_reference: null,
    amount,
    refunded_amount: refunded ? amount : 0,
    created_at: now,
  };
  const refund = {
    payment_refund_id: `krn:payment:eu1:refund:${randomUUID()}`,
    refund_reference: null,
    amount,
    payment_capture_id: capture.payment_capture_id,
    created_at: now,
  };
  return {
    payment_transaction_id: transactionId,
    payment_request_id: paymentRequestId,
    payment_reference: 'partner-payref-1234',
    merchant_reference: 'order-5678',
    state,
    previous_state:
      state === 'AUTHORIZED'
        ? null
        : captured
          ? eventType.endsWith('.refunded')
            ? 'COMPLETED'
            : 'AUTHORIZED'
          : 'AUTHORIZED',
    currency: 'EUR',
    authorized_amount: amount,
    captured_amount: captured ? amount : 0,
    refunded_amount: refunded ? amount : 0,
    remaining_authorized_amount: state === 'AUTHORIZED' ? amount : 0,
    updated_at: now,
    ...(eventType.endsWith('.captured') ? { amount, capture } : {}),
    ...(refunded ? { amount, refund } : {}),
  };
}
