import { z } from 'zod';
import { openEnum } from './open';

export const webhookStatuses = ['ENABLED', 'DISABLED'] as const;
export const eventVersions = ['v1'] as const;

/** Klarna's v1 event types (klarna-api-notes.md, "Webhooks"); others parse as raw strings. */
export const knownEventTypes = [
  'payment.request.state-change.submitted',
  'payment.request.state-change.in-progress',
  'payment.request.state-change.prepared',
  'payment.request.state-change.pending-confirmation',
  'payment.request.state-change.authorized',
  'payment.request.state-change.canceled',
  'payment.request.state-change.expired',
  'payment.request.state-change.declined',
  'payment.request.updated',
  'payment.transaction.state-change.authorized',
  'payment.transaction.state-change.completed',
  'payment.transaction.state-change.expired',
  'payment.transaction.state-change.closed',
  'payment.transaction.captured',
  'payment.transaction.refunded',
  'partner.account.state-change.operational',
  'partner.account.product.payment.state-change.enabled',
  'partner.account.product.payment.state-change.disabled',
  'settlement.report.created',
] as const;
export type KnownEventType = (typeof knownEventTypes)[number];

/** An event type or a pattern with `*` wildcards, e.g. `payment.request.*` (seed, "Webhook wildcards"). */
export const eventTypePatternSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'at most 255 characters')
  .regex(/^[a-z0-9*][a-z0-9.*_-]*$/, 'use lowercase letters, digits, ".", "-", "_" and "*"');

export function eventTypeMatches(pattern: string, eventType: string): boolean {
  if (!pattern.includes('*')) return pattern === eventType;
  let regex = patternCache.get(pattern);
  if (!regex) {
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    regex = new RegExp(`^${source}$`);
    if (patternCache.size < 1000) patternCache.set(pattern, regex);
  }
  return regex.test(eventType);
}
const patternCache = new Map<string, RegExp>();

/** Klarna calls HTTPS endpoints only (seed, "Establish a secure endpoint"); the sandbox also allows loopback http. */
export function webhookUrlSchema(options: { allowLoopbackHttp: boolean }) {
  return z
    .string()
    .trim()
    .max(2048, 'at most 2048 characters')
    .url('must be an absolute URL')
    .refine(
      (value) => {
        const url = new URL(value);
        if (url.protocol === 'https:') return true;
        return (
          options.allowLoopbackHttp &&
          url.protocol === 'http:' &&
          ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
        );
      },
      options.allowLoopbackHttp ? 'must use https (plain http only to localhost)' : 'must use https',
    );
}

export function webhookCreateRequestSchema(options: { allowLoopbackHttp: boolean }) {
  return z.strictObject({
    url: webhookUrlSchema(options),
    event_types: z
      .array(eventTypePatternSchema)
      .min(1, 'choose at least one event type')
      .max(100, 'at most 100 event types'),
    event_version: z.enum(eventVersions),
    signing_key_id: z.string().min(1, 'must not be empty'),
    status: z.enum(webhookStatuses).optional(),
  });
}
export type WebhookCreateRequest = z.infer<ReturnType<typeof webhookCreateRequestSchema>>;

export function webhookUpdateRequestSchema(options: { allowLoopbackHttp: boolean }) {
  return webhookCreateRequestSchema(options)
    .partial()
    .refine((body) => Object.keys(body).length > 0, 'send at least one field to change');
}
export type WebhookUpdateRequest = z.infer<ReturnType<typeof webhookUpdateRequestSchema>>;

export const webhookSchema = z
  .object({
    webhook_id: z.string(),
    url: z.string(),
    event_types: z.array(z.string()),
    event_version: openEnum(eventVersions),
    signing_key_id: z.string(),
    status: openEnum(webhookStatuses),
    created_at: z.string().optional(),
    updated_at: z.string().optional(),
  })
  .loose();
export type Webhook = z.infer<typeof webhookSchema>;

export const webhookListSchema = z.object({ webhooks: z.array(webhookSchema) }).loose();

/** Ours (klarna-api-notes.md): the seed names the inputs but prints no path or answer. */
export const webhookSimulateRequestSchema = z.strictObject({
  event_type: z.string().trim().min(1, 'must not be empty').max(255),
  event_version: z.enum(eventVersions),
});
export type WebhookSimulateRequest = z.infer<typeof webhookSimulateRequestSchema>;
export const webhookSimulatedSchema = z
  .object({ event_id: z.string(), event_type: z.string(), webhook_id: z.string() })
  .loose();

/**
 * The envelope every webhook carries. `event_id` is optional: the seed's own operational example
 * has none (seed 002 l. 1299–1316); the receiver then de-duplicates by a digest of the signed body.
 */
export const eventMetadataSchema = z
  .object({
    event_type: z.string().min(1),
    event_id: z.string().min(1).optional(),
    event_version: z.string(),
    occurred_at: z.string(),
    correlation_id: z.string().nullish(),
    account_id: z.string().nullish(),
    product_instance_id: z.string().nullish(),
    webhook_id: z.string().nullish(),
    live: z.boolean().optional(),
  })
  .loose();
export const webhookEventSchema = z
  .object({ metadata: eventMetadataSchema, payload: z.record(z.string(), z.unknown()).nullish() })
  .loose();
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
