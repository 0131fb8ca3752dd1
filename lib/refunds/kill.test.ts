import { fork } from 'node:child_process';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { merchantAccounts, refundBatches, refundBatchRows } from '@/db/schema';
import type { Actor } from '@/lib/auth/guard';
import { addCredential } from '@/lib/credentials/service';
import { generateKeySpec, parseKeyring } from '@/lib/crypto/secrets';
import type { KlarnaSettings } from '@/lib/credentials/connection';
import { capturePayment } from '@/lib/payments/service';
import type { RunningSandbox } from '@/sandbox/start';
import { testContext } from '@/test/context';
import { describeEachHandle } from '@/test/db';
import { createUser } from '@/test/factories';
import { startSandboxMerchant, type SandboxMerchant } from '@/test/sandbox-merchant';
import { approveRefundBatch, getRefundBatch, runRefundBatch, uploadRefundBatch } from './service';

/** The worker process is killed (SIGKILL) in the middle of a run; another run resumes the batch. Real Postgres only (two processes). */

let sandbox: RunningSandbox;
let api: SandboxMerchant['api'];
let accountId: string;
const keySpec = generateKeySpec('k1');
beforeAll(async () => {
  ({ sandbox, api, accountId } = await startSandboxMerchant(
    { reference: 'M-KILL', name: 'Kill test shop', website: 'https://kill.example' },
    { operational: true },
  ));
});
afterAll(() => sandbox.close());

describeEachHandle('a refund worker killed mid-run', (handle, driver) => {
  if (driver === 'pglite') {
    it.skip('needs a database two processes share (real Postgres)', () => {});
    return;
  }
  const settings = (): KlarnaSettings => ({
    environment: 'sandbox',
    baseUrl: sandbox.baseUrl,
    rateLimits: 'production',
    keyring: parseKeyring(keySpec),
  });
  let operator: Actor;
  const as = (actor: Actor | null) => testContext({ db: handle().db, actor, settings: settings() });

  beforeAll(async () => {
    const { actor: admin } = await createUser(handle().db, { role: 'admin' });
    await addCredential(as(admin), {
      environment: 'sandbox',
      label: 'Dashboard',
      apiKey: (await sandbox.control.bootstrapKey()).api_key,
    });
    ({ actor: operator } = await createUser(handle().db, { role: 'operator' }));
    await handle()
      .db.insert(merchantAccounts)
      .values({ accountId, accountReference: 'M-KILL', accountName: 'Kill test shop', state: 'OPERATIONAL' });
  });

  it('resumes after the kill: every row refunded exactly once at the sandbox', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 16; i++) {
      const { payment_transaction } = await sandbox.control.createAuthorizedPayment(accountId, {
        currency: 'EUR',
        payment_amount: 4_000,
        purchase_country: 'DE',
        line_items: [{ name: 'Ticket', quantity: 1, unit_price: 4_000, total_line_amount: 4_000 }],
      });
      const id = payment_transaction.payment_transaction_id as string;
      await capturePayment(as(operator), { accountId, paymentTransactionId: id }, crypto.randomUUID(), {
        amount: 4_000,
      });
      ids.push(id);
    }
    const batch = await uploadRefundBatch(
      as(operator),
      {
        fileName: 'kill.csv',
        bytes: [
          Buffer.from(
            [
              'payment_transaction_id,amount_minor,currency,reason',
              ...ids.map((id) => `${id},1500,EUR,Kill test`),
            ].join('\n'),
          ),
        ],
      },
      { fourEyesAbove: 1000 },
    );
    await approveRefundBatch(as(operator), { batchId: batch.id, totals: { EUR: '240.00' } }, { queue: async () => 0 });
    // Each answer takes a while, so the kill lands with rows at Klarna.
    await sandbox.control.setFaults({ latency_ms: 150 });
    const child = fork('lib/refunds/testing/worker.ts', [], {
      execArgv: ['--conditions=react-server', '--import', 'tsx'],
      env: {
        ...process.env,
        DATABASE_URL: (handle() as { url: string }).url,
        SANDBOX_URL: sandbox.baseUrl,
        KEY_SPEC: keySpec,
        BATCH_ID: batch.id,
      },
      stdio: 'inherit',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await expect
        .poll(async () => (await getRefundBatch(as(operator), batch.id)).rowsRefunded, {
          timeout: 30_000,
          interval: 50,
        })
        .toBeGreaterThanOrEqual(4);
      child.kill('SIGKILL');
      await exited;
    } finally {
      await sandbox.control.setFaults({ latency_ms: 0 });
    }
    const [left] = await handle()
      .db.select({ n: sql<number>`count(*)::int` })
      .from(refundBatchRows)
      .where(sql`${refundBatchRows.batchId} = ${batch.id} and ${refundBatchRows.result} in ('pending', 'sending')`);
    expect(left!.n).toBeGreaterThan(0);
    // The dead run's lease still holds the batch: a second worker takes nothing yet.
    expect(await runRefundBatch(as(null), batch.id)).toMatchObject({ status: 'held', sent: 0 });
    // Its lease runs out (as a minute later); the sweep's run takes the batch over and resumes it.
    await handle()
      .db.update(refundBatches)
      .set({ leaseUntil: sql`now() - interval '1 second'` })
      .where(eq(refundBatches.id, batch.id));
    expect(await runRefundBatch(as(null), batch.id)).toMatchObject({ status: 'done' });
    for (const id of ids) {
      const at = await api.paymentTransactions.get(accountId, id);
      expect(at.refunds.map((r) => r.amount)).toEqual([1_500]);
    }
    expect(await getRefundBatch(as(operator), batch.id)).toMatchObject({ status: 'done', rowsRefunded: 16 });
  }, 90_000);
});
