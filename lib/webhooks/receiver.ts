import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { webhookEvents, type WebhookEventRow } from '@/db/schema';
import { verifyWebhookSignature } from '@/lib/klarna/signature';
import { webhookEventSchema, type WebhookEvent } from '@/lib/klarna/schemas/webhooks';
import { eventWriterFor } from './event-writer';
import { isIgnoredEvent, type WebhookHandler, type WebhookHandlerRegistry } from './handlers';
import { outcomeNote } from './outcome';
import { describeKeyRefusal, type SigningKeyLookup } from './signing-keys';

export type ReceiverDeps = {
  db: Db;
  signingKey: SigningKeyLookup;
  handlers: WebhookHandlerRegistry;
  /** Source IPs allowed to deliver; null accepts any. */
  allowedIps: ReadonlySet<string> | null;
};

export type Delivery = { rawBody: string; headers: Headers; sourceIp: string | null };

export type ReceiverAnswer =
  | { status: 200; body: { received: true; event_id: string; duplicate: boolean } }
  | { status: 400 | 403 | 413; body: { error: string } };

/** Larger bodies are refused before reading further; Klarna events are a few kilobytes. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

// Headers worth keeping with the event; cookies and auth never belong to a Klarna delivery.
const DROPPED_HEADERS = new Set(['cookie', 'authorization']);

function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!DROPPED_HEADERS.has(name)) out[name] = value;
  });
  return out;
}

/**
 * Receives one Klarna webhook delivery (design.md, "Webhooks in"): checks the source and the
 * signature before anything else, stores every delivery (rejected ones with the reason), stores
 * a valid event once per `event_id` (lib/webhooks/event-writer.ts), and applies it through its
 * handler in the same database transaction, so it is applied exactly once however often Klarna repeats it. Throws when the
 * database cannot store the event: the route answers 5xx and Klarna retries.
 */
export async function receiveKlarnaWebhook(deps: ReceiverDeps, delivery: Delivery): Promise<ReceiverAnswer> {
  const headers = headerRecord(delivery.headers);
  /** `reason` is stored for the event log; the caller, not yet authenticated, gets `answer` (by default the same). */
  const reject = async (status: 400 | 403, reason: string, extra: Partial<typeof webhookEvents.$inferInsert> = {}, answer = reason): Promise<ReceiverAnswer> => {
    await deps.db.insert(webhookEvents).values({
      verdict: 'rejected',
      status: 'rejected',
      rejectReason: reason,
      headers,
      rawBody: delivery.rawBody,
      sourceIp: delivery.sourceIp,
      ...extra,
    });
    return { status, body: { error: answer } };
  };

  if (deps.allowedIps && !(delivery.sourceIp && deps.allowedIps.has(delivery.sourceIp))) {
    return reject(403, `source IP ${delivery.sourceIp ?? 'unknown'} is not in WEBHOOK_ALLOWED_IPS`);
  }
  const signingKeyId = delivery.headers.get('klarna-signing-key-id')?.trim() || null;
  if (!signingKeyId) return reject(400, 'missing Klarna-Signing-Key-Id header');
  const found = await deps.signingKey(signingKeyId);
  // A deleted key is answered like an unknown one: when it was deleted is for the event log only.
  if (typeof found !== 'string') return reject(400, describeKeyRefusal(signingKeyId, found), { signingKeyId }, describeKeyRefusal(signingKeyId, null));
  const key = found;
  const verdict = verifyWebhookSignature(delivery.rawBody, delivery.headers.get('klarna-signature'), key);
  if (!verdict.valid) {
    return reject(400, verdict.reason === 'missing signature' ? 'missing Klarna-Signature header' : 'signature does not match the body', { signingKeyId });
  }

  const parsed = webhookEventSchema.safeParse(parseJsonOrNull(delivery.rawBody));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return reject(400, `signed, but not a Klarna event: ${issue?.path.join('.') || 'body'} ${issue?.message ?? 'invalid'}`, { signingKeyId });
  }
  const envelope = parsed.data;
  const meta = envelope.metadata;
  const occurredAt = new Date(meta.occurred_at);
  const eventId = meta.event_id ?? bodyDigestId(delivery.rawBody);
  const values = {
    eventId,
    eventType: meta.event_type,
    eventVersion: meta.event_version,
    occurredAt: Number.isNaN(occurredAt.getTime()) ? null : occurredAt,
    accountId: meta.account_id ?? null,
    productInstanceId: meta.product_instance_id ?? null,
    webhookId: meta.webhook_id ?? null,
    correlationId: meta.correlation_id ?? null,
    live: meta.live ?? null,
    signingKeyId,
    sourceIp: delivery.sourceIp,
    headers,
    rawBody: delivery.rawBody,
  };

  const { duplicate } = await eventWriterFor(deps.db, deps.handlers).store(values, envelope);
  return { status: 200, body: { received: true, event_id: eventId, duplicate } };
}

/**
 * The id of an event whose envelope has no `event_id` (the seed's account example has none):
 * a SHA-256 of the signed body as received, so Klarna's repeat of it is stored once.
 */
export function bodyDigestId(rawBody: string): string {
  return `sha256:${createHash('sha256').update(rawBody, 'utf8').digest('hex')}`;
}

/**
 * Runs the handler in a savepoint: its writes and the event's new status commit together, and
 * a handler that throws leaves the event stored as failed with the reason (re-processable).
 */
export async function applyStoredEvent(tx: Db, row: WebhookEventRow, envelope: WebhookEvent, handler: WebhookHandler): Promise<'processed' | 'failed' | 'ignored'> {
  try {
    await tx.transaction(async (savepoint) => {
      await handler(savepoint, [{ row, envelope }]);
    });
  } catch (error) {
    const ignored = isIgnoredEvent(error);
    await tx
      .update(webhookEvents)
      .set({ status: ignored ? 'ignored' : 'failed', processingError: outcomeNote(error).slice(0, 4000), processedAt: sql`now()` })
      .where(sql`${webhookEvents.id} = ${row.id}`);
    return ignored ? 'ignored' : 'failed';
  }
  await tx
    .update(webhookEvents)
    .set({ status: 'processed', processingError: null, applyCount: sql`${webhookEvents.applyCount} + 1`, processedAt: sql`now()` })
    .where(sql`${webhookEvents.id} = ${row.id}`);
  return 'processed';
}

export function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
