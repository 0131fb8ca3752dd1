import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { klarnaFor } from '@/lib/credentials/connection';
import { provisionSandbox } from '@/lib/provision';
import { seedDemoMerchants } from '@/lib/merchants/demo';
import { appWebhookHandlers } from '@/lib/app';
import { receiveKlarnaWebhook } from '@/lib/webhooks/receiver';
import { signingKeyLookup } from '@/lib/webhooks/signing-keys';
import type { SandboxDelivery } from '@/sandbox/control-client';
import { startSandbox, type RunningSandbox } from '@/sandbox/start';
import { describeEachDriver } from '@/test/db';
import { testKeyring } from '@/test/factories';
import { listPayments } from './cache';
import { demoBaskets, seedDemoPayments } from './demo';

// The first `npm run dev` on a fresh database, minus Next.js: the sandbox is provisioned with a
// webhook to this dashboard's receiver (a plain HTTP server here), the demo merchants are
// onboarded and the demo payments made, while the sandbox delivers every webhook they cause
// (late, as to a busy dev server). Once all are delivered, the payments list must show Klarna's states.

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off', accountActivationMs: 0 });
});
afterAll(() => sandbox.close());

describeEachDriver('demo payments on a first start', (db) => {
  let receiver: Server;
  let appUrl: string;
  beforeAll(async () => {
    await sandbox.control.reset();
    const lookup = signingKeyLookup(db(), testKeyring);
    receiver = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      // A dev server busy compiling takes its time: webhooks land after the seeding's own reads,
      // and not in the order sent (here the captured and refunded events last, as seen in dev).
      const rawBody = Buffer.concat(chunks).toString('utf8');
      await new Promise((resolve) =>
        setTimeout(resolve, /"event_type":"payment\.transaction\.(captured|refunded)"/.test(rawBody) ? 700 : 250),
      );
      const headers = new Headers(
        Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as [string, string]] : [])),
      );
      const answer = await receiveKlarnaWebhook(
        { db: db(), signingKey: lookup, handlers: appWebhookHandlers(), allowedIps: null },
        { rawBody, headers, sourceIp: null },
      );
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('shows every demo payment Completed, as Klarna has it, once the webhooks are in', async () => {
    const settings = {
      environment: 'sandbox' as const,
      baseUrl: sandbox.baseUrl,
      rateLimits: 'production' as const,
      keyring: testKeyring,
    };
    expect(await provisionSandbox(db(), settings, appUrl)).toContain('webhook for all events');
    expect(await seedDemoMerchants(db(), settings)).toMatch(/example merchants/);
    // The merchant lib/settlements/demo.ts pays: the first operational one.
    // Activation is the sandbox's timer's work, even at 0 ms: wait for it as lib/settlements/demo.ts does.
    const api = await klarnaFor(db(), settings);
    let merchant: string | undefined;
    for (let wait = 0; wait < 100 && !merchant; wait++) {
      const { accounts } = await api.accounts.list({ limit: 10 });
      merchant = accounts.find((a) => a.state === 'OPERATIONAL')?.account_id;
      if (!merchant) await new Promise((r) => setTimeout(r, 100));
    }
    if (!merchant) throw new Error('no demo merchant turned operational within 10 s');
    const ids = await seedDemoPayments(db(), settings, merchant);
    expect(ids).toHaveLength(demoBaskets.length);
    // Every event the sandbox sent, delivered (the receiver answered 2xx). Waiting for as many
    // finished deliveries as there were is not enough: one sent later may finish before a slow one.
    const paymentEvents = (d: SandboxDelivery) => d.event_type.startsWith('payment.transaction.');
    let delivered = await sandbox.control.deliveries();
    for (
      let wait = 0;
      wait < 300 && !delivered.filter(paymentEvents).every((d) => d.state === 'delivered' || d.state === 'failed');
      wait++
    ) {
      await new Promise((r) => setTimeout(r, 100));
      delivered = await sandbox.control.deliveries();
    }
    expect(
      delivered
        .filter(paymentEvents)
        .map((d) => [d.event_type, d.state])
        .filter(([, state]) => state !== 'delivered'),
    ).toEqual([]);
    const { rows } = await listPayments(db(), { account: merchant });
    expect(rows.map((r) => [r.merchantReference, r.state]).sort()).toEqual(
      demoBaskets.map((_, n) => [`demo-order-${1001 + n}`, 'COMPLETED']),
    );
    for (const [n, basket] of demoBaskets.entries()) {
      const row = rows.find((r) => r.paymentTransactionId === ids[n])!;
      expect(row).toMatchObject({
        capturedAmount: basket.amount,
        remainingAuthorizedAmount: 0,
        refundedAmount: 'refund' in basket ? basket.refund : 0,
      });
    }
  });
});
