import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientIp } from '@/lib/auth/request-ip';
import { requestIdFrom } from '@/lib/request-id';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { webhookHandlers } from './handlers';
import { webhookAllowlist } from './ip-allowlist';
import {
  DeliveryAborted,
  receiveKlarnaWebhook,
  type Delivery,
  type ReceiverAnswer,
  type ReceiverDeps,
} from './receiver';
import { appRejectionLimiter } from './rejection-limiter';
import { signingKeyLookup } from './signing-keys';

/** The receiver's path: the production server (server.ts) hands it here directly, past Next.js. */
export const KLARNA_WEBHOOK_PATH = '/api/webhooks/klarna';

const REJECTION_FLUSH_MS = 5_000;

export type ReceiverContext = { deps: ReceiverDeps; trustedProxyHops: number };

const globalForReceiver = globalThis as unknown as {
  __webhookReceiverDeps?: ReceiverDeps;
  __webhookRejectionFlush?: NodeJS.Timeout;
};

export function appReceiverContext(): ReceiverContext {
  return { deps: deps(), trustedProxyHops: env().TRUSTED_PROXY_HOPS };
}

function deps(): ReceiverDeps {
  if (!globalForReceiver.__webhookReceiverDeps) {
    const config = env();
    const db = getDb();
    const rejections = appRejectionLimiter();
    globalForReceiver.__webhookReceiverDeps = {
      db,
      signingKey: signingKeyLookup(db, config.keyring),
      handlers: webhookHandlers(),
      allowedIps: webhookAllowlist(config.WEBHOOK_ALLOWED_IPS, config.KLARNA_ENVIRONMENT),
      rejections,
    };
    globalForReceiver.__webhookRejectionFlush ??= setInterval(() => {
      rejections
        .flush(db)
        .catch((error: unknown) =>
          console.error('could not write the count of rejected webhook deliveries not stored', error),
        );
    }, REJECTION_FLUSH_MS).unref();
  }
  return globalForReceiver.__webhookReceiverDeps;
}

export async function flushWebhookRejectionCounts(): Promise<void> {
  const current = globalForReceiver.__webhookReceiverDeps;
  if (current?.rejections) await current.rejections.flush(current.db);
}

type Answer = { status: number; body: unknown };

async function answer(delivery: Delivery, deps: ReceiverDeps, requestId: string | null): Promise<Answer> {
  try {
    const result: ReceiverAnswer = await receiveKlarnaWebhook(deps, delivery);
    return result;
  } catch (error) {
    // The sender went away mid-body: nobody is listening for the answer.
    if (error instanceof DeliveryAborted)
      return { status: 400, body: { error: 'the body could not be read to its end' } };
    // Not stored: Klarna must deliver again (design.md, "an accepted event is never lost").
    console.error(`webhook receiver could not store a delivery${requestId ? ` (request ${requestId})` : ''}`, error);
    return { status: 503, body: { error: 'temporarily unable to store the event; please retry' } };
  }
}

/** Content-Length as a number, or null when absent or not a plain number (chunked bodies have none). */
function declaredLength(value: string | null | undefined): number | null {
  return value && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : null;
}

function sourceIpFrom(headers: Record<string, string | string[] | undefined>, trustedProxyHops: number): string | null {
  const ip = clientIp(headers, trustedProxyHops);
  return ip === 'unknown' ? null : ip;
}

export async function handleKlarnaWebhookRequest(
  request: Request,
  context: ReceiverContext = appReceiverContext(),
): Promise<Response> {
  const delivery: Delivery = {
    headers: request.headers,
    sourceIp: sourceIpFrom(Object.fromEntries(request.headers), context.trustedProxyHops),
    declaredLength: declaredLength(request.headers.get('content-length')),
    body: request.body ? streamChunks(request.body) : emptyBody(),
  };
  const result = await answer(delivery, context.deps, request.headers.get('x-request-id'));
  // A string body (not Response.json's stream) lets servers send the answer in one write.
  return new Response(JSON.stringify(result.body), {
    status: result.status,
    headers: { 'content-type': 'application/json' },
  });
}

const LINGER_MS = 2_000;

/** For production: a delivery answered before its body ended gets `Connection: close` and is cut LINGER_MS later,
 * so an endless body is never read whole. */
export async function handleKlarnaWebhookNode(
  req: IncomingMessage,
  res: ServerResponse,
  context: ReceiverContext = appReceiverContext(),
): Promise<void> {
  const requestId = requestIdFrom(req.headers['x-request-id']);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  headers.set('x-request-id', requestId);
  const length = declaredLength(req.headers['content-length']);
  // Like Next.js: the socket's address stands in when no proxy wrote X-Forwarded-For.
  const forwardedFor = req.headers['x-forwarded-for'] ?? req.socket.remoteAddress;
  const delivery: Delivery = {
    headers,
    sourceIp: sourceIpFrom({ ...req.headers, 'x-forwarded-for': forwardedFor }, context.trustedProxyHops),
    declaredLength: length,
    // Stopping early pauses the request rather than destroying it, so the answer can still be sent.
    body: req.iterator({ destroyOnReturn: false }),
  };
  const result = await answer(delivery, context.deps, requestId);
  const text = JSON.stringify(result.body);
  // Next.js adds the security headers of next.config.js to its answers; this path passes it by.
  const responseHeaders: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': requestId,
    'x-content-type-options': 'nosniff',
  };
  const unread = !req.complete;
  if (unread) responseHeaders.connection = 'close';
  res.writeHead(result.status, responseHeaders);
  res.end(text, () => {
    if (!unread) return;
    // A lingering close: drain briefly so the sender gets the answer rather than a reset, then cut.
    req.resume();
    const socket = req.socket;
    const cut = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => clearTimeout(cut));
  });
}

function streamChunks(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const reader = stream.getReader();
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          const { done, value } = await reader.read();
          return done ? { done: true, value: undefined } : { done: false, value };
        },
        // Stopping early cancels the stream: nothing more is pulled from the sender.
        async return(): Promise<IteratorResult<Uint8Array>> {
          await reader.cancel();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}
