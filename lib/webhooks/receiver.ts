import 'server-only';
import { createHash } from 'node:crypto';
import type { Db } from '@/db/client';
import { webhookEvents } from '@/db/schema';
import { verifyWebhookSignature } from '@/lib/klarna/signature';
import { webhookEventSchema } from '@/lib/klarna/schemas/webhooks';
import { eventWriterFor } from './event-writer';
import type { WebhookHandlerRegistry } from './handlers';
import { appRejectionLimiter, type RejectionLimiter } from './rejection-limiter';
import { describeKeyRefusal, type SigningKeyLookup } from './signing-keys';

export type ReceiverDeps = {
  db: Db;
  signingKey: SigningKeyLookup;
  handlers: WebhookHandlerRegistry;
  allowedIps: ReadonlySet<string> | null;
  /** Which rejected deliveries are stored and which only counted; the process's own when absent. */
  rejections?: RejectionLimiter;
};

export type Delivery = { headers: Headers; sourceIp: string | null } & (
  { rawBody: string } | { body: AsyncIterable<Uint8Array>; declaredLength: number | null }
);

export type ReceiverAnswer =
  | { status: 200; body: { received: true; event_id: string; duplicate: boolean } }
  | { status: 400 | 403 | 413; body: { error: string } };

/** Larger bodies are refused before reading further; Klarna events are a few kilobytes. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;
export const REJECTED_PREFIX_BYTES = 4096;

// Headers worth keeping with the event; cookies and auth never belong to a Klarna delivery.
const DROPPED_HEADERS = new Set(['cookie', 'authorization']);
// A header value kept with a rejected delivery is cut here: headers are the sender's to choose.
const MAX_KEPT_HEADER_CHARS = 1024;
const MAX_KEPT_HEADERS = 64;

function headerRecord(headers: Headers, limit: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  headers.forEach((value, name) => {
    if (DROPPED_HEADERS.has(name)) return;
    if (limit && n++ >= MAX_KEPT_HEADERS) return;
    out[name] = limit && value.length > MAX_KEPT_HEADER_CHARS ? `${value.slice(0, MAX_KEPT_HEADER_CHARS)}…` : value;
  });
  return out;
}

const MAX_KEY_ID_CHARS = 300;
// Hex or base64 (url-safe too) of a digest, with room to spare: anything else cannot verify, so the body is not read.
const SIGNATURE_SHAPE = /^[A-Za-z0-9+/_=-]{16,200}$/;

/** Cheap checks before the body, then read up to MAX_WEBHOOK_BYTES, verify, store once per `event_id` and apply in
 * the same transaction. Throws when a valid event cannot be stored, so the route answers 5xx and Klarna retries. */
export async function receiveKlarnaWebhook(deps: ReceiverDeps, delivery: Delivery): Promise<ReceiverAnswer> {
  const body = new BodyReader('rawBody' in delivery ? once(Buffer.from(delivery.rawBody, 'utf8')) : delivery.body);
  const declaredLength = 'rawBody' in delivery ? null : delivery.declaredLength;
  const limiter = deps.rejections ?? appRejectionLimiter();
  /** `reason` goes to the event log; the unauthenticated caller gets `answer` (default the same). */
  const reject = async (
    status: 400 | 403 | 413,
    reason: string,
    extra: Partial<typeof webhookEvents.$inferInsert> = {},
    answer = reason,
    readBody = true,
  ): Promise<ReceiverAnswer> => {
    if (!limiter.take(delivery.sourceIp)) {
      await body.stop();
      limiter.countNotStored(delivery.sourceIp);
      return { status, body: { error: answer } };
    }
    const summary = readBody ? await body.summarise(MAX_WEBHOOK_BYTES) : await body.stopWith(declaredLength);
    await deps.db.insert(webhookEvents).values({
      verdict: 'rejected',
      status: 'rejected',
      rejectReason: reason,
      headers: headerRecord(delivery.headers, true),
      rawBody: summary.prefix,
      bodyBytes: summary.bytes,
      bodySha256: summary.sha256,
      sourceIp: delivery.sourceIp,
      ...extra,
    });
    return { status, body: { error: answer } };
  };

  if (deps.allowedIps && !(delivery.sourceIp && deps.allowedIps.has(delivery.sourceIp))) {
    return reject(403, `source IP ${delivery.sourceIp ?? 'unknown'} is not in WEBHOOK_ALLOWED_IPS`);
  }
  if (declaredLength !== null && declaredLength > MAX_WEBHOOK_BYTES) {
    return reject(
      413,
      `body larger than ${MAX_WEBHOOK_BYTES} bytes (Content-Length ${declaredLength}); not read`,
      {},
      `body larger than ${MAX_WEBHOOK_BYTES} bytes`,
      false,
    );
  }
  const signingKeyId = delivery.headers.get('klarna-signing-key-id')?.trim() || null;
  if (!signingKeyId) return reject(400, 'missing Klarna-Signing-Key-Id header');
  if (signingKeyId.length > MAX_KEY_ID_CHARS)
    return reject(400, `malformed Klarna-Signing-Key-Id header: longer than ${MAX_KEY_ID_CHARS} characters`);
  const found = await deps.signingKey(signingKeyId);
  // A deleted key is answered like an unknown one: when it was deleted is for the event log only.
  if (typeof found !== 'string')
    return reject(
      400,
      describeKeyRefusal(signingKeyId, found),
      { signingKeyId },
      describeKeyRefusal(signingKeyId, null),
    );
  const signature = delivery.headers.get('klarna-signature')?.trim() || null;
  if (!signature) return reject(400, 'missing Klarna-Signature header', { signingKeyId });
  if (!SIGNATURE_SHAPE.test(signature))
    return reject(400, 'malformed Klarna-Signature header: not a digest in hex or base64', { signingKeyId });
  const key = found;

  const whole = await body.readAll(MAX_WEBHOOK_BYTES);
  if (whole === null) {
    return reject(
      413,
      `body larger than ${MAX_WEBHOOK_BYTES} bytes: reading stopped at ${body.bytesRead} bytes`,
      { signingKeyId },
      `body larger than ${MAX_WEBHOOK_BYTES} bytes`,
    );
  }
  const rawBody = whole.toString('utf8');
  const verdict = verifyWebhookSignature(rawBody, signature, key);
  if (!verdict.valid) return reject(400, 'signature does not match the body', { signingKeyId });

  const parsed = webhookEventSchema.safeParse(parseJsonOrNull(rawBody));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return reject(
      400,
      `signed, but not a Klarna event: ${issue?.path.join('.') || 'body'} ${issue?.message ?? 'invalid'}`,
      { signingKeyId },
    );
  }
  const envelope = parsed.data;
  const meta = envelope.metadata;
  // Postgres text cannot hold U+0000, so such a field could not be stored or looked up.
  const withNul = Object.entries(meta).find(([, value]) => typeof value === 'string' && value.includes('\u0000'));
  if (withNul) {
    return reject(400, `signed, but not storable: metadata.${withNul[0]} contains a NUL character`, {
      signingKeyId,
    });
  }
  const occurredAt = new Date(meta.occurred_at);
  const eventId = meta.event_id ?? bodyDigestId(rawBody);
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
    headers: headerRecord(delivery.headers, false),
    rawBody,
  };

  const { duplicate } = await eventWriterFor(deps.db, deps.handlers).store(values, envelope);
  return { status: 200, body: { received: true, event_id: eventId, duplicate } };
}

async function* once(chunk: Buffer): AsyncGenerator<Uint8Array> {
  yield chunk;
}

/** The sender broke off while its body was being read: there is no one to answer. */
export class DeliveryAborted extends Error {
  constructor(cause: unknown) {
    super('the delivery was aborted while its body was being read', { cause });
    this.name = 'DeliveryAborted';
  }
}

type BodySummary = { bytes: number | null; sha256: string | null; prefix: string };

class BodyReader {
  bytesRead = 0;
  private iterator: AsyncIterator<Uint8Array> | null = null;
  private readonly hash = createHash('sha256');
  private prefix: Buffer[] = [];
  private prefixBytes = 0;
  private finished = false;
  private stopped = false;
  private kept: Buffer[] | null = null;

  constructor(private readonly source: AsyncIterable<Uint8Array>) {}

  /** The whole body, or null when it is larger than `limit` (reading stops at the chunk that crossed it). */
  async readAll(limit: number): Promise<Buffer | null> {
    this.kept = [];
    const complete = await this.pump(limit);
    const kept = this.kept;
    this.kept = null;
    return complete ? Buffer.concat(kept) : null;
  }

  async summarise(limit: number): Promise<BodySummary> {
    const complete = this.stopped ? this.finished : await this.pump(limit);
    return {
      bytes: this.bytesRead,
      sha256: complete ? this.hash.copy().digest('hex') : null,
      prefix: this.prefixText(),
    };
  }

  async stopWith(declaredLength: number | null): Promise<BodySummary> {
    await this.stop();
    return { bytes: declaredLength ?? this.bytesRead, sha256: null, prefix: this.prefixText() };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.finished && this.iterator?.return) await this.iterator.return();
    else if (!this.finished && !this.iterator) {
      const it = this.source[Symbol.asyncIterator]();
      await it.return?.();
    }
  }

  private async pump(limit: number): Promise<boolean> {
    if (this.finished) return true;
    if (this.stopped) return false;
    this.iterator ??= this.source[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await this.iterator.next();
      } catch (error) {
        this.stopped = true;
        throw new DeliveryAborted(error);
      }
      if (next.done) {
        this.finished = true;
        this.stopped = true;
        return true;
      }
      const chunk = Buffer.isBuffer(next.value)
        ? next.value
        : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      this.bytesRead += chunk.length;
      if (this.bytesRead > limit) {
        await this.stop();
        return false;
      }
      this.hash.update(chunk);
      if (this.prefixBytes < REJECTED_PREFIX_BYTES) {
        const part = chunk.subarray(0, REJECTED_PREFIX_BYTES - this.prefixBytes);
        this.prefix.push(part);
        this.prefixBytes += part.length;
      }
      this.kept?.push(chunk);
    }
  }

  private prefixText(): string {
    // A multi-byte character cut at the end shows as U+FFFD; Postgres text cannot hold NUL.
    return Buffer.concat(this.prefix).toString('utf8').replaceAll('\u0000', '\uFFFD');
  }
}

/** The id of an envelope without `event_id` (as in the seed): SHA-256 of the body, so repeats store once. */
export function bodyDigestId(rawBody: string): string {
  return `sha256:${createHash('sha256').update(rawBody, 'utf8').digest('hex')}`;
}

export function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
