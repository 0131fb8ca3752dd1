/**
 * `npm run bench:settlements` (issue 6): a settlement file of 1,000,000 lines (the seed's 24
 * columns as Klarna writes them, realistic UUIDs, krn account and price-plan ids, ~400 MB;
 * `BENCH_COLUMNS=extended` adds our 4: type, fee, VAT and net) against
 * 1,000,000 cached captures and refunds (`payment_operations`) in real Postgres, imported and
 * reconciled by the real code in a child process (bench/settlements-import.ts: the upload
 * route's `receiveSettlementFile`, parsing and COPYing as the bytes arrive, then the import
 * job's `runImport`, reconciling), timed end to end, with that
 * process's peak RSS. In the same run, the floor: `psql \copy` of the same file into an
 * UNLOGGED table with the file's columns, typed.
 *
 * The file is written by the sandbox's own line writer (`settlementCsvLineOf`), with known
 * discrepancies at fixed places: 200 captures left out (missing), 100 amounts off by 3, 100
 * fees off by 7 (a fixed rate 7 above ours, so the seed's columns alone show it), 100 lines in another currency, 100 lines written twice, and 100 lines of
 * transactions never seen. `verdicts_as_expected` is true when reconciliation finds exactly
 * those and matches everything else.
 *
 * Targets: import + reconciliation within 3× the floor, ≥ 50,000 lines/s, peak RSS < 400 MB.
 * Needs TEST_DATABASE_URL (a scratch database is created and dropped; BENCH_KEEP_DB=1 keeps it)
 * and `psql`. BENCH_LINES changes the size.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import {
  feeFor,
  netAmountOf,
  settlementCsvColumns,
  settlementCsvHeaderOf,
  settlementCsvLineOf,
  type SettlementCsvFormat,
  type SettlementLine,
} from '@/lib/klarna/schemas/settlements';

const OPS = Number(process.env.BENCH_LINES ?? 1_000_000);
const BASE_MS = Date.UTC(2026, 10, 1);
const STEP_MS = 800;
const CURRENCIES = ['EUR', 'SEK', 'GBP'] as const;
const PRICE_PLAN = 'krn:partner:global:pricing:payments:price-plan:171080e7-2637-4675-a224-ec032723ebdf';
const TARGET = { floorFactor: 3, linesPerSecond: 50_000, rssMb: 400 };
/** The seed's 24 columns (Klarna's file) unless BENCH_COLUMNS=extended. */
const FORMAT: SettlementCsvFormat = process.env.BENCH_COLUMNS === 'extended' ? 'extended' : 'seed';
const csvLine = settlementCsvLineOf(FORMAT);

const uuidOf = (text: string) => {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
// Operation n (1-based): groups of five per transaction, four captures then a refund of the fourth.
const group = (n: number) => Math.floor((n - 1) / 5);
const isRefund = (n: number) => n % 5 === 0;
const captureAmount = (n: number) => 1000 + ((n * 7919) % 500_000);
const amountOf = (n: number) => (isRefund(n) ? Math.floor(captureAmount(n - 1) / 2) : captureAmount(n));
const currencyOf = (n: number) => CURRENCIES[group(n) % 3]!;
const accountOf = (n: number) => `krn:partner:global:account:test:ACC${String(group(n) % 2000).padStart(5, '0')}`;
const rateOf = (n: number) => ({
  fixed: 100 + (group(n) % 50),
  variable: 1_000_000 + (group(n) % 7) * 100_000,
  tax: { fixed: 0, variable: 25_000_000 },
});
const atOf = (n: number) => new Date(BASE_MS + n * STEP_MS).toISOString();
const opIdOf = (n: number) => uuidOf(`${isRefund(n) ? 'ref' : 'cap'}${n}`);
const txIdOf = (n: number) => uuidOf(`tx${group(n)}`);

// The seed's SQL twin of the functions above.
const SEED_OPS = `
insert into payment_operations (operation_id, kind, payment_transaction_id, account_id, currency, amount, payment_capture_id, reference, occurred_at, rate_fixed, rate_variable, tax_fixed, tax_variable)
select
  md5(case when n % 5 = 0 then 'ref' else 'cap' end || n)::uuid::text,
  case when n % 5 = 0 then 'refund' else 'capture' end,
  md5('tx' || g)::uuid::text,
  'krn:partner:global:account:test:ACC' || lpad((g % 2000)::text, 5, '0'),
  (array['EUR','SEK','GBP'])[g % 3 + 1],
  case when n % 5 = 0 then (1000 + ((n - 1)::bigint * 7919) % 500000) / 2 else 1000 + (n::bigint * 7919) % 500000 end,
  case when n % 5 = 0 then md5('cap' || (n - 1))::uuid::text end,
  null,
  to_timestamp(${BASE_MS / 1000}) + (n * ${STEP_MS}) * interval '1 millisecond',
  case when n % 5 = 0 then null else 100 + g % 50 end,
  case when n % 5 = 0 then null else 1000000 + (g % 7) * 100000 end,
  case when n % 5 = 0 then null else 0 end,
  case when n % 5 = 0 then null else 25000000 end
from (select n, (n - 1) / 5 as g from generate_series($1::int, $2::int) n) s`;

const SEED_TRANSACTIONS = `
insert into payment_transactions (payment_transaction_id, account_id, state, currency, authorized_amount, captured_amount, refunded_amount, remaining_authorized_amount, klarna_created_at, klarna_updated_at)
select md5('tx' || g)::uuid::text, 'krn:partner:global:account:test:ACC' || lpad((g % 2000)::text, 5, '0'), 'COMPLETED', (array['EUR','SEK','GBP'])[g % 3 + 1],
  0, 0, 0, 0, to_timestamp(${BASE_MS / 1000}), to_timestamp(${BASE_MS / 1000})
from generate_series(0, $1::int) g`;

/** Which operations get which discrepancy: captures away from the days' edges, in a fixed stride. */
function discrepancies() {
  const picks: number[] = [];
  const stride = Math.max(7, Math.floor((OPS - 20_000) / 1400)) | 1;
  for (let n = 10_007; picks.length < 600 && n <= OPS; n += stride) {
    const dayOffset = (n * STEP_MS) % 86_400_000;
    if (!isRefund(n) && !isRefund(n + 1) && dayOffset > 3_600_000 && dayOffset < 82_800_000) picks.push(n);
  }
  if (picks.length < 600) throw new Error(`BENCH_LINES=${OPS} is too small for the discrepancies`);
  return {
    missing: new Set(picks.slice(0, 200)),
    amount: new Set(picks.slice(200, 300)),
    fee: new Set(picks.slice(300, 400)),
    currency: new Set(picks.slice(400, 500)),
    duplicate: new Set(picks.slice(500, 600)),
  };
}

function lineOf(n: number): SettlementLine {
  const refund = isRefund(n);
  const amount = amountOf(n);
  const rate = rateOf(n);
  const { fee, tax } = refund ? { fee: 0, tax: 0 } : feeFor(amount, rate);
  const at = atOf(n);
  const line: SettlementLine = {
    captured_at: at,
    created_at: at,
    payment_transaction_created_at: atOf(group(n) * 5 + 1),
    payment_transaction_id: txIdOf(n),
    klarna_reference: `K${group(n).toString(36).toUpperCase().padStart(6, '0')}`,
    // Seed: a capture id only on sale and fee lines.
    payment_capture_id: refund ? null : opIdOf(n),
    merchant_reference: `order-${group(n)}`,
    payment_transaction_reference: `pay-${group(n)}`,
    amount,
    'payment_pricing_details.price_plan_id': PRICE_PLAN,
    'payment_pricing.rate.fixed': rate.fixed,
    'payment_pricing.rate.variable': rate.variable,
    'payment_pricing.rate.tax.variable': rate.tax.variable,
    'payment_pricing.rate.tax.fixed': rate.tax.fixed,
    discount_amount: 0,
    penalty_amount: 0,
    currency: currencyOf(n),
    payment_refund_id: refund ? opIdOf(n) : null,
    payment_option_category: 'PAY_LATER',
    capture_reference: refund ? null : `ship-${n}`,
    refund_reference: refund ? `return-${n}` : null,
    dispute_id: null,
    account_id: accountOf(n),
    settlement_id: `KLNGLB-${at.slice(0, 10).replace(/-/g, '')}-${currencyOf(n)}`,
    type: refund ? 'RETURN' : 'SALE',
    fee_amount: fee,
    tax_amount: tax,
    net_amount: 0,
  };
  return { ...line, net_amount: netAmountOf(line) };
}

async function writeFile(file: string): Promise<{ lines: number }> {
  const d = discrepancies();
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let buffer = settlementCsvHeaderOf(FORMAT);
  let lines = 0;
  const flush = async (force = false) => {
    if (!force && buffer.length < 1 << 20) return;
    if (!out.write(buffer)) await new Promise<void>((r) => out.once('drain', () => r()));
    buffer = '';
  };
  const unknownEvery = Math.floor(OPS / 100);
  for (let n = 1; n <= OPS; n++) {
    if (d.missing.has(n)) continue;
    let line = lineOf(n);
    if (d.amount.has(n)) line = { ...line, amount: line.amount + 3, net_amount: line.net_amount + 3 };
    if (d.fee.has(n)) {
      const rate = rateOf(n);
      const wrong = feeFor(line.amount, { ...rate, fixed: rate.fixed + 7 });
      const off = {
        ...line,
        'payment_pricing.rate.fixed': rate.fixed + 7,
        fee_amount: wrong.fee,
        tax_amount: wrong.tax,
      };
      line = { ...off, net_amount: netAmountOf(off) };
    }
    if (d.currency.has(n)) line = { ...line, currency: 'NOK' };
    buffer += csvLine(line);
    lines++;
    if (d.duplicate.has(n)) {
      buffer += csvLine(line);
      lines++;
    }
    if (n % unknownEvery === 0 && lines < OPS) {
      // A sale of a transaction this dashboard never saw (another partner's, or a lost webhook and no refresh).
      buffer += csvLine({
        ...line,
        payment_transaction_id: randomUUID(),
        payment_capture_id: randomUUID(),
        type: 'SALE',
        payment_refund_id: null,
      });
      lines++;
    }
    await flush();
  }
  await flush(true);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return { lines };
}

const floorTypes: Record<string, string> = {
  captured_at: 'timestamptz',
  created_at: 'timestamptz',
  payment_transaction_created_at: 'timestamptz',
  amount: 'bigint',
  'payment_pricing.rate.fixed': 'bigint',
  'payment_pricing.rate.variable': 'bigint',
  'payment_pricing.rate.tax.variable': 'bigint',
  'payment_pricing.rate.tax.fixed': 'bigint',
  discount_amount: 'bigint',
  penalty_amount: 'bigint',
  fee_amount: 'bigint',
  tax_amount: 'bigint',
  net_amount: 'bigint',
};

async function main() {
  const root = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!root) throw new Error('bench:settlements needs TEST_DATABASE_URL (a real Postgres)');
  const name = `kpd_bench_settle_${randomBytes(4).toString('hex')}`;
  const admin = postgres(root, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(root);
  url.pathname = `/${name}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-settle-'));
  const file = path.join(dir, 'settlement.csv');
  const log = (line: string) => console.log(line);
  try {
    const handle = openDatabase({ url: url.toString() });
    if (handle.driver !== 'postgres') throw new Error('bench:settlements needs Postgres');
    await migrateDatabase(handle);
    const sql = handle.client;
    let t = performance.now();
    for (let from = 1; from <= OPS; from += 250_000) await sql.unsafe(SEED_OPS, [from, Math.min(OPS, from + 249_999)]);
    await sql.unsafe(SEED_TRANSACTIONS, [group(OPS)]);
    await sql.unsafe('analyze payment_operations; analyze payment_transactions');
    log(`seeded ${OPS.toLocaleString('en')} captures/refunds in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    // Each timed phase starts with nothing left to flush: Postgres checkpointed and the OS's dirty
    // pages written (the file just written, the floor's table), which would otherwise throttle
    // the next phase's writes by however much the previous one left behind.
    const settle = async () => {
      await sql.unsafe('checkpoint');
      spawnSync('sync');
    };
    t = performance.now();
    const { lines } = await writeFile(file);
    const size = (await stat(file)).size;
    log(
      `wrote ${lines.toLocaleString('en')} lines, ${(size / 1e6).toFixed(0)} MB, in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    // The floor: psql \copy of the same file into an unlogged table with the same columns.
    await sql.unsafe(
      `create unlogged table copy_floor (${settlementCsvColumns[FORMAT].map((c) => `"${c}" ${floorTypes[c] ?? 'text'}`).join(', ')})`,
    );
    await settle();
    t = performance.now();
    const copy = spawnSync(
      'psql',
      [
        url.toString(),
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        `\\copy copy_floor from '${file}' with (format csv, header true)`,
      ],
      { encoding: 'utf8' },
    );
    const copyFloorSeconds = (performance.now() - t) / 1000;
    if (copy.status !== 0) throw new Error(`psql \\copy failed: ${copy.stderr}`);
    log(`floor: psql \\copy ${copy.stdout.trim()} in ${copyFloorSeconds.toFixed(2)} s`);
    await sql.unsafe('drop table copy_floor');
    await settle();

    // The import, in its own process.
    const child = spawnSync(
      process.execPath,
      [
        '--conditions=react-server',
        '--import',
        'tsx',
        ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
        path.resolve('bench/settlements-import.ts'),
        url.toString(),
        file,
      ],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    if (child.status !== 0) throw new Error(`the import process failed (${child.status})`);
    const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
      importId: string;
      status: string;
      error: string | null;
      linesImported: number;
      linesQuarantined: number;
      upload_seconds: number;
      import_seconds: number;
      seconds: number;
      peak_rss_mb: number;
    };
    log(
      `import: ${result.status}${result.error ? ` (${result.error})` : ''}, ${result.linesImported.toLocaleString('en')} lines, receive (parse + COPY) ${result.upload_seconds.toFixed(2)} s + reconcile ${result.import_seconds.toFixed(2)} s, peak RSS ${result.peak_rss_mb} MB`,
    );

    const counts = Object.fromEntries(
      (
        await sql<
          { verdict: string; n: string }[]
        >`select verdict, count(*)::text as n from settlement_lines where import_id = ${result.importId} group by verdict`
      ).map((r) => [r.verdict, Number(r.n)]),
    );
    const [missingRow] = await sql<
      { n: string }[]
    >`select count(*)::text as n from settlement_missing where import_id = ${result.importId}`;
    const missing = missingRow?.n ?? '0';
    const expected = {
      matched: lines - 500,
      amount_mismatch: 100,
      fee_mismatch: 100,
      currency_mismatch: 100,
      duplicate: 100,
      unknown_transaction: 100,
    };
    const verdictsAsExpected =
      result.status === 'done' &&
      result.linesQuarantined === 0 &&
      Number(missing) === 200 &&
      JSON.stringify(Object.entries(counts).sort()) === JSON.stringify(Object.entries(expected).sort());
    log(`verdicts: ${JSON.stringify(counts)}, missing ${missing} (expected ${JSON.stringify(expected)}, missing 200)`);

    const linesPerSecond = Math.round(lines / result.seconds);
    const pass =
      verdictsAsExpected &&
      result.seconds <= TARGET.floorFactor * copyFloorSeconds &&
      linesPerSecond >= TARGET.linesPerSecond &&
      result.peak_rss_mb < TARGET.rssMb;
    log(
      `${pass ? 'PASS' : 'FAIL'}: ${result.seconds.toFixed(2)} s vs ${TARGET.floorFactor}× floor ${(TARGET.floorFactor * copyFloorSeconds).toFixed(2)} s (${(result.seconds / copyFloorSeconds).toFixed(2)}×), ${linesPerSecond.toLocaleString('en')} lines/s (≥ ${TARGET.linesPerSecond.toLocaleString('en')}), peak RSS ${result.peak_rss_mb} MB (< ${TARGET.rssMb})`,
    );
    await handle.close();
    console.log(
      JSON.stringify({
        bench: 'settlements',
        columns: FORMAT,
        lines,
        seconds: Math.round(result.seconds * 100) / 100,
        copy_floor_seconds: Math.round(copyFloorSeconds * 100) / 100,
        floor_ratio: Math.round((result.seconds / copyFloorSeconds) * 100) / 100,
        lines_per_s: linesPerSecond,
        peak_rss_mb: result.peak_rss_mb,
        verdicts_as_expected: verdictsAsExpected,
        pass,
      }),
    );
    if (!pass) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
    if (process.env.BENCH_KEEP_DB === '1') console.error(`kept ${url.toString()}`);
    else await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
