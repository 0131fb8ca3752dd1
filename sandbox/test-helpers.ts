import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { klarnaApi } from '../lib/klarna/api';
import { KlarnaClient, type KlarnaAttempt } from '../lib/klarna/client';
import { KlarnaRateLimiter, seedRateLimits, type CategoryLimits, type Clock } from '../lib/klarna/rate-limit';

/** Real time for measuring and pacing; back-off sleeps shortened `factor` times so retries do not slow tests. */
export function fastClock(factor = 50): Clock {
  return { now: () => performance.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / factor)) };
}

/** A real KlarnaClient (with its rate limiter) against a sandbox, recording every attempt. */
export function sandboxClient(
  baseUrl: string,
  apiKey: string,
  options: { maxAttempts?: number; limits?: CategoryLimits; clock?: Clock; timeoutMs?: number } = {},
) {
  const attempts: KlarnaAttempt[] = [];
  const client = new KlarnaClient({
    baseUrl,
    apiKey,
    limiter: new KlarnaRateLimiter(options.limits ?? seedRateLimits.production),
    clock: options.clock ?? fastClock(),
    maxAttempts: options.maxAttempts ?? 5,
    timeoutMs: options.timeoutMs ?? 5_000,
    record: (attempt) => void attempts.push(attempt),
  });
  return { client, api: klarnaApi(client), attempts };
}

/** A fresh idempotency key for one intent. */
export const mutation = () => ({ idempotencyKey: randomUUID() });

export type ReceivedWebhook = { headers: IncomingHttpHeaders; body: string; at: number };

/** A tiny webhook receiver: records every request and answers what `respond` says (204 by default). */
export async function startReceiver(respond: (request: ReceivedWebhook, index: number) => number = () => 204) {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
    received.push(request);
    res.writeHead(respond(request, received.length - 1)).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/klarna/webhooks`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
