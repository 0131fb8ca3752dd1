import {
  eventTypeMatches,
  knownEventTypes,
  webhookCreateRequestSchema,
  webhookSimulateRequestSchema,
  webhookUpdateRequestSchema,
} from '../../lib/klarna/schemas/webhooks';
import { parseWith, sandboxErrors } from '../errors';
import { ids } from '../state/ids';
import type { SandboxData, WebhookRecord } from '../state/types';
import { dummyPayload } from '../webhooks/dummy-payloads';
import type { RouteGroup } from './types';

// The sandbox may call a dashboard on the same machine over plain http (klarna-api-notes.md).
const createSchema = webhookCreateRequestSchema({ allowLoopbackHttp: true });
const updateSchema = webhookUpdateRequestSchema({ allowLoopbackHttp: true });

function requireWebhook(data: SandboxData, id: string): WebhookRecord {
  const webhook = data.webhooks[id];
  if (!webhook) throw sandboxErrors.resourceNotFound(`Webhook ${id}`);
  return webhook;
}

function requireSigningKey(data: SandboxData, id: string | undefined) {
  if (id !== undefined && !data.signing_keys[id]) {
    throw sandboxErrors.validation([{ parameter: 'signing_key_id', error_message: `no signing key ${id}` }]);
  }
}

function publicWebhook(w: WebhookRecord) {
  return { ...w };
}

/** Webhooks (klarna-api-notes.md, "Management API"), plus the test environment's simulate. */
export const webhooksRoutes: RouteGroup = {
  'webhooks.create': ({ sandbox, body }) => {
    const input = parseWith(createSchema, body);
    const data = sandbox.store.data;
    requireSigningKey(data, input.signing_key_id);
    const now = sandbox.clock.iso();
    const record: WebhookRecord = {
      webhook_id: ids.webhook(),
      url: input.url,
      event_types: input.event_types,
      event_version: input.event_version,
      signing_key_id: input.signing_key_id,
      status: input.status ?? 'ENABLED',
      created_at: now,
      updated_at: now,
    };
    data.webhooks[record.webhook_id] = record;
    sandbox.store.changed();
    return { status: 200, body: publicWebhook(record) };
  },
  'webhooks.list': ({ sandbox }) => ({
    status: 200,
    body: { webhooks: Object.values(sandbox.store.data.webhooks).map(publicWebhook) },
  }),
  'webhooks.get': ({ sandbox, params }) => ({
    status: 200,
    body: publicWebhook(requireWebhook(sandbox.store.data, params.webhook_id!)),
  }),
  'webhooks.update': ({ sandbox, params, body }) => {
    const data = sandbox.store.data;
    const webhook = requireWebhook(data, params.webhook_id!);
    const input = parseWith(updateSchema, body);
    requireSigningKey(data, input.signing_key_id);
    // Deliveries already queued keep the configuration they captured (seed, "Retry mechanism").
    Object.assign(webhook, Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)), {
      updated_at: sandbox.clock.iso(),
    });
    sandbox.store.changed();
    return { status: 200, body: publicWebhook(webhook) };
  },
  'webhooks.delete': ({ sandbox, params }) => {
    const data = sandbox.store.data;
    requireWebhook(data, params.webhook_id!);
    delete data.webhooks[params.webhook_id!];
    sandbox.store.changed();
    return { status: 204 };
  },
  'webhooks.simulate': ({ sandbox, params, body }) => {
    const data = sandbox.store.data;
    const webhook = requireWebhook(data, params.webhook_id!);
    const input = parseWith(webhookSimulateRequestSchema, body);
    if (!(knownEventTypes as readonly string[]).includes(input.event_type)) {
      throw sandboxErrors.validation([
        { parameter: 'event_type', error_message: `unknown event type; one of ${knownEventTypes.join(', ')}` },
      ]);
    }
    if (!webhook.event_types.some((pattern) => eventTypeMatches(pattern, input.event_type))) {
      throw sandboxErrors.validation([
        { parameter: 'event_type', error_message: `the webhook is not subscribed to ${input.event_type}` },
      ]);
    }
    if (webhook.status !== 'ENABLED')
      throw sandboxErrors.conflict(`Webhook ${webhook.webhook_id} is DISABLED; enable it to simulate events.`);
    const payload = dummyPayload(input.event_type, sandbox.clock.iso());
    // A product event's metadata names the same product instance as its payload.
    const productInstanceId = typeof payload.product_instance_id === 'string' ? payload.product_instance_id : undefined;
    const emitted = sandbox.emitEvent(
      {
        event_type: input.event_type,
        account_id: sandbox.store.partnerAccountId,
        product_instance_id: productInstanceId,
        payload,
      },
      { webhookId: webhook.webhook_id },
    );
    return {
      status: 200,
      body: { event_id: emitted.event_id, event_type: input.event_type, webhook_id: webhook.webhook_id },
    };
  },
};
