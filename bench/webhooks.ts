/**
 * `npm run bench:webhooks`: N signed Klarna events posted concurrently over loopback to the
 * dashboard's webhook receiver (real route handler, real Postgres), against a bare Node HTTP
 * server that only verifies the HMAC as the ceiling. Some events are delivered twice at once,
 * as Klarna's retries can, to check none is applied twice. Needs TEST_DATABASE_URL (or
 * DATABASE_URL); a scratch database is created and dropped.
 *
 * Targets (issue 3): ≥ 2,000 events/s, ≥ a third of the ceiling, zero lost, zero double-applied.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { klarnaSigningKeys } from '@/db/schema';
import { generateKeySpec, parseKeyring } from '@/lib/crypto/secrets';
import { signWebhookBody } from '@/lib/klarna/signature';
import { sealSigningKey } from '@/lib/webhooks/signing-keys';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 40_000);
// Enough deliveries in flight to keep both servers busy, so the figures are capacity rather than
// round-trip time: with 64 in flight the receiver mostly waits on its own commits (Little's law;
// a quarter of the 2-core machine idle, against a seventh for the bare server). Both get the
// same load, and the latencies are reported at it.
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 256);
const DUPLICATE_SHARE = 0.05;
// Every n-th event is of a type with a handler (one write of its own); the rest are of a type
// nobody handles (disputes are not built), stored only.
const HANDLED_EVERY = Number(process.env.BENCH_HANDLED_EVERY ?? 2);
const TARGET_EVENTS_PER_S = 2000;

type Delivery = { eventId: string; body: string; headers: Record<string, string> };

function buildDeliveries(signingKeyId: string, key: string): Delivery[] {
  const out: Delivery[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const eventId = randomUUID();
    const body = JSON.stringify({
      metadata: {
        event_type: i % HANDLED_EVERY === 0 ? 'payment.request.state-change.authorized' : 'dispute.state-change.opened',
        event_id: eventId,
        event_version: 'v1',
        occurred_at: new Date().toISOString(),
        correlation_id: randomUUID(),
        account_id: `krn:partner:global:account:${randomUUID()}`,
        webhook_id: 'krn:partner:global:notification:webhook:bench',
        live: false,
      },
      payload: { payment_request_id: `krn:payment:eu1:request:${randomUUID()}`, state: 'AUTHORIZED', previous_state: 'PENDING_CONFIRMATION' },
    });
    const headers = { 'content-type': 'application/json', 'klarna-signing-key-id': signingKeyId, 'klarna-signature': signWebhookBody(body, key) };
    out.push({ eventId, body, headers });
    // Klarna may deliver an event again while the first delivery is still being handled.
    if (Math.random() < DUPLICATE_SHARE) out.push({ eventId, body, headers });
  }
  // Keep each duplicate close to its original, so both are in flight together.
  return out;
}

/** Posts every delivery with `CONCURRENCY` in flight on keep-alive connections; returns figures. */
async function blast(port: number, deliveries: Delivery[]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  const accepted = new Set<string>();
  let failures = 0;
  let next = 0;
  const post = (d: Delivery) =>
    new Promise<number>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/webhooks/klarna', agent, headers: { ...d.headers, 'content-length': Buffer.byteLength(d.body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end(d.body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < deliveries.length) {
        const d = deliveries[next++]!;
        const t0 = performance.now();
        const status = await post(d);
        latencies.push(performance.now() - t0);
        if (status >= 200 && status < 300) accepted.add(d.eventId);
        else failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return { seconds, perSecond: deliveries.length / seconds, p50: pct(50), p99: pct(99), accepted, failures };
}

function startServer(mode: 'receiver' | 'ceiling', env: Record<string, string>): Promise<{ port: number; child: ChildProcess }> {
  const child = fork(path.join(__dirname, 'webhook-server.ts'), [mode], { execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROFILE && mode === 'receiver' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [])], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ port: m.port, child }));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}

async function main() {
  const base = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!base) throw new Error('bench:webhooks needs a real Postgres: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)');
  const name = `kpd_bench_webhooks_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const servers: ChildProcess[] = [];
  try {
    const keySpec = generateKeySpec('bench');
    const keyring = parseKeyring(keySpec);
    const handle = openDatabase({ url: url.toString() });
    await migrateDatabase(handle);
    const signingKeyId = `krn:partner:global:notification:signing-key:${randomUUID()}`;
    const key = randomUUID();
    await handle.db.insert(klarnaSigningKeys).values({ signingKeyId, environment: 'sandbox', keySealed: sealSigningKey(signingKeyId, key, keyring), createdAt: new Date() });

    const env = { DATABASE_URL: url.toString(), ENCRYPTION_KEYS: keySpec, AUTH_SECRET: randomBytes(32).toString('base64'), NODE_ENV: 'production', BENCH_SIGNING_KEY: key, KLARNA_ENVIRONMENT: 'sandbox' };
    const ceilingServer = await startServer('ceiling', env);
    servers.push(ceilingServer.child);
    await blast(ceilingServer.port, buildDeliveries(signingKeyId, key).slice(0, 2000)); // warm-up
    const ceiling = await blast(ceilingServer.port, buildDeliveries(signingKeyId, key));
    ceilingServer.child.kill();

    const receiverServer = await startServer('receiver', env);
    servers.push(receiverServer.child);
    const warmup = buildDeliveries(signingKeyId, key).slice(0, 1000);
    await blast(receiverServer.port, warmup);
    const deliveries = buildDeliveries(signingKeyId, key);
    const receiver = await blast(receiverServer.port, deliveries);

    const ids = [...new Set(deliveries.map((d) => d.eventId))];
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
    const stored = await sql<{ event_id: string; apply_count: number; event_type: string; duplicate_count: number }[]>`
      select event_id, apply_count, event_type, duplicate_count from webhook_events where verdict = 'valid' and event_id = any(${ids})`;
    const storedIds = new Set(stored.map((r) => r.event_id));
    const [{ applied }] = (await sql<{ applied: number }[]>`select count(*)::int as applied from audit_log where action = 'bench.webhook-applied' and target_id = any(${ids})`) as unknown as [{ applied: number }];
    await sql.end();
    await handle.close();

    const lost = [...receiver.accepted].filter((id) => !storedIds.has(id)).length;
    const handled = stored.filter((r) => r.event_type.startsWith('payment.request.'));
    const doubleApplied = handled.filter((r) => r.apply_count > 1).length + Math.max(0, applied - handled.length);
    const duplicatesSent = deliveries.length - ids.length;
    const duplicatesCounted = stored.reduce((n, r) => n + r.duplicate_count, 0);

    const eventsPerS = Math.round(receiver.perSecond);
    const ceilingPerS = Math.round(ceiling.perSecond);
    const pass = eventsPerS >= TARGET_EVENTS_PER_S && eventsPerS >= ceilingPerS / 3 && lost === 0 && doubleApplied === 0 && receiver.failures === 0;
    console.log(`receiver: ${deliveries.length} deliveries (${ids.length} events, ${duplicatesSent} sent twice), ${CONCURRENCY} in flight: ${eventsPerS}/s, p50 ${receiver.p50.toFixed(2)} ms, p99 ${receiver.p99.toFixed(2)} ms, ${receiver.failures} non-2xx`);
    console.log(`ceiling (bare HMAC check): ${ceilingPerS}/s, p50 ${ceiling.p50.toFixed(2)} ms, p99 ${ceiling.p99.toFixed(2)} ms`);
    console.log(`stored ${storedIds.size}/${ids.length}; lost ${lost}; repeats counted ${duplicatesCounted}/${duplicatesSent}; handled events ${handled.length}, applications ${applied}, double-applied ${doubleApplied}`);
    console.log(`targets: ≥ ${TARGET_EVENTS_PER_S}/s and ≥ ⅓ of the ceiling (${Math.round(ceilingPerS / 3)}/s), nothing lost or applied twice: ${pass ? 'PASS' : 'FAIL'}`);
    console.log(JSON.stringify({ bench: 'webhooks', events_per_s: eventsPerS, ceiling_events_per_s: ceilingPerS, p50_ms: Number(receiver.p50.toFixed(2)), p99_ms: Number(receiver.p99.toFixed(2)), lost, double_applied: doubleApplied, pass }));
    process.exitCode = pass ? 0 : 1;
  } finally {
    for (const child of servers) child.kill('SIGINT');
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
