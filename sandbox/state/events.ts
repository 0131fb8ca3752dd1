import { randomUUID } from 'node:crypto';
import { eventTypeMatches } from '../../lib/klarna/schemas/webhooks';
import type { SandboxClock } from '../clock';
import { ids } from './ids';
import type { SandboxStore } from './store';
import type { DeliveryRecord } from './types';

export type EmitEventInput = {
  event_type: string;
  /** The account the event is about; the partner's own account when omitted. */
  account_id?: string | null;
  /**
   * Omitted for account events (`partner.account.state-change.*`, which concern the whole
   * account); for every other event the given product instance, or a made-up one.
   */
  product_instance_id?: string | null;
  payload: Record<string, unknown>;
  correlation_id?: string;
};

export type EmittedEvent = {
  event_id: string;
  event_type: string;
  deliveries: { delivery_id: string; webhook_id: string }[];
};

/**
 * Queues one event for every ENABLED webhook whose `event_types` patterns match it (or only
 * for `webhookId`, as simulate does). Each delivery captures the webhook's URL and signing key
 * and the exact body now; the dispatcher sends it at once and retries on Klarna's schedule.
 */
export function queueEvent(
  store: SandboxStore,
  clock: SandboxClock,
  input: EmitEventInput,
  options: { webhookId?: string } = {},
): EmittedEvent {
  const eventId = randomUUID();
  const occurredAt = clock.iso();
  // Seed: the account event "doesn't contain a product_instance_id, given this event affects the whole account".
  const accountEvent =
    input.event_type.startsWith('partner.account.') && !input.event_type.startsWith('partner.account.product.');
  const productInstanceId = accountEvent ? null : (input.product_instance_id ?? ids.productInstance());
  const correlationId = input.correlation_id ?? randomUUID();
  const deliveries: EmittedEvent['deliveries'] = [];

  for (const webhook of Object.values(store.data.webhooks)) {
    if (
      options.webhookId
        ? webhook.webhook_id !== options.webhookId
        : webhook.status !== 'ENABLED' || !webhook.event_types.some((p) => eventTypeMatches(p, input.event_type))
    )
      continue;
    // A webhook whose key was deleted still signs with it: the receiver decides (signing-keys.ts route).
    const signingKey =
      store.data.signing_keys[webhook.signing_key_id] ?? store.data.deleted_signing_keys?.[webhook.signing_key_id];
    if (!signingKey) continue;
    const envelope = {
      metadata: {
        event_type: input.event_type,
        event_id: eventId,
        event_version: webhook.event_version,
        occurred_at: occurredAt,
        correlation_id: correlationId,
        account_id: input.account_id ?? store.partnerAccountId,
        ...(productInstanceId ? { product_instance_id: productInstanceId } : {}),
        webhook_id: webhook.webhook_id,
        live: false,
      },
      payload: input.payload,
    };
    const delivery: DeliveryRecord = {
      delivery_id: randomUUID(),
      event_id: eventId,
      event_type: input.event_type,
      webhook_id: webhook.webhook_id,
      url: webhook.url,
      signing_key_id: signingKey.signing_key_id,
      signing_key: signingKey.signing_key,
      // Compact JSON: the signed bytes are exactly the bytes sent.
      body: JSON.stringify(envelope),
      created_at: occurredAt,
      state: 'pending',
      next_attempt_at_ms: clock.nowMs(),
      attempts: [],
    };
    store.data.deliveries[delivery.delivery_id] = delivery;
    deliveries.push({ delivery_id: delivery.delivery_id, webhook_id: webhook.webhook_id });
  }
  if (deliveries.length) store.changed();
  return { event_id: eventId, event_type: input.event_type, deliveries };
}
