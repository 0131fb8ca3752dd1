import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import * as schema from '@/db/schema';
import { openTestDatabase } from '@/test/db';
import { listAudit } from './audit';
import { listApiRequests } from './klarna/request-log';
import { listMerchants, listTimeline } from './merchants/cache';
import { searchMerchants } from './merchants/names';
import { listPaymentLinks, listPaymentLinkTimeline } from './payments/links';
import { listPayments, listPaymentTimeline, paymentSorts, paymentsVersion } from './payments/cache';
import { listSettlementImports, listSettlementLines, listSettlements } from './settlements/queries';
import { listWebhookEvents } from './webhooks/events';
import {
  listCancellations,
  listCards,
  listKeys,
  listPromises,
  listSettlements as listCardSettlements,
  openPromiseForOrder,
  promisesExpiringSoon,
  settlementKeys,
} from './cards/service';
import { listRefundBatches, listRefundBatchRows } from './refunds/service';
import { testContext } from '@/test/context';

/**
 * Every list page's query reads its rows in the order of an index (issue 18: "every keyset query
 * orders exactly as its index does"). Each query runs on Postgres with auto_explain handing back
 * its plan, with sequential scans and sorts priced out (enable_seqscan, enable_sort off): a plan
 * that still has a Seq Scan found no index for its filter, and one that still sorts found none
 * for its order; on a table of a million rows either reads them all for one page.
 */
const url = process.env.TEST_DATABASE_URL;

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; Plans?: PlanNode[] };
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe.skipIf(!url)('list queries read in index order [postgres]', () => {
  let handle: Awaited<ReturnType<typeof openTestDatabase>>;
  let client: postgres.Sql;
  let db: Db;
  const plans: PlanNode[] = [];

  beforeAll(async () => {
    handle = await openTestDatabase('postgres');
    if (handle.driver !== 'postgres') throw new Error('expected Postgres');
    client = postgres(handle.url, {
      max: 1,
      onnotice: (notice) => {
        const text = String(notice.message ?? '');
        const at = text.indexOf('{');
        if (text.includes('plan:') && at >= 0) plans.push((JSON.parse(text.slice(at)) as { Plan: PlanNode }).Plan);
      },
    });
    db = drizzle(client, { schema }) as unknown as Db;
    await client.unsafe(`LOAD 'auto_explain'`);
    await client.unsafe(`SET auto_explain.log_min_duration = 0`);
    await client.unsafe(`SET auto_explain.log_level = 'notice'`);
    await client.unsafe(`SET auto_explain.log_format = 'json'`);
    await client.unsafe(`SET enable_seqscan = off`);
    await client.unsafe(`SET enable_sort = off`);
  });
  afterAll(async () => {
    await client?.end();
    await handle?.dispose();
  });

  const account = 'krn:partner:global:account:test:PLANS';
  const transaction = randomUUID();
  const payout = { importId: randomUUID(), settlementId: 'KLNGLB-20261201-EUR' };
  const admin = {
    id: randomUUID(),
    email: 'plans@example.com',
    name: 'Plans',
    role: 'admin' as const,
    totpEnabled: false,
  };
  const cardsCtx = () => testContext({ db, actor: admin });
  const cases: [string, () => Promise<unknown>][] = [
    ...paymentSorts.map((sort): [string, () => Promise<unknown>] => [
      `payments sorted ${sort}`,
      () => listPayments(db, { sort }),
    ]),
    ['payments of a merchant', () => listPayments(db, { account })],
    ['payments in a state', () => listPayments(db, { state: 'AUTHORIZED' })],
    ['payments in a currency', () => listPayments(db, { currency: 'EUR' })],
    ['payments version', () => paymentsVersion(db)],
    ['one payment’s version', () => paymentsVersion(db, transaction)],
    ['payment timeline', () => listPaymentTimeline(db, { paymentTransactionId: transaction })],
    ['payment links', () => listPaymentLinks(db, {})],
    ['payment link timeline', () => listPaymentLinkTimeline(db, randomUUID())],
    ['merchants', () => listMerchants(db, {})],
    ['merchants in a state', () => listMerchants(db, { state: 'OPERATIONAL' })],
    ['merchant timeline', () => listTimeline(db, account)],
    ['merchant picker, a name prefix', () => searchMerchants(db, { q: 'Nor' })],
    ['merchant picker, a prefix with LIKE’s own characters', () => searchMerchants(db, { q: '50%_off\\' })],
    ['merchant picker, no prefix yet', () => searchMerchants(db, {})],
    ['payouts', () => listSettlements(db, {})],
    ['settlement imports', () => listSettlementImports(db, {})],
    ['a payout’s lines', () => listSettlementLines(db, payout, {})],
    ['event log', () => listWebhookEvents(db, {})],
    ['event log by type', () => listWebhookEvents(db, { type: 'payment.transaction.captured' })],
    ['event log by account', () => listWebhookEvents(db, { account })],
    ['event log by verdict and status', () => listWebhookEvents(db, { verdict: 'valid', status: 'processed' })],
    ['event log by source', () => listWebhookEvents(db, { verdict: 'rejected', source: '198.51.100.7' })],
    ['API request log', () => listApiRequests(db, {})],
    ['audit log', () => listAudit(db, {})],
    ['audit log by action', () => listAudit(db, { action: 'payments.capture' })],
    ['card keys', () => listKeys(cardsCtx())],
    ['card keys for a settlement', () => settlementKeys(cardsCtx())],
    ['card promises', () => listPromises(cardsCtx())],
    ['card promises, next page', () => listPromises(cardsCtx(), { cursor: 'WzEwMF0' })],
    ['an order’s open card promise', () => openPromiseForOrder(cardsCtx(), 'order-1')],
    ['card promises about to expire', () => promisesExpiringSoon(cardsCtx())],
    ['card settlements', () => listCardSettlements(cardsCtx())],
    ['a card settlement’s cards', () => listCards(cardsCtx(), 'settlement-1', { after: 10 })],
    ['card cancellations', () => listCancellations(cardsCtx())],
    ['refund batches', () => listRefundBatches(reader(), {})],
    ...(['all', 'refused', 'refunded', 'open'] as const).map((filter): [string, () => Promise<unknown>] => [
      `a refund batch’s rows (${filter})`,
      () => listRefundBatchRows(reader(), { batchId: randomUUID(), filter }),
    ]),
  ];
  const reader = () =>
    testContext({
      db,
      actor: { id: randomUUID(), email: 'plans@example.com', name: 'Plans', role: 'viewer', totpEnabled: false },
    });

  it.each(cases)('%s', async (_name, run) => {
    plans.length = 0;
    await run();
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) {
      const nodes = nodesOf(plan);
      const seqScans = nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']);
      // 'Sort', 'Incremental Sort': either orders rows the index did not hand back in order.
      const sorts = nodes.filter((n) => n['Node Type'].endsWith('Sort')).map((n) => n['Node Type']);
      expect(seqScans, 'tables read whole').toEqual([]);
      expect(sorts, 'rows sorted after reading').toEqual([]);
    }
  });
});
