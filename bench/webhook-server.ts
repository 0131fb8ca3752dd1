/**
 * The ceiling for bench/webhooks.ts, started as `tsx bench/webhook-server.ts ceiling`: a bare Node
 * HTTP server that only reads the body and verifies the HMAC (BENCH_SIGNING_KEY). Sends
 * `{ port }` to the parent over IPC once listening. (The receiver itself is measured through the
 * production server, server.ts, which the bench starts as `npm start` does.)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@/lib/klarna/signature';

function main() {
  if (process.argv[2] !== 'ceiling') throw new Error('usage: webhook-server.ts ceiling');
  const key = process.env.BENCH_SIGNING_KEY!;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const verdict = verifyWebhookSignature(
        Buffer.concat(chunks).toString('utf8'),
        req.headers['klarna-signature'] as string | undefined,
        key,
      );
      res.writeHead(verdict.valid ? 200 : 400, { 'content-type': 'application/json' });
      res.end(verdict.valid ? '{"received":true}' : '{"error":"mismatch"}');
    });
  });
  server.keepAliveTimeout = 60_000;
  process.on('SIGINT', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
}

main();
