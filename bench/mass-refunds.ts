/**
 * `npm run bench:mass-refunds` (issue 17): a refund file of 5,000 rows against 5,000 captured
 * payments in the embedded sandbox, whose refund category (`payment-transaction-capture`) is held
 * to 100 requests/s, and the dashboard's client limiter set to the same quota. Measures:
 * - validation: the upload verb end to end (parse, validate against the cache, store the batch);
 * - the run: `runRefundBatch` as the job runs it (refundPayment per row, paced by the limiter);
 * then reads every payment at the sandbox and counts those refunded exactly once with the row's amount.
 * Targets: validation < 2 s, run ≤ 1.10 × the ideal 50 s, 0 rows failing on a 429, each row refunded once.
 * Uses Postgres at TEST_DATABASE_URL when set (a scratch database, dropped), else PGlite in memory.
 * BENCH_ROWS and BENCH_QUOTA change the size and the quota.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { refundBatchRows } from '@/db/schema';
import { KlarnaRateLimiter, seedRateLimits, type CategoryLimits } from '@/lib/klarna/rate-limit';
import { savePaymentTransaction } from '@/lib/payments/cache';
import { approveRefundBatch, runRefundBatch, uploadRefundBatch } from '@/lib/refunds/service';
import { merchantAccounts } from '@/db/schema';
import { sandboxClient, mutation } from '@/sandbox/test-helpers';
import { testContext } from '@/test/context';
import { createUser } from '@/test/factories';
import { addSandboxCredential, sandboxSettings, startSandboxMerchant } from '@/test/sandbox-merchant';

const ROWS = Number(process.env.BENCH_ROWS ?? 5_000);
const QUOTA = Number(process.env.BENCH_QUOTA ?? 100);
const IDEAL_SECONDS = ROWS / QUOTA;
const TARGET = { validateSeconds: 2, runFactor: 1.1 };
const AMOUNT = 10_000;
const REFUND = 2_500;

async function pool<T>(items: T[], inFlight: number, work: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

/** A scratch database: Postgres at TEST_DATABASE_URL (created, then dropped), else PGlite in memory. */
async function scratchDatabase() {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const handle = openDatabase({ pgliteDir: 'memory://' });
    await migrateDatabase(handle);
    return { handle, driver: 'pglite', dispose: () => handle.close() };
  }
  const name = `kpd_bench_refunds_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const handle = openDatabase({ url: url.toString() });
  await migrateDatabase(handle);
  return {
    handle,
    driver: 'postgres',
    async dispose() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function main() {
  const { handle, driver, dispose } = await scratchDatabase();
  const { sandbox, accountId } = await startSandboxMerchant(
    { reference: 'M-BENCH-REFUNDS', name: 'Bench refunds shop', website: 'https://bench.example' },
    { operational: true },
  );
  try {
    const db = handle.db;
    const unlimited: CategoryLimits = Object.fromEntries(
      Object.keys(seedRateLimits.production).map((c) => [c, { partner: 100_000, acquiringPartner: 100_000 }]),
    ) as CategoryLimits;
    const { api } = sandboxClient(sandbox.baseUrl, (await sandbox.control.bootstrapKey()).api_key, {
      limits: unlimited,
    });
    await addSandboxCredential(db, sandbox);
    const { actor: uploader } = await createUser(db, { role: 'operator' });
    await db.insert(merchantAccounts).values({
      accountId,
      accountReference: 'M-BENCH-REFUNDS',
      accountName: 'Bench refunds shop',
      state: 'OPERATIONAL',
    });

    // 5,000 payments authorized and captured at the sandbox, known to the dashboard as after a capture here.
    const setupStarted = performance.now();
    const ids: string[] = new Array(ROWS);
    await pool(
      Array.from({ length: ROWS }, (_, i) => i),
      32,
      async (i) => {
        const { payment_transaction } = await sandbox.control.createAuthorizedPayment(accountId, {
          currency: 'EUR',
          payment_amount: AMOUNT,
          purchase_country: 'DE',
          merchant_reference: `bench-${i}`,
          line_items: [{ name: 'Ticket', quantity: 1, unit_price: AMOUNT, total_line_amount: AMOUNT }],
        });
        const id = payment_transaction.payment_transaction_id as string;
        const captured = await api.paymentTransactions.capture(accountId, id, { amount: AMOUNT }, mutation());
        await savePaymentTransaction(db, captured.payment_transaction, accountId, 'dashboard');
        ids[i] = id;
      },
    );
    console.log(`set-up: ${ROWS} captured payments in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);

    // The quota, at Klarna's end and in the dashboard's limiter (one per process, as in the app).
    const limits: CategoryLimits = {
      ...unlimited,
      'payment-transaction-capture': { partner: QUOTA, acquiringPartner: QUOTA },
    };
    await sandbox.control.setRateLimits(limits);
    const globalLimiters = globalThis as unknown as { __klarnaLimiters?: Map<string, KlarnaRateLimiter> };
    globalLimiters.__klarnaLimiters = new Map([['production', new KlarnaRateLimiter(limits)]]);

    const settings = sandboxSettings(sandbox);
    const ctx = testContext({ db, actor: uploader, settings });
    const csv = Buffer.from(
      [
        'payment_transaction_id,amount_minor,currency,reason,refund_reference',
        ...ids.map((id, i) => `${id},${REFUND},EUR,Recall of lot 7,bench-${i}`),
      ].join('\r\n') + '\r\n',
    );
    const validateStarted = performance.now();
    const batch = await uploadRefundBatch(
      ctx,
      { fileName: 'bench.csv', bytes: [csv.subarray(0, csv.length >> 1), csv.subarray(csv.length >> 1)] },
      { fourEyesAbove: 1_000_000_000 },
    );
    const validateSeconds = (performance.now() - validateStarted) / 1000;
    if (batch.rowsWillRefund !== ROWS) throw new Error(`validation refused ${batch.rowsRefused} rows`);
    await approveRefundBatch(
      ctx,
      { batchId: batch.id, totals: { EUR: String((ROWS * REFUND) / 100) } },
      { queue: async () => undefined },
    );

    const runStarted = performance.now();
    const run = await runRefundBatch(testContext({ db, settings }), batch.id);
    const runSeconds = (performance.now() - runStarted) / 1000;

    const rows = await db
      .select({ result: refundBatchRows.result })
      .from(refundBatchRows)
      .where(eq(refundBatchRows.batchId, batch.id));
    const declined = rows.filter((r) => r.result !== 'refunded').length;
    // Every payment read back at the sandbox (the quota lifted again): exactly one refund of the row's amount.
    await sandbox.control.setRateLimits(unlimited);
    let refundedOnce = 0;
    let refundedTwice = 0;
    await pool(ids, 32, async (id) => {
      const at = await api.paymentTransactions.get(accountId, id);
      if (at.refunds.length === 1 && at.refunds[0]!.amount === REFUND) refundedOnce++;
      if (at.refunds.length > 1) refundedTwice++;
    });

    const pass =
      validateSeconds < TARGET.validateSeconds &&
      runSeconds <= IDEAL_SECONDS * TARGET.runFactor &&
      declined === 0 &&
      refundedOnce === ROWS;
    console.log(
      `${ROWS} rows (${driver}): validation ${validateSeconds.toFixed(2)} s (target < ${TARGET.validateSeconds} s); run ${runSeconds.toFixed(2)} s (${run.status}, ${run.sent} sent) vs ideal ${IDEAL_SECONDS} s at ${QUOTA}/s (target ≤ ${(IDEAL_SECONDS * TARGET.runFactor).toFixed(0)} s)`,
    );
    console.log(
      `  ${refundedOnce} payments refunded exactly once at the sandbox, ${refundedTwice} more than once, ${declined} rows not refunded`,
    );
    console.log(`  ${pass ? 'PASS' : 'FAIL'}`);
    console.log(
      JSON.stringify({
        bench: 'mass-refunds',
        rows: ROWS,
        quota_per_s: QUOTA,
        validate_seconds: Number(validateSeconds.toFixed(3)),
        run_seconds: Number(runSeconds.toFixed(3)),
        ideal_seconds: IDEAL_SECONDS,
        refunded_once: refundedOnce,
      }),
    );
    process.exitCode = pass ? 0 : 1;
  } finally {
    await sandbox.close();
    await dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
