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
import {
  countLineVerdicts,
  listSettlementImports,
  listSettlementLines,
  listSettlementLinesForCsv,
  listSettlementMissing,
  listSettlementMissingForCsv,
  listSettlements,
} from './settlements/queries';
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

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };
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
    await seed(client);
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
  const colleague = randomUUID();

  /**
   * A few thousand rows in the tables the big lists read, analysed, so the planner prices them as
   * it would in use (on empty tables any plan is as cheap as another). One payout of 5,000 lines:
   * mostly matched, some adjustments, a few hundred needing a look (a third of those resolved).
   */
  const seed = async (sql: postgres.Sql) => {
    const day = (n: string) => `timestamptz '2026-01-01' + (${n}) * interval '1 hour'`;
    await sql.unsafe(`
      INSERT INTO users (id, email, name, role, password_hash) VALUES ('${admin.id}', '${admin.email}', 'Plans', 'admin', 'x'), ('${colleague}', 'other@example.com', 'Other', 'operator', 'x');
      INSERT INTO merchant_accounts (account_id, account_reference, account_name, state, product_state, created_at)
        SELECT CASE WHEN g = 1 THEN '${account}' ELSE 'krn:partner:global:account:test:M' || g END, 'ref-' || g, 'Merchant ' || g,
          (ARRAY['OPERATIONAL', 'ONBOARDING', 'CLOSED'])[1 + g % 3], (ARRAY['ACTIVE', 'PENDING', 'SUSPENDED', 'ACTIVE'])[1 + g % 4], ${day('g')}
        FROM generate_series(1, 2000) g;
      INSERT INTO payment_transactions (payment_transaction_id, account_id, payment_request_id, state, currency, authorized_amount, captured_amount, refunded_amount, remaining_authorized_amount, merchant_reference, payment_reference, klarna_created_at, klarna_updated_at)
        SELECT 'pt-' || g, CASE WHEN g % 50 = 0 THEN '${account}' ELSE 'krn:partner:global:account:test:M' || (g % 2000) END, 'pr-' || g,
          (ARRAY['AUTHORIZED', 'CAPTURED', 'REFUNDED', 'EXPIRED'])[1 + g % 4], (ARRAY['EUR', 'SEK', 'USD'])[1 + g % 3],
          (g * 7919) % 100000, 0, 0, 0, 'order-' || g, 'pay-' || g, ${day('g')}, ${day('g')}
        FROM generate_series(1, 5000) g;
      INSERT INTO payment_requests (payment_request_id, account_id, state, created_at)
        SELECT 'pr-' || g, 'krn:partner:global:account:test:M' || (g % 2000), 'SUBMITTED', ${day('g')} FROM generate_series(1, 3000) g;
      INSERT INTO settlement_imports (id, source, file_name, size_bytes, status, created_at)
        SELECT CASE WHEN g = 1 THEN '${payout.importId}'::uuid ELSE gen_random_uuid() END, 'upload', 'f' || g || '.csv', 1, 'done', ${day('g')}
        FROM generate_series(1, 2000) g;
      INSERT INTO settlements (settlement_id, import_id, currency, period_start, period_end, line_count, gross_sales, refunds, fees, tax, discounts, penalties, disputes, net, matched_count, open_count, missing_count, reconciled_at)
        SELECT CASE WHEN i.file_name = 'f1.csv' THEN '${payout.settlementId}' ELSE 'KLNGLB-' || i.file_name END, i.id,
          (ARRAY['EUR', 'SEK', 'USD'])[1 + (hashtext(i.file_name) & 3) % 3], i.created_at - interval '1 day', i.created_at,
          100, 0, 0, 0, 0, 0, 0, 0, 0, 100 - (hashtext(i.file_name) & 7), hashtext(i.file_name) & 7, 0, i.created_at
        FROM settlement_imports i;
      INSERT INTO settlement_lines (import_id, line_no, settlement_id, type, payment_transaction_id, currency, amount, fee_amount, tax_amount, discount_amount, penalty_amount, net_amount, captured_at, verdict, resolved_at)
        SELECT '${payout.importId}', g + 1, '${payout.settlementId}', 'SALE', 'pt-' || g, 'EUR', 100, 1, 0, 0, 0, 99, ${day('g')},
          CASE WHEN g % 97 = 0 THEN 'adjustment' WHEN g % 31 = 0 THEN 'amount_mismatch' WHEN g % 37 = 0 THEN 'unknown_transaction' ELSE 'matched' END,
          CASE WHEN g % 3 = 0 AND (g % 31 = 0 OR g % 37 = 0) THEN now() END
        FROM generate_series(1, 5000) g;
      INSERT INTO settlement_missing (import_id, operation_id, kind, payment_transaction_id, account_id, currency, amount, occurred_at, settlement_id)
        SELECT i.id, 'op-' || g, 'capture', 'pt-' || g, '${account}', 'EUR', 100, ${day('g')}, s.settlement_id
        FROM settlement_imports i JOIN settlements s ON s.import_id = i.id, generate_series(1, 3) g;
      INSERT INTO settlement_missing (import_id, operation_id, kind, payment_transaction_id, account_id, currency, amount, occurred_at, settlement_id)
        SELECT '${payout.importId}', 'op-x' || g, 'capture', 'pt-' || g, '${account}', 'EUR', 100, ${day('g')}, '${payout.settlementId}'
        FROM generate_series(1, 2000) g;
      INSERT INTO audit_log (actor_id, actor_email, action, outcome, occurred_at)
        SELECT (CASE g % 10 WHEN 0 THEN NULL WHEN 1 THEN '${admin.id}' ELSE '${colleague}' END)::uuid, 'plans@example.com', (ARRAY['payments.capture', 'payments.refund', 'users.invite'])[1 + g % 3], 'ok', ${day('g')}
        FROM generate_series(1, 5000) g;
      INSERT INTO api_requests (operation, method, path, attempt, duration_ms, account_id, occurred_at)
        SELECT 'op-' || (g % 400), 'GET', '/v2/x', 1, 10, CASE WHEN g % 100 = 0 THEN '${account}' ELSE 'krn:partner:global:account:test:M' || (g % 2000) END, ${day('g')}
        FROM generate_series(1, 5000) g;
      INSERT INTO webhook_events (verdict, status, headers, raw_body)
        SELECT CASE WHEN g % 10 = 0 THEN 'rejected' ELSE 'valid' END, 'processed', '{}', '' FROM generate_series(1, 3000) g;
      ANALYZE;
    `);
  };
  const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  /** Name, query, and the index it must read where a filter has one of its own (a scan of another index that filters would pass the rest). */
  const cases: [string, () => Promise<unknown>, string?][] = [
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
    [
      'payment links, next page',
      () => listPaymentLinks(db, { cursor: cursor(['2026-11-01T00:00:00.000000Z', 'pr-1']) }),
    ],
    ['payment link timeline', () => listPaymentLinkTimeline(db, randomUUID())],
    ['merchants', () => listMerchants(db, {})],
    ['merchants in a state', () => listMerchants(db, { state: 'OPERATIONAL' })],
    [
      'merchants by product state',
      () => listMerchants(db, { product: 'ACTIVE' }),
      'merchant_accounts_product_state_idx',
    ],
    ['merchant timeline', () => listTimeline(db, account)],
    ['merchant picker, a name prefix', () => searchMerchants(db, { q: 'Nor' })],
    ['merchant picker, a prefix with LIKE’s own characters', () => searchMerchants(db, { q: '50%_off\\' })],
    ['merchant picker, no prefix yet', () => searchMerchants(db, {})],
    ['payouts', () => listSettlements(db, {})],
    ['payouts in a currency', () => listSettlements(db, { currency: 'SEK' }), 'settlements_currency_idx'],
    ['payouts, next page', () => listSettlements(db, { cursor: cursor(['2026-06-01 00:00:00+00', 'KLNGLB-1']) })],
    [
      'payouts in a currency, next page',
      () => listSettlements(db, { currency: 'SEK', cursor: cursor(['2026-06-01 00:00:00+00', 'KLNGLB-1']) }),
      'settlements_currency_idx',
    ],
    ['settlement imports', () => listSettlementImports(db, {})],
    ['a payout’s lines', () => listSettlementLines(db, payout, {})],
    [
      'a payout’s counts by verdict',
      () => countLineVerdicts(db, { ...payout, matchedCount: 0, adjustmentCount: 0 }),
      'settlement_lines_attention_idx',
    ],
    [
      'a payout’s CSV export, its lines',
      () => listSettlementLinesForCsv(db, payout, { afterLineNo: 2500, limit: 1000 }),
      'settlement_lines_import_id_line_no_pk',
    ],
    [
      'a payout’s CSV export, its missing operations',
      () => listSettlementMissingForCsv(db, payout, { after: ['2026-11-20 00:00:00+00', 'op-1'], limit: 1000 }),
      'settlement_missing_payout_idx',
    ],
    ['a payout’s lines, next page', () => listSettlementLines(db, payout, { cursor: cursor([2500]) })],
    ['a payout’s open lines', () => listSettlementLines(db, payout, { verdict: 'open' }), 'settlement_lines_open_idx'],
    [
      'a payout’s lines of one verdict needing a look',
      () => listSettlementLines(db, payout, { verdict: 'amount_mismatch' }),
      'settlement_lines_attention_idx',
    ],
    [
      'a payout’s adjustments',
      () => listSettlementLines(db, payout, { verdict: 'adjustment' }),
      'settlement_lines_adjustment_idx',
    ],
    ['a payout’s matched lines', () => listSettlementLines(db, payout, { verdict: 'matched' })],
    ['a payout’s missing operations', () => listSettlementMissing(db, payout), 'settlement_missing_payout_idx'],
    [
      'a payout’s missing operations, next page',
      () => listSettlementMissing(db, payout, { cursor: cursor(['2026-11-20 00:00:00+00', 'op-1']) }),
      'settlement_missing_payout_idx',
    ],
    ['event log', () => listWebhookEvents(db, {})],
    ['event log by type', () => listWebhookEvents(db, { type: 'payment.transaction.captured' })],
    ['event log by account', () => listWebhookEvents(db, { account })],
    ['event log by verdict and status', () => listWebhookEvents(db, { verdict: 'valid', status: 'processed' })],
    ['event log by source', () => listWebhookEvents(db, { verdict: 'rejected', source: '198.51.100.7' })],
    ['API request log', () => listApiRequests(db, {})],
    ['API request log by operation', () => listApiRequests(db, { operation: 'op-3' }), 'api_requests_operation_idx'],
    ['API request log by account', () => listApiRequests(db, { accountId: account }), 'api_requests_account_idx'],
    ['audit log', () => listAudit(db, {})],
    ['audit log by actor', () => listAudit(db, { actor: admin.id }), 'audit_log_actor_idx'],
    ['audit log by the system', () => listAudit(db, { actor: 'system' })],
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

  it.each(cases)('%s', async (_name, run, index) => {
    plans.length = 0;
    await run();
    expect(plans.length).toBeGreaterThan(0);
    if (index) expect(plans.flatMap(nodesOf).map((n) => n['Index Name'])).toContain(index);
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
