/**
 * `npm run bench:pages` (issue 18): the dashboard's pages measured complete, as a signed-in user
 * waits for them, on the production server (`npm start`: server.ts on the built app, started on a
 * free port) over a scratch database holding 1,000,000 payment transactions over 2,000 merchants,
 * a payout of 1,000,000 lines (and 24 smaller ones), 200,000 webhook events, 200,000 Klarna API
 * requests and 100,000 audit rows (bench/lib/pages-seed.ts; `BENCH_ROWS` scales all of them).
 *
 * The admin is created by the server's own first-run path (ADMIN_EMAIL / ADMIN_PASSWORD, no
 * second factor); the bench signs in through next-auth's credentials endpoint with its CSRF token
 * and keeps the session cookie. Then, for each page, `BENCH_WARMUP` (5) requests and `BENCH_RUNS`
 * (30) timed sequential ones, each read to the end of its body (the pages stream: the first byte
 * comes early, the page is complete at the last); the payments version poll the same way; the
 * payments CSV export of every row (rows counted in the body, rows/s over the full download); 50
 * tabs polling the version every 5 s for 30 s while the CPU time of the database's backends for
 * this database is sampled from /proc (`poll_db_cpu_pct`, % of one core); then the server is
 * restarted and each page's first request timed (`first_view_worst_ms`).
 *
 * Targets: every page p95 < 200 ms, first view < 500 ms, poll p95 < 10 ms, the export complete at
 * ≥ 50,000 rows/s, polling by 50 tabs < 5 % of a core. Needs `npm run build` first and
 * TEST_DATABASE_URL (or DATABASE_URL); the scratch database is dropped unless BENCH_KEEP_DB=1.
 * `BENCH_VERBOSE=1` shows the server's output; `BENCH_LOCK=<file>` takes an exclusive flock on the file
 * only while measuring (not while seeding), e.g. BENCH_LOCK=/tmp/bench.lock on a shared machine.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { generateKeySpec } from '@/lib/crypto/secrets';
import { PAYOUTS, payoutId, seedPages } from './lib/pages-seed';
import { createScratchDatabase } from './lib/scratch-db';
import { exclusiveLock, productionEnv, requireBuild, startProduction, type ProductionServer } from './lib/server';
import { ms, percentile } from './lib/stats';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const TABS = 50;
const TAB_INTERVAL_MS = 5000;
const TABS_SECONDS = 30;
const TARGET_PAGE_P95_MS = 200;
const TARGET_FIRST_VIEW_MS = 500;
const TARGET_POLL_P95_MS = 10;
const TARGET_EXPORT_ROWS_PER_S = 50_000;
const TARGET_POLL_DB_CPU_PCT = 5;
/** Text the dashboard's error boundary (app/(dashboard)/error.tsx) shows: a page that streamed it failed. */
const ERROR_MARK = 'This page could not be loaded';

type PageKey =
  'payments' | 'payment' | 'merchants' | 'settlements' | 'payout_1m' | 'events' | 'api_requests' | 'audit' | 'overview';
type Page = { key: PageKey; path: string };
type Timing = { total: number; firstByte: number; bytes: number };

class Session {
  constructor(
    private base: string,
    private cookie: string,
  ) {}

  /** GETs `path` and reads the body to its end; throws unless it is a 200 without the error boundary. */
  async get(path: string): Promise<Timing> {
    const t0 = performance.now();
    const res = await fetch(this.base + path, { headers: { cookie: this.cookie }, redirect: 'manual' });
    const firstByte = performance.now() - t0;
    const body = Buffer.from(await res.arrayBuffer());
    const total = performance.now() - t0;
    if (res.status !== 200)
      throw new Error(
        `GET ${path} answered ${res.status} ${res.headers.get('location') ?? ''}: ${body.subarray(0, 300)}`,
      );
    if (body.includes(ERROR_MARK)) throw new Error(`GET ${path} rendered the error boundary`);
    return { total, firstByte, bytes: body.length };
  }

  /** GETs `path` streaming, counting newlines without keeping the body. */
  async download(path: string): Promise<{ seconds: number; lines: number; bytes: number }> {
    const t0 = performance.now();
    const res = await fetch(this.base + path, { headers: { cookie: this.cookie }, redirect: 'manual' });
    if (res.status !== 200 || !res.body) throw new Error(`GET ${path} answered ${res.status}`);
    let lines = 0;
    let bytes = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    }
    return { seconds: (performance.now() - t0) / 1000, lines, bytes };
  }

  withBase(base: string): Session {
    return new Session(base, this.cookie);
  }
}

function cookiesOf(res: Response, jar: Map<string, string>): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
  }
}

/** Signs in as a user would through the form: next-auth's CSRF token, then the credentials callback. */
async function signIn(base: string, email: string, password: string): Promise<Session> {
  const jar = new Map<string, string>();
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrf = await fetch(`${base}/api/auth/csrf`);
  cookiesOf(csrf, jar);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header() },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true', callbackUrl: `${base}/` }),
    redirect: 'manual',
  });
  cookiesOf(res, jar);
  if (![...jar.keys()].some((k) => k.endsWith('session-token')))
    throw new Error(`sign-in failed (${res.status}): ${(await res.text()).slice(0, 300)}`);
  return new Session(base, header());
}

async function measure(session: Session, path: string) {
  for (let i = 0; i < WARMUP; i++) await session.get(path);
  const runs: Timing[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await session.get(path));
  const totals = runs.map((r) => r.total).sort((a, b) => a - b);
  const firstBytes = runs.map((r) => r.firstByte).sort((a, b) => a - b);
  return {
    p50: percentile(totals, 50),
    p95: percentile(totals, 95),
    ttfbP95: percentile(firstBytes, 95),
    kb: runs[0]!.bytes / 1024,
  };
}

/** utime + stime (clock ticks, 1/100 s) of a process, or null once it has gone. */
function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/**
 * 50 tabs polling the payments version every 5 s (each starting at a random point of the first
 * interval) for 30 s, while the CPU of every Postgres process serving this database (client
 * backends and parallel workers, from pg_stat_activity) is sampled from /proc every 100 ms; a
 * process that ends between samples loses at most its last 100 ms, so this is a floor.
 */
async function pollingTabs(session: Session, admin: postgres.Sql, database: string) {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const sample = async (initial: boolean) => {
    const pids = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${database}`;
    for (const { pid } of pids) {
      const ticks = cpuTicks(pid);
      if (ticks === null) continue;
      // A process first seen after the start counts from its own start.
      if (!first.has(pid)) first.set(pid, initial ? ticks : 0);
      last.set(pid, ticks);
    }
  };
  await sample(true);
  const started = performance.now();
  const deadline = started + TABS_SECONDS * 1000;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sample(false);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: TABS }, async () => {
      let next = started + Math.random() * TAB_INTERVAL_MS;
      while (next < deadline) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
        latencies.push((await session.get('/api/payments/version')).total);
        next += TAB_INTERVAL_MS;
      }
    }),
  );
  sampling = false;
  await sampler;
  await sample(false);
  const seconds = (performance.now() - started) / 1000;
  let ticks = 0;
  for (const [pid, end] of last) ticks += end - first.get(pid)!;
  latencies.sort((a, b) => a - b);
  return {
    polls: latencies.length,
    seconds,
    cpuSeconds: ticks / 100,
    cpuPct: (ticks / 100 / seconds) * 100,
    p95: percentile(latencies, 95),
  };
}

async function stop(server: ProductionServer): Promise<void> {
  if (server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

async function main() {
  requireBuild('pages');
  const started = performance.now();
  const scratch = await createScratchDatabase('pages');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kpd-bench-pages-'));
  const admin = postgres(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  let server: ProductionServer | null = null;
  let lock = { release: () => {} };
  try {
    const nowAt = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    console.log(`seeding ${scratch.name} (BENCH_ROWS ${ROWS.toLocaleString('en')}):`);
    const t0 = performance.now();
    const seeded = await seedPages(scratch.url, ROWS, nowAt);
    console.log(
      `seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${seeded.payments.toLocaleString('en')} payments over ${seeded.merchants.toLocaleString('en')} merchants (${seeded.timeline.toLocaleString('en')} timeline rows); ` +
        `${PAYOUTS} payouts, ${seeded.settlementLines.toLocaleString('en')} lines (the latest ${seeded.payoutLines.toLocaleString('en')}); ` +
        `${seeded.events.toLocaleString('en')} webhook events, ${seeded.apiRequests.toLocaleString('en')} API requests, ${seeded.audit.toLocaleString('en')} audit rows`,
    );
    const db = postgres(scratch.url, { max: 1, onnotice: () => {} });
    const [detail] = await db<{ id: string }[]>`
      select payment_transaction_id as id from payment_timeline group by 1 order by count(*) desc, 1 limit 1`;
    await db.end();

    const email = 'bench-admin@example.com';
    const password = randomBytes(24).toString('base64url');
    const env = {
      ...productionEnv({ databaseUrl: scratch.url, dataDir, keySpec: generateKeySpec('bench') }),
      ADMIN_EMAIL: email,
      ADMIN_PASSWORD: password,
    };
    const verbose = Boolean(process.env.BENCH_VERBOSE);
    if (process.env.BENCH_LOCK) console.log(`waiting for ${process.env.BENCH_LOCK} to measure`);
    lock = await exclusiveLock();
    server = await startProduction(env, { verbose });
    const base = (s: ProductionServer) => `http://127.0.0.1:${s.port}`;
    let session = await signIn(base(server), email, password);

    const pages: Page[] = [
      { key: 'payments', path: '/payments' },
      { key: 'payment', path: `/payments/${encodeURIComponent(detail!.id)}` },
      { key: 'merchants', path: '/merchants' },
      { key: 'settlements', path: '/settlements' },
      { key: 'payout_1m', path: `/settlements/${encodeURIComponent(payoutId(0))}` },
      { key: 'events', path: '/webhooks/events' },
      { key: 'api_requests', path: '/developers/api-requests' },
      { key: 'audit', path: '/settings/audit' },
      { key: 'overview', path: '/' },
    ];
    const results = new Map<PageKey, Awaited<ReturnType<typeof measure>>>();
    for (const page of pages) results.set(page.key, await measure(session, page.path));
    const poll = await measure(session, '/api/payments/version');

    const exported = await session.download('/api/payments/export');
    const exportRows = Math.max(0, exported.lines - 1); // the header line
    const exportRowsPerS = exportRows / exported.seconds;

    const tabs = await pollingTabs(session, admin, scratch.name);

    // First view after a restart: each page's first request on a fresh server process.
    await stop(server);
    server = await startProduction(env, { verbose });
    session = session.withBase(base(server));
    const firstView = new Map<PageKey, number>();
    for (const page of pages) firstView.set(page.key, (await session.get(page.path)).total);
    await stop(server);
    lock.release();

    const worstP95 = Math.max(...[...results.values()].map((r) => r.p95));
    const firstViewWorst = Math.max(...firstView.values());
    const exportComplete = exportRows === seeded.payments;
    const checks = {
      pages: worstP95 < TARGET_PAGE_P95_MS,
      firstView: firstViewWorst < TARGET_FIRST_VIEW_MS,
      poll: poll.p95 < TARGET_POLL_P95_MS,
      export: exportComplete && exportRowsPerS >= TARGET_EXPORT_ROWS_PER_S,
      tabs: tabs.cpuPct < TARGET_POLL_DB_CPU_PCT,
    };
    const pass = Object.values(checks).every(Boolean);
    const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');

    console.log(
      `production server (\`${server.command}\`), complete pages, ${RUNS} sequential requests after ${WARMUP} warm-ups:`,
    );
    for (const page of pages) {
      const r = results.get(page.key)!;
      const first = firstView.get(page.key)!;
      console.log(
        `  ${page.key.padEnd(13)} ${page.path.slice(0, 40).padEnd(40)} p50 ${r.p50.toFixed(1).padStart(7)}  p95 ${r.p95.toFixed(1).padStart(7)} ms ${mark(r.p95 < TARGET_PAGE_P95_MS).padEnd(6)}  (first byte p95 ${r.ttfbP95.toFixed(1)} ms, ${r.kb.toFixed(0)} kB)  first view ${first.toFixed(0)} ms ${mark(first < TARGET_FIRST_VIEW_MS)}`,
      );
    }
    console.log(
      `  version poll  /api/payments/version                    p50 ${poll.p50.toFixed(1).padStart(7)}  p95 ${poll.p95.toFixed(1).padStart(7)} ms ${mark(checks.poll)}`,
    );
    console.log(
      `payments CSV export: ${exportRows.toLocaleString('en')} of ${seeded.payments.toLocaleString('en')} rows (${(exported.bytes / 1048576).toFixed(1)} MB) in ${exported.seconds.toFixed(1)} s: ${Math.round(exportRowsPerS).toLocaleString('en')} rows/s${exportComplete ? '' : ' — INCOMPLETE'} ${mark(checks.export)}`,
    );
    console.log(
      `${TABS} tabs polling every ${TAB_INTERVAL_MS / 1000} s: ${tabs.polls} polls in ${tabs.seconds.toFixed(1)} s (p95 ${tabs.p95.toFixed(1)} ms); database CPU ${tabs.cpuSeconds.toFixed(2)} s = ${tabs.cpuPct.toFixed(1)} % of a core ${mark(checks.tabs)}`,
    );
    const load = os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ');
    console.log(`load average ${load} (2 cores shared)`);
    console.log(
      `targets: page p95 < ${TARGET_PAGE_P95_MS} ms (worst ${worstP95.toFixed(1)}), first view < ${TARGET_FIRST_VIEW_MS} ms (worst ${firstViewWorst.toFixed(0)}), poll p95 < ${TARGET_POLL_P95_MS} ms, export complete at ≥ ${TARGET_EXPORT_ROWS_PER_S.toLocaleString('en')} rows/s, ${TABS} polling tabs < ${TARGET_POLL_DB_CPU_PCT} % of a core: ${pass ? 'PASS' : 'FAIL'} (run took ${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
    console.log(
      JSON.stringify({
        bench: 'pages',
        worst_p95_ms: ms(worstP95),
        first_view_worst_ms: ms(firstViewWorst),
        p95_ms: Object.fromEntries(pages.map((p) => [p.key, ms(results.get(p.key)!.p95)])),
        p50_ms: Object.fromEntries(pages.map((p) => [p.key, ms(results.get(p.key)!.p50)])),
        first_view_ms: Object.fromEntries(pages.map((p) => [p.key, ms(firstView.get(p.key)!)])),
        poll_p95_ms: ms(poll.p95),
        export_rows: exportRows,
        rows: seeded.payments,
        export_rows_per_s: Math.round(exportRowsPerS),
        poll_db_cpu_pct: ms(tabs.cpuPct),
        pass,
      }),
    );
    process.exitCode = pass ? 0 : 1;
  } finally {
    if (server) await stop(server);
    lock.release();
    await admin.end();
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
