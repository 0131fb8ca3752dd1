/**
 * A server process for bench/webhooks.ts, started as `tsx bench/webhook-server.ts <mode>`:
 * - `receiver`: POST /api/webhooks/klarna through the dashboard's real route handler
 *   (lib/webhooks/app-receiver.ts, what app/api/webhooks/klarna/route.ts calls) on real Postgres
 *   (DATABASE_URL), with a handler registered for `payment.request.*` so events get applied;
 * - `ceiling`: a bare Node HTTP server that only reads the body and verifies the HMAC.
 * Sends `{ port }` to the parent over IPC once listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { verifyWebhookSignature } from '@/lib/klarna/signature';

async function main() {
  const mode = process.argv[2];
  const key = process.env.BENCH_SIGNING_KEY!;
  let server;
  if (mode === 'ceiling') {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const verdict = verifyWebhookSignature(Buffer.concat(chunks).toString('utf8'), req.headers['klarna-signature'] as string | undefined, key);
        res.writeHead(verdict.valid ? 200 : 400, { 'content-type': 'application/json' });
        res.end(verdict.valid ? '{"received":true}' : '{"error":"mismatch"}');
      });
    });
  } else if (mode === 'receiver') {
    const { handleKlarnaWebhookRequest } = await import('@/lib/webhooks/app-receiver');
    const { eachEvent, webhookHandlers } = await import('@/lib/webhooks/handlers');
    const { auditLog } = await import('@/db/schema');
    const { sql } = await import('drizzle-orm');
    const { executePrepared } = await import('@/db/client');
    // Stands for a later issue's handler: one row written per event, in the receiver's
    // transaction. By default as one prepared statement per batch whose text never changes (the
    // rows travel as one JSON parameter, so Postgres parses it once per connection);
    // BENCH_HANDLER=drizzle: a drizzle multi-row insert; BENCH_HANDLER=each: one insert per event.
    const row = (eventId: string | null) => ({ action: 'bench.webhook-applied', actorEmail: 'system', targetId: eventId, outcome: 'success' as const });
    const variant = process.env.BENCH_HANDLER ?? 'batch';
    webhookHandlers().register(
      'payment.request.*',
      variant === 'each'
        ? eachEvent(async (tx, { row: event }) => void (await tx.insert(auditLog).values(row(event.eventId))))
        : variant === 'drizzle'
          ? async (tx, events) => void (await tx.insert(auditLog).values(events.map((e) => row(e.row.eventId))))
          : async (tx, events) =>
              void (await executePrepared(tx, sql`
                insert into audit_log (action, actor_email, target_id, outcome)
                select 'bench.webhook-applied', 'system', event_id, 'success'
                from jsonb_array_elements_text(${JSON.stringify(events.map((e) => e.row.eventId))}::jsonb) as event_id`)),
    );
    server = createServer(getRequestListener((request) => handleKlarnaWebhookRequest(request)));
  } else {
    throw new Error('usage: webhook-server.ts <receiver|ceiling>');
  }
  server.keepAliveTimeout = 60_000;
  // Exit normally on SIGINT so --cpu-prof (BENCH_PROFILE) can write its profile.
  process.on('SIGINT', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
