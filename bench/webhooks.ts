/**
 * `npm run bench:webhooks`: N signed Klarna events posted concurrently over loopback to the
 * dashboard's webhook receiver THROUGH THE PRODUCTION SERVER (what `npm start` runs: server.ts on
 * the built app, started here on a free port, real Postgres, the app's own handlers), against a
 * bare Node HTTP server that only verifies the HMAC as the ceiling, in the same run. Some events
 * are delivered twice at once, as Klarna's retries can, to check none is applied twice. Then a
 * flood: unauthenticated 1 MB posts for 10 s while a trickle of valid events goes on, measuring
 * how much webhook_events grows. Needs `npm run build` first and TEST_DATABASE_URL (or
 * DATABASE_URL); a scratch database is created and dropped.
 *
 * Targets (issue 14): ≥ 2,000 events/s, ≥ a third of the ceiling, zero lost, zero
 * double-applied, the flood grows the table by < 10 MB, every valid event during it accepted.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { klarnaSigningKeys } from '@/db/schema';
import { generateKeySpec, parseKeyring } from '@/lib/crypto/secrets';
import { signWebhookBody } from '@/lib/klarna/signature';
import { sealSigningKey } from '@/lib/webhooks/signing-keys';
import { createScratchDatabase } from './lib/scratch-db';
import { productionEnv, requireBuild, startProduction } from './lib/server';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 40_000);
// Enough deliveries in flight to keep both servers busy, so the figures are capacity rather than
// round-trip time. Both get the same load, and the latencies are reported at it.
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 256);
const DUPLICATE_SHARE = 0.05;
// Every n-th event has a handler: by default `bench.applied`, whose handler (bench/webhook-handler.ts,
// preloaded into the server) writes a row per event with one statement per batch, as the issue's
// figures were taken; BENCH_HANDLER=app: a payment request event, applied by the app's own handler
// (today a look-up and a timeline insert per event). The rest are of a type nobody handles
// (disputes are not built), stored only.
const HANDLED_EVERY = Number(process.env.BENCH_HANDLED_EVERY ?? 2);
const APP_HANDLER = process.env.BENCH_HANDLER === 'app';
const HANDLED_TYPE = APP_HANDLER ? 'payment.request.state-change.authorized' : 'bench.applied';
const FLOOD_SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 10);
const FLOOD_CONCURRENCY = Number(process.env.BENCH_FLOOD_CONCURRENCY ?? 16);
const FLOOD_BODY_BYTES = 1024 * 1024;
const TARGET_EVENTS_PER_S = 2000;
const TARGET_FLOOD_GROWTH_MB = 10;

type Delivery = { eventId: string; body: string; headers: Record<string, string> };

function buildDeliveries(count: number, signingKeyId: string, key: string, duplicates = true): Delivery[] {
  const out: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    const eventId = randomUUID();
    const body = JSON.stringify({
      metadata: {
        event_type: i % HANDLED_EVERY === 0 ? HANDLED_TYPE : 'dispute.state-change.opened',
        event_id: eventId,
        event_version: 'v1',
        occurred_at: new Date().toISOString(),
        correlation_id: randomUUID(),
        account_id: `krn:partner:global:account:${randomUUID()}`,
        webhook_id: 'krn:partner:global:notification:webhook:bench',
        live: false,
      },
      payload: {
        payment_request_id: `krn:payment:eu1:request:${randomUUID()}`,
        state: 'AUTHORIZED',
        previous_state: 'PENDING_CONFIRMATION',
      },
    });
    const headers = {
      'content-type': 'application/json',
      'klarna-signing-key-id': signingKeyId,
      'klarna-signature': signWebhookBody(body, key),
    };
    out.push({ eventId, body, headers });
    // Klarna may deliver an event again while the first delivery is still being handled; kept
    // next to its original, so both are in flight together.
    if (duplicates && Math.random() < DUPLICATE_SHARE) out.push({ eventId, body, headers });
  }
  return out;
}

function post(
  port: number,
  agent: http.Agent | false,
  headers: Record<string, string | number>,
  body: string | Buffer,
): Promise<number> {
  return new Promise<number>((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/webhooks/klarna',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** Posts every delivery with `concurrency` in flight on keep-alive connections; returns figures. */
async function blast(port: number, deliveries: Delivery[], concurrency = CONCURRENCY) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const accepted = new Set<string>();
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const d = deliveries[next++]!;
        const t0 = performance.now();
        const status = await post(port, agent, d.headers, d.body);
        latencies.push(performance.now() - t0);
        if (status >= 200 && status < 300) accepted.add(d.eventId);
        else failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return { seconds, perSecond: deliveries.length / seconds, p50: pct(50), p99: pct(99), accepted, failures };
}

/**
 * Unauthenticated 1 MB posts (no signature headers, as a stranger sends them) from
 * `FLOOD_CONCURRENCY` clients for `FLOOD_SECONDS`, while one client keeps delivering valid events.
 */
async function flood(port: number, valid: Delivery[]) {
  const junk = randomBytes((FLOOD_BODY_BYTES * 3) / 4).toString('base64');
  const deadline = performance.now() + FLOOD_SECONDS * 1000;
  const statuses = new Map<number, number>();
  let posts = 0;
  const floodClients = Array.from({ length: FLOOD_CONCURRENCY }, async () => {
    while (performance.now() < deadline) {
      const status = await post(port, false, { 'content-type': 'application/json' }, junk);
      posts++;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const accepted = new Set<string>();
  let sent = 0;
  const trickle = (async () => {
    for (const d of valid) {
      if (performance.now() >= deadline) break;
      sent++;
      const status = await post(port, agent, d.headers, d.body);
      if (status >= 200 && status < 300) accepted.add(d.eventId);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await Promise.all([...floodClients, trickle]);
  agent.destroy();
  return { posts, statuses, validSent: sent, validAccepted: accepted };
}

function startCeiling(env: Record<string, string>): Promise<{ port: number; child: ChildProcess }> {
  const child = fork(path.join(__dirname, 'webhook-server.ts'), ['ceiling'], {
    execArgv: ['--conditions=react-server', '--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ port: m.port, child }));
    child.once('exit', (code) => reject(new Error(`ceiling server exited with ${code}`)));
  });
}

async function tableBytes(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: string }[]>`select pg_total_relation_size('webhook_events')::text as n`;
  return Number(row!.n);
}

async function main() {
  requireBuild('webhooks');
  const scratch = await createScratchDatabase('webhooks');
  const url = scratch.url;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kpd-bench-webhooks-'));
  const servers: ChildProcess[] = [];
  try {
    const keySpec = generateKeySpec('bench');
    const keyring = parseKeyring(keySpec);
    const handle = openDatabase({ url });
    const signingKeyId = `krn:partner:global:notification:signing-key:${randomUUID()}`;
    const key = randomUUID();
    await handle.db.insert(klarnaSigningKeys).values({
      signingKeyId,
      environment: 'sandbox',
      keySealed: sealSigningKey(signingKeyId, key, keyring),
      createdAt: new Date(),
    });
    await handle.close();

    const env = { ...productionEnv({ databaseUrl: url, dataDir, keySpec }), BENCH_SIGNING_KEY: key };
    const ceilingServer = await startCeiling(env);
    servers.push(ceilingServer.child);
    await blast(ceilingServer.port, buildDeliveries(2000, signingKeyId, key)); // warm-up
    const ceiling = await blast(ceilingServer.port, buildDeliveries(EVENTS, signingKeyId, key));
    ceilingServer.child.kill();

    // The bench's handler is preloaded unless BENCH_HANDLER=app.
    const production = await startProduction(env, {
      preload: APP_HANDLER ? [] : ['./bench/webhook-handler.ts'],
      profileDir: process.env.BENCH_PROFILE,
      verbose: Boolean(process.env.BENCH_VERBOSE),
    });
    servers.push(production.child);
    const warmup = buildDeliveries(1000, signingKeyId, key);
    await blast(production.port, warmup);
    const deliveries = buildDeliveries(EVENTS, signingKeyId, key);
    const receiver = await blast(production.port, deliveries);

    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql`checkpoint`.catch(() => undefined);
    const beforeFlood = await tableBytes(sql);
    const floodValid = buildDeliveries(FLOOD_SECONDS * 100, signingKeyId, key, false);
    const flooded = await flood(production.port, floodValid);
    // A graceful stop writes the counts of rejections not stored, as at any shutdown.
    production.child.kill('SIGTERM');
    const exitCode = await production.exited;
    const floodGrowthMb = ((await tableBytes(sql)) - beforeFlood) / (1024 * 1024);
    const [notStored] = await sql<{ rows: number; counted: number; stored: number }[]>`
      select count(*) filter (where not_stored_count > 0)::int as rows, coalesce(sum(not_stored_count), 0)::int as counted,
        count(*) filter (where verdict = 'rejected' and not_stored_count = 0)::int as stored
      from webhook_events where verdict = 'rejected'`;

    const ids = [...new Set(deliveries.map((d) => d.eventId))];
    const floodIds = [...flooded.validAccepted];
    const stored = await sql<
      { event_id: string; apply_count: number; event_type: string; duplicate_count: number; status: string }[]
    >`
      select event_id, apply_count, event_type, duplicate_count, status from webhook_events where verdict = 'valid' and event_id = any(${[...ids, ...floodIds]})`;
    const storedIds = new Set(stored.map((r) => r.event_id));
    const [{ applied }] = (APP_HANDLER
      ? await sql<
          { applied: number }[]
        >`select count(*)::int as applied from payment_timeline where event_id = any(${ids})`
      : await sql<
          { applied: number }[]
        >`select count(*)::int as applied from audit_log where action = 'bench.webhook-applied' and target_id = any(${ids})`) as unknown as [
      { applied: number },
    ];
    await sql.end();

    const lost = [...receiver.accepted, ...floodIds].filter((id) => !storedIds.has(id)).length;
    const measured = new Set(ids);
    const handled = stored.filter((r) => measured.has(r.event_id) && r.event_type === HANDLED_TYPE);
    const notProcessed = handled.filter((r) => r.status !== 'processed').length;
    const doubleApplied = stored.filter((r) => r.apply_count > 1).length + Math.max(0, applied - handled.length);
    const duplicatesSent = deliveries.length - ids.length;
    const duplicatesCounted = stored.reduce((n, r) => n + r.duplicate_count, 0);
    const validDuringFloodOk = flooded.validAccepted.size === flooded.validSent && flooded.validSent > 0;

    const eventsPerS = Math.round(receiver.perSecond);
    const ceilingPerS = Math.round(ceiling.perSecond);
    const floodGrowth = Number(floodGrowthMb.toFixed(2));
    const pass =
      eventsPerS >= TARGET_EVENTS_PER_S &&
      eventsPerS >= ceilingPerS / 3 &&
      lost === 0 &&
      doubleApplied === 0 &&
      receiver.failures === 0 &&
      notProcessed === 0 &&
      floodGrowth < TARGET_FLOOD_GROWTH_MB &&
      validDuringFloodOk;
    const load = os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ');
    console.log(
      `production server (\`${production.command}\`, exit ${exitCode} on SIGTERM): ${deliveries.length} deliveries (${ids.length} events, ${duplicatesSent} sent twice), ${CONCURRENCY} in flight: ${eventsPerS}/s, p50 ${receiver.p50.toFixed(2)} ms, p99 ${receiver.p99.toFixed(2)} ms, ${receiver.failures} non-2xx`,
    );
    console.log(
      `ceiling (bare HMAC check): ${ceilingPerS}/s, p50 ${ceiling.p50.toFixed(2)} ms, p99 ${ceiling.p99.toFixed(2)} ms`,
    );
    console.log(
      `stored ${stored.length - floodIds.length}/${ids.length}; lost ${lost}; repeats counted ${duplicatesCounted}/${duplicatesSent}; handled events ${handled.length} (${APP_HANDLER ? "the app's payment request handler" : 'the bench handler'}; ${notProcessed} not processed), applications ${applied}, double-applied ${doubleApplied}`,
    );
    console.log(
      `flood: ${flooded.posts} unauthenticated 1 MB posts in ${FLOOD_SECONDS} s from ${FLOOD_CONCURRENCY} clients (answers: ${[...flooded.statuses].map(([s, n]) => `${s || 'cut'} ×${n}`).join(', ')}); ${notStored!.stored} rejected deliveries stored small, ${notStored!.counted} counted in ${notStored!.rows} summary rows; webhook_events grew ${floodGrowth} MB; valid events during it ${flooded.validAccepted.size}/${flooded.validSent} accepted`,
    );
    console.log(`load average ${load} (2 cores shared)`);
    console.log(
      `targets: ≥ ${TARGET_EVENTS_PER_S}/s and ≥ ⅓ of the ceiling (${Math.round(ceilingPerS / 3)}/s), nothing lost or applied twice, flood growth < ${TARGET_FLOOD_GROWTH_MB} MB, every valid event during the flood accepted: ${pass ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      JSON.stringify({
        bench: 'webhooks',
        server: 'production',
        events_per_s: eventsPerS,
        ceiling_events_per_s: ceilingPerS,
        p50_ms: Number(receiver.p50.toFixed(2)),
        p99_ms: Number(receiver.p99.toFixed(2)),
        lost,
        double_applied: doubleApplied,
        flood_db_growth_mb: floodGrowth,
        pass,
      }),
    );
    process.exitCode = pass ? 0 : 1;
  } finally {
    for (const child of servers) if (child.exitCode === null) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
