import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { settlementConfigurations } from '../../sandbox/state/account-config';
import { captureTransaction } from '../../sandbox/state/payments';
import { startSandbox, type RunningSandbox } from '../../sandbox/start';
import { mutation, sandboxClient, startReceiver } from '../../sandbox/test-helpers';
import type { KlarnaApi } from './api';
import type { KlarnaAttempt } from './client';
import { KlarnaApiError } from './errors';
import type { OnboardRequest } from './schemas/accounts';
import type { PaymentRequestCreateRequest, PaymentTransaction } from './schemas/payments';
import {
  divideRoundHalfUp,
  feeFor,
  netAmountOf,
  seedCsvHeader,
  seedCsvLine,
  seedSettlementColumns,
  settlementColumns,
  extendedCsvHeader,
  extendedCsvLine,
  settlementReportEventPayloadSchema,
  settlementSchema,
  type Settlement,
  type SettlementLine,
  type SettlementTransaction,
} from './schemas/settlements';
import { webhookEventSchema } from './schemas/webhooks';

// Settlement reports against the embedded sandbox, over real HTTP through the typed client:
// reports made from captures, refunds and adjustments (closed through the control API or by
// the sandbox clock), their lines as JSON and as a streamed CSV, the webhook, and each kind of
// discrepancy the control API can write into a report.

let sandbox: RunningSandbox;
let api: KlarnaApi;
let attempts: KlarnaAttempt[];
let accountId: string;

const [globalConfig, ukConfig] = settlementConfigurations as [
  (typeof settlementConfigurations)[number],
  (typeof settlementConfigurations)[number],
];
/** A Wednesday, 10:00 UTC: the DAILY period is 2025-03-12, the ISO week Monday 10 to Sunday 16 March. */
const START = '2025-03-12T10:00:00.000Z';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const merchant = (extra: Partial<OnboardRequest> = {}): OnboardRequest => ({
  account_reference: 'M-SETTLE-1',
  account_name: 'Settle Shop',
  account_owner: { given_name: 'Julia', family_name: 'Doe', email: 'julia.doe@settle.example', phone: '+15555555555' },
  products: [{ type: 'PAYMENT', merchant_category_code: '5691' }],
  channel: { websites: [{ urls: ['https://settle.example'] }] },
  ...extra,
});

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, dataDir: null, rateLimits: 'off' });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await sandbox.control.reset();
  await sandbox.control.setClock(START);
  await sandbox.control.setAccountActivationDelay(0);
  const apiKey = (await sandbox.control.bootstrapKey()).api_key;
  ({ api, attempts } = sandboxClient(sandbox.baseUrl, apiKey));
  accountId = (await api.accounts.onboard(merchant(), mutation())).account_id;
  await sandbox.control.advanceClock(1);
});

async function authorize(
  body: Partial<PaymentRequestCreateRequest> & { payment_amount: number },
  account = accountId,
): Promise<PaymentTransaction> {
  const { payment_transaction } = await sandbox.control.createAuthorizedPayment(account, {
    currency: 'USD',
    merchant_reference: 'order-1',
    payment_reference: 'pay-ref-1',
    ...body,
  });
  return api.paymentTransactions.get(account, payment_transaction.payment_transaction_id);
}
const capture = async (t: PaymentTransaction, amount: number, account = accountId, reference?: string) =>
  (
    await api.paymentTransactions.capture(
      account,
      t.payment_transaction_id,
      { amount, ...(reference ? { capture_reference: reference } : {}) },
      mutation(),
    )
  ).capture;

async function linesOf(settlementId: string): Promise<SettlementTransaction[]> {
  const lines: SettlementTransaction[] = [];
  for (let offset = 0; ;) {
    const page = await api.settlements.transactions(settlementId, { offset, limit: 1000 });
    lines.push(...page.transactions);
    if (!page.pagination?.next) return lines;
    offset += page.transactions.length;
  }
}

async function readText(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), chunks };
    text += decoder.decode(value, { stream: true });
    chunks += 1;
  }
}

async function failure(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof KlarnaApiError)) throw error;
    return { status: error.status, errorCode: error.errorCode, parameters: error.errors.map((e) => e.parameter) };
  }
  throw new Error('expected a Klarna error');
}

function expectConsistent(settlement: Settlement, lines: SettlementTransaction[]) {
  const sum = (pick: (l: SettlementTransaction) => number, type?: string) =>
    lines.filter((l) => !type || l.type === type).reduce((s, l) => s + pick(l), 0);
  expect(settlement.line_count).toBe(lines.length);
  expect(settlement.totals).toEqual({
    gross_sales: sum((l) => l.amount, 'SALE'),
    refunds: sum((l) => l.amount, 'RETURN'),
    fees: sum((l) => l.fee_amount),
    tax: sum((l) => l.tax_amount),
    discounts: sum((l) => l.discount_amount),
    penalties: sum((l) => l.penalty_amount),
    disputes: sum((l) => l.amount, 'DISPUTE'),
    net: sum((l) => l.net_amount),
  });
  const t = settlement.totals;
  expect(t.net).toBe(t.gross_sales - t.refunds - t.fees - t.tax + t.discounts - t.penalties - t.disputes);
  for (const line of lines) {
    expect(line.settlement_id).toBe(settlement.settlement_id);
    expect(line.net_amount).toBe(netAmountOf(line as SettlementLine));
  }
}

const rateOf = (l: SettlementTransaction) => ({
  fixed: l['payment_pricing.rate.fixed']!,
  variable: l['payment_pricing.rate.variable']!,
  tax: { fixed: l['payment_pricing.rate.tax.fixed'], variable: l['payment_pricing.rate.tax.variable'] },
});

describe('settlement reports', () => {
  it('settles captures and refunds in two currencies: one settlement per currency, lines, fees, totals, CSV', async () => {
    const usd = await authorize({ payment_amount: 10000 });
    const usdFirst = await capture(usd, 6000, accountId, 'ship-1');
    const usdSecond = await capture(usd, 4000);
    const usdRefund = (
      await api.paymentTransactions.refundCapture(
        accountId,
        usd.payment_transaction_id,
        usdFirst.payment_capture_id,
        { amount: 1500, refund_reference: 'ret-1' },
        mutation(),
      )
    ).refund;
    const eur = await authorize({ currency: 'EUR', payment_amount: 20000, purchase_country: 'DE' });
    const eurCapture = await capture(eur, 20000);
    const eurRefund = (
      await api.paymentTransactions.refund(accountId, eur.payment_transaction_id, { amount: 500 }, mutation())
    ).refund;

    const closed = await sandbox.control.closeSettlementPeriod();
    expect(closed.injected).toEqual([]);
    expect(closed.settlements.map((s) => s.settlement_id)).toEqual(['KLNGLB-20250312-EUR', 'KLNGLB-20250312-USD']);
    const now = (await sandbox.control.clock()).now;

    for (const created of closed.settlements) {
      const settlement = await api.settlements.get(created.settlement_id);
      expect(settlementSchema.parse(settlement)).toEqual(settlement);
      expect(settlement).toMatchObject({
        settlement_configuration_id: globalConfig.settlement_configuration_id,
        period_start: '2025-03-12T00:00:00.000Z',
        payout_date: '2025-03-14', // the period's last day + delay_days 2
        state: 'PENDING',
        csv_url: `/v1/settlements/${created.settlement_id}/csv`,
      });
      expect(Date.parse(settlement.period_end)).toBeLessThanOrEqual(Date.parse(now));
      const lines = await linesOf(settlement.settlement_id);
      expectConsistent(settlement, lines);
      for (const line of lines) {
        expect(Object.keys(line)).toEqual([...settlementColumns]);
        expect(line.currency).toBe(settlement.currency);
        expect(line.account_id).toBe(accountId);
        expect(line.klarna_reference).toMatch(/^[A-Z0-9]{7}$/);
        if (line.type === 'SALE')
          expect({ fee: line.fee_amount, tax: line.tax_amount }).toEqual(feeFor(line.amount, rateOf(line)));
        else expect([line.fee_amount, line.tax_amount, line['payment_pricing.rate.variable']]).toEqual([0, 0, null]);
      }

      // The CSV: exactly the seed's 24 columns by default, then the same lines, CRLF, streamed
      // through the client; ours (type, fee, VAT, net) only when asked for.
      const download = await api.settlements.downloadCsv(settlement.settlement_id);
      expect(download.contentType).toBe('text/csv; charset=utf-8');
      expect(download.fileName).toBe(`${settlement.settlement_id}.csv`);
      const { text } = await readText(download.body);
      expect(text.split('\r\n')[0]!.split(',')).toEqual([...seedSettlementColumns]);
      expect(seedSettlementColumns).toHaveLength(24);
      expect(text).toBe(seedCsvHeader + lines.map((l) => seedCsvLine(l as SettlementLine)).join(''));
      const extended = await readText(
        (await api.settlements.downloadCsv(settlement.settlement_id, { columns: 'extended' })).body,
      );
      expect(extended.text.split('\r\n')[0]).toBe(settlementColumns.join(','));
      expect(extended.text).toBe(extendedCsvHeader + lines.map((l) => extendedCsvLine(l as SettlementLine)).join(''));
      expect(
        await failure(() =>
          api.settlements.downloadCsv(settlement.settlement_id, { columns: 'everything' as 'extended' }),
        ),
      ).toMatchObject({ status: 400, errorCode: 'VALIDATION_ERROR', parameters: ['columns'] });
    }

    const usdLines = await linesOf('KLNGLB-20250312-USD');
    const transaction = await api.paymentTransactions.get(accountId, usd.payment_transaction_id);
    const request = await api.paymentRequests.get(accountId, transaction.payment_request_id!);
    expect(usdLines.map((l) => [l.type, l.amount, l.payment_capture_id, l.payment_refund_id])).toEqual([
      ['SALE', 6000, usdFirst.payment_capture_id, null],
      ['SALE', 4000, usdSecond.payment_capture_id, null],
      // Seed: payment_capture_id only on sale and fee lines, so none on a RETURN.
      ['RETURN', 1500, null, usdRefund.payment_refund_id],
    ]);
    const [sale, , ret] = usdLines as [SettlementTransaction, SettlementTransaction, SettlementTransaction];
    // Standard retail, US: 30 + 2.99 %, no VAT on fees.
    expect(sale).toMatchObject({
      captured_at: usdFirst.created_at,
      created_at: request.created_at,
      payment_transaction_created_at: transaction.created_at,
      payment_transaction_id: usd.payment_transaction_id,
      merchant_reference: 'order-1',
      payment_transaction_reference: 'pay-ref-1',
      capture_reference: 'ship-1',
      'payment_pricing_details.price_plan_id': transaction.payment_pricing!.price_plan_id,
      'payment_pricing.rate.fixed': 30,
      'payment_pricing.rate.variable': 2_990_000,
      fee_amount: 30 + 179, // 6000 × 2.99 % = 179.4
      tax_amount: 0,
      net_amount: 6000 - 209,
      payment_option_category: 'PAY_LATER',
      discount_amount: 0,
      penalty_amount: 0,
    });
    expect(ret).toMatchObject({
      refund_reference: 'ret-1',
      net_amount: -1500,
      captured_at: usdRefund.created_at,
      klarna_reference: sale.klarna_reference,
    });

    // EUR: 35 + 2.89 % and 19 % VAT on the fee; a refund line names the refund, not a capture.
    const eurLines = await linesOf('KLNGLB-20250312-EUR');
    const fee = 35 + Number(divideRoundHalfUp(20000n * 2_890_000n, 100_000_000n));
    expect(
      eurLines.map((l) => [l.type, l.amount, l.fee_amount, l.tax_amount, l.payment_capture_id, l.payment_refund_id]),
    ).toEqual([
      ['SALE', 20000, fee, Math.round((fee * 19) / 100), eurCapture.payment_capture_id, null],
      ['RETURN', 500, 0, 0, null, eurRefund.payment_refund_id],
    ]);

    // The list, newest first, parsed with the list schema.
    const list = await api.settlements.list();
    expect(list.settlements.map((s) => s.settlement_id)).toEqual(['KLNGLB-20250312-USD', 'KLNGLB-20250312-EUR']);
    expect((await api.settlements.list({ currency: 'EUR' })).settlements.map((s) => s.settlement_id)).toEqual([
      'KLNGLB-20250312-EUR',
    ]);
    expect(
      (await api.settlements.list({ settlementConfigurationId: ukConfig.settlement_configuration_id })).settlements,
    ).toEqual([]);
    expect((await api.settlements.list({ createdAfter: now })).settlements).toEqual([]);
    const first = await api.settlements.list({ limit: 1 });
    expect(first).toMatchObject({
      has_more: true,
      pagination: { next: expect.stringContaining('starting_after=KLNGLB-20250312-USD') },
    });
    const second = await api.settlements.list({ limit: 1, startingAfter: first.settlements[0]!.settlement_id });
    expect(second.settlements.map((s) => s.settlement_id)).toEqual(['KLNGLB-20250312-EUR']);
    expect(second).toMatchObject({ has_more: false, pagination: { next: null } });
    expect(await failure(() => api.settlements.list({ limit: 0, currency: 'usd' }))).toMatchObject({
      status: 400,
      errorCode: 'VALIDATION_ERROR',
      parameters: ['limit', 'currency'],
    });

    // Paid once the payout date comes by the sandbox clock.
    await sandbox.control.setClock('2025-03-14T00:00:00.000Z');
    expect((await api.settlements.get('KLNGLB-20250312-USD')).state).toBe('PAID');
  });

  it('settles each capture, refund, adjustment and dispute once; a second early close of the period gets a sequence', async () => {
    const t = await authorize({ payment_amount: 10000 });
    const first = await capture(t, 3000);
    const closed = await sandbox.control.closeSettlementPeriod();
    expect(closed.settlements.map((s) => s.settlement_id)).toEqual(['KLNGLB-20250312-USD']);
    expect((await sandbox.control.closeSettlementPeriod()).settlements).toEqual([]);

    await sandbox.control.advanceClock(60);
    const second = await capture(t, 2000);
    await sandbox.control.addSettlementAdjustment({
      payment_transaction_id: t.payment_transaction_id,
      type: 'DISCOUNT',
      amount: 250,
    });
    await sandbox.control.addSettlementAdjustment({
      payment_transaction_id: t.payment_transaction_id,
      type: 'PENALTY',
      amount: 100,
    });
    const dispute = await sandbox.control.addSettlementAdjustment({
      payment_transaction_id: t.payment_transaction_id,
      type: 'DISPUTE',
      amount: 700,
    });
    const again = await sandbox.control.closeSettlementPeriod();
    expect(again.settlements.map((s) => s.settlement_id)).toEqual(['KLNGLB-20250312-USD-2']);
    // The second report starts where the first ended.
    expect(again.settlements[0]!.period_start).toBe(closed.settlements[0]!.period_end);
    const lines = await linesOf('KLNGLB-20250312-USD-2');
    expect(
      lines.map((l) => [l.type, l.amount, l.payment_capture_id, l.discount_amount, l.penalty_amount, l.net_amount]),
    ).toEqual([
      ['SALE', 2000, second.payment_capture_id, 0, 0, 2000 - feeFor(2000, rateOf(lines[0]!)).fee],
      ['DISCOUNT', 250, null, 250, 0, 250],
      ['PENALTY', 100, null, 0, 100, -100],
      ['DISPUTE', 700, null, 0, 0, -700],
    ]);
    expect(lines.map((l) => l.dispute_id)).toEqual([null, null, null, dispute.dispute_id]);
    expect(dispute.dispute_id).toMatch(/^[0-9a-f-]{36}$/);
    expectConsistent(await api.settlements.get('KLNGLB-20250312-USD-2'), lines);
    expect((await linesOf('KLNGLB-20250312-USD')).map((l) => l.payment_capture_id)).toEqual([first.payment_capture_id]);

    // Nothing is settled twice, not even when the period ends.
    await sandbox.control.setClock('2025-03-13T00:00:01.000Z');
    expect((await sandbox.control.listSettlementReports()).map((s) => [s.settlement_id, s.closed_early])).toEqual([
      ['KLNGLB-20250312-USD', true],
      ['KLNGLB-20250312-USD-2', true],
    ]);

    // An adjustment needs a transaction of this partner.
    await expect(
      sandbox.control.addSettlementAdjustment({
        payment_transaction_id: '00000000-0000-4000-8000-000000000000',
        type: 'PENALTY',
        amount: 1,
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('closes a DAILY period when the sandbox clock passes midnight and sends settlement.report.created with links', async () => {
    const receiver = await startReceiver();
    const key = await api.signingKeys.create(mutation());
    const webhook = await api.webhooks.create(
      { url: receiver.url, event_types: ['settlement.*'], event_version: 'v1', signing_key_id: key.signing_key_id },
      mutation(),
    );
    try {
      const t = await authorize({ payment_amount: 5000 });
      await capture(t, 5000);
      await sandbox.control.advanceClock(3600);
      expect(await sandbox.control.listSettlementReports()).toEqual([]);

      await sandbox.control.setClock('2025-03-13T00:00:05.000Z');
      const deliveries = await sandbox.control.waitForDeliveries({ webhook_id: webhook.webhook_id });
      expect(deliveries).toHaveLength(1);
      const event = webhookEventSchema.parse(JSON.parse(deliveries[0]!.body));
      const partner = (await sandbox.control.info()).partner_account_id;
      expect(event.metadata).toMatchObject({ event_type: 'settlement.report.created', account_id: partner });
      const payload = settlementReportEventPayloadSchema.parse(event.payload);
      expect(payload).toMatchObject({
        settlement_id: 'KLNGLB-20250312-USD',
        currency: 'USD',
        links: { self: '/v1/settlements/KLNGLB-20250312-USD', csv: '/v1/settlements/KLNGLB-20250312-USD/csv' },
      });
      const settlement = await api.settlements.get(payload.settlement_id);
      expect(settlement).toMatchObject({
        period_start: '2025-03-12T00:00:00.000Z',
        period_end: '2025-03-13T00:00:00.000Z',
        line_count: 1,
        payout_date: '2025-03-14',
      });
    } finally {
      await receiver.close();
    }
  });

  it('closes a WEEKLY period at the end of the ISO week', async () => {
    const ukAccount = (
      await api.accounts.onboard(
        merchant({ account_reference: 'M-UK-1', settlement_configuration_id: ukConfig.settlement_configuration_id }),
        mutation(),
      )
    ).account_id;
    await sandbox.control.advanceClock(1);
    const t = await authorize({ currency: 'GBP', payment_amount: 8000, purchase_country: 'GB' }, ukAccount);
    await capture(t, 8000, ukAccount);
    await sandbox.control.setClock('2025-03-16T23:59:00.000Z'); // Sunday: the week is still running
    expect(await sandbox.control.listSettlementReports()).toEqual([]);
    await sandbox.control.setClock('2025-03-17T00:00:00.000Z'); // Monday
    const [report] = await sandbox.control.listSettlementReports();
    expect(report).toMatchObject({
      settlement_id: 'KLNUK-20250316-GBP',
      settlement_configuration_id: ukConfig.settlement_configuration_id,
      period_start: '2025-03-10T00:00:00.000Z',
      period_end: '2025-03-17T00:00:00.000Z',
      payout_date: '2025-03-19', // Sunday + delay_days 3
      closed_early: false,
      line_count: 1,
    });
    // 20 + 2.99 % of 8000 = 259, VAT 20 % on it.
    const [line] = await linesOf('KLNUK-20250316-GBP');
    expect(line).toMatchObject({ fee_amount: 259, tax_amount: 52, net_amount: 8000 - 259 - 52, account_id: ukAccount });
  });

  it('answers 404 for an unknown settlement on every endpoint, and needs the API key', async () => {
    const unknown = 'KLNGLB-20990101-USD';
    const notFound = { status: 404, errorCode: 'RESOURCE_NOT_FOUND' };
    expect(await failure(() => api.settlements.get(unknown))).toMatchObject(notFound);
    expect(await failure(() => api.settlements.transactions(unknown))).toMatchObject(notFound);
    expect(await failure(() => api.settlements.downloadCsv(unknown))).toMatchObject(notFound);
    expect(attempts.filter((a) => a.operation === 'settlements.csv').map((a) => [a.status, a.errorCode])).toEqual([
      [404, 'RESOURCE_NOT_FOUND'],
    ]);
    const anonymous = await fetch(`${sandbox.baseUrl}/v1/settlements`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error_code: 'UNAUTHORIZED', error_type: 'ACCESS_ERROR' });
  });

  it('retries a 429 before the file starts, like any GET', async () => {
    const t = await authorize({ payment_amount: 1000 });
    await capture(t, 1000);
    const [settlement] = (await sandbox.control.closeSettlementPeriod()).settlements;
    await sandbox.control.setFaults({ rate_limit_burst: 1 });
    const download = await api.settlements.downloadCsv(settlement!.settlement_id, { correlationId: 'corr-1' });
    expect((await readText(download.body)).text.split('\r\n')).toHaveLength(3);
    expect(
      attempts
        .filter((a) => a.operation === 'settlements.csv')
        .map((a) => [a.status, a.errorCode, a.correlationId, a.responseBody]),
    ).toEqual([
      [429, 'RATE_LIMITED', 'corr-1', expect.objectContaining({ error_code: 'RATE_LIMITED' })],
      [200, null, 'corr-1', null],
    ]);
  });

  it('keeps reports across a restart, and loads a state file from before settlements', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'sandbox-settlements-'));
    try {
      let other = await startSandbox({ port: 0, dataDir, rateLimits: 'off' });
      await other.control.setAccountActivationDelay(0);
      const otherApi = sandboxClient(other.baseUrl, (await other.control.bootstrapKey()).api_key).api;
      const otherAccount = (await otherApi.accounts.onboard(merchant(), mutation())).account_id;
      await other.control.advanceClock(1);
      const { payment_transaction } = await other.control.createAuthorizedPayment(otherAccount, {
        currency: 'USD',
        payment_amount: 700,
      });
      await otherApi.paymentTransactions.capture(
        otherAccount,
        payment_transaction.payment_transaction_id,
        { amount: 700 },
        mutation(),
      );
      await other.close();

      // As written before settlements existed: no settlement collections at all.
      const file = path.join(dataDir, 'state.json');
      const old = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      for (const key of ['settlements', 'settlement_adjustments', 'settled_operations']) delete old[key];
      await writeFile(file, JSON.stringify(old));

      other = await startSandbox({ port: 0, dataDir, rateLimits: 'off' });
      const [report] = (await other.control.closeSettlementPeriod()).settlements;
      expect(report).toMatchObject({ currency: 'USD', line_count: 1, totals: { gross_sales: 700 } });
      await other.close();

      other = await startSandbox({ port: 0, dataDir, rateLimits: 'off' });
      expect((await other.control.listSettlementReports()).map((s) => s.settlement_id)).toEqual([
        report!.settlement_id,
      ]);
      expect((await other.control.closeSettlementPeriod()).settlements).toEqual([]);
      await other.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('streams a large CSV in chunks and pages its lines', async () => {
    // 1 200 captures, made in-process (over HTTP this would take a while).
    for (let i = 0; i < 6; i++) {
      const t = await authorize({ payment_amount: 200 * 100 });
      const record = sandbox.runtime.store.data.payment_transactions[t.payment_transaction_id]!;
      for (let c = 0; c < 200; c++) captureTransaction(sandbox.runtime, record, { amount: 100 });
    }
    const [settlement] = (await sandbox.control.closeSettlementPeriod()).settlements;
    expect(settlement!.line_count).toBe(1200);

    const page = await api.settlements.transactions(settlement!.settlement_id, { limit: 1000 });
    expect(page.pagination).toMatchObject({
      offset: 0,
      count: 1000,
      total: 1200,
      next: `/v1/settlements/${settlement!.settlement_id}/transactions?limit=1000&offset=1000`,
    });
    const rest = await api.settlements.transactions(settlement!.settlement_id, { limit: 1000, offset: 1000 });
    expect(rest.pagination).toMatchObject({ count: 200, next: null });

    const download = await api.settlements.downloadCsv(settlement!.settlement_id);
    const { text, chunks } = await readText(download.body);
    expect(chunks).toBeGreaterThan(1);
    const rows = text.split('\r\n');
    expect(rows).toHaveLength(1 + 1200 + 1); // header, lines, and the empty string after the last CRLF
    expect(rows[0]).toBe(seedSettlementColumns.join(','));
    expect(text).toBe(
      seedCsvHeader +
        [...page.transactions, ...rest.transactions].map((l) => seedCsvLine(l as SettlementLine)).join(''),
    );
    expect(attempts.filter((a) => a.operation === 'settlements.csv').map((a) => a.status)).toEqual([200]);
  });
});

describe('discrepancy injection', () => {
  /** U1, E1, U2, E2, U3, E3, U4: SALE lines one second apart, alternating currencies. */
  async function alternatingCaptures() {
    const usd = await authorize({ payment_amount: 40000 });
    const eur = await authorize({ currency: 'EUR', payment_amount: 30000, purchase_country: 'DE' });
    const captures: { id: string; amount: number; currency: string; transactionId: string }[] = [];
    for (let i = 0; i < 7; i++) {
      const t = i % 2 === 0 ? usd : eur;
      const amount = 1000 * (i + 1) + 11;
      const made = await capture(t, amount);
      captures.push({
        id: made.payment_capture_id,
        amount,
        currency: t.currency,
        transactionId: t.payment_transaction_id,
      });
      await sandbox.control.advanceClock(1);
    }
    return { usd, eur, captures };
  }

  it('writes each kind on its own line, deterministically, and says what it did', async () => {
    const { usd, eur, captures } = await alternatingCaptures();
    const closed = await sandbox.control.closeSettlementPeriod({
      discrepancies: [
        'missing_line',
        'amount_off',
        'duplicate_line',
        'unknown_transaction',
        'wrong_fee',
        'currency_mismatch',
      ],
    });
    const [u1, e1, u2, e2, u3] = captures as [
      (typeof captures)[number],
      (typeof captures)[number],
      (typeof captures)[number],
      (typeof captures)[number],
      (typeof captures)[number],
    ];
    const EUR = 'KLNGLB-20250312-EUR';
    const USD = 'KLNGLB-20250312-USD';
    expect(closed.settlements.map((s) => s.settlement_id)).toEqual([EUR, USD]);
    // The first eligible SALE line by captured_at, skipping lines already hit; a missing line is
    // never a report's first or last, so the file's own span still covers the capture left out.
    expect(
      closed.injected.map((i) => [i.kind, i.settlement_id, i.payment_transaction_id, i.payment_capture_id]),
    ).toEqual([
      ['missing_line', USD, usd.payment_transaction_id, u2.id],
      ['amount_off', USD, usd.payment_transaction_id, u1.id],
      ['duplicate_line', EUR, eur.payment_transaction_id, e1.id],
      ['unknown_transaction', EUR, expect.stringMatching(UUID), expect.stringMatching(UUID)],
      ['wrong_fee', EUR, eur.payment_transaction_id, e2.id],
      ['currency_mismatch', EUR, usd.payment_transaction_id, u3.id],
    ]);
    for (const entry of closed.injected) expect(entry.detail).toEqual(expect.any(String));

    const eurLines = await linesOf(EUR);
    const usdLines = await linesOf(USD);
    const all = [...eurLines, ...usdLines];
    const byCapture = (id: string) => all.filter((l) => l.payment_capture_id === id);

    // missing_line: not in any report, and left unsettled for the next one.
    expect(byCapture(u2.id)).toEqual([]);
    // amount_off: +3, fee and VAT of the true amount, net recomputed.
    const [off] = byCapture(u1.id) as [SettlementTransaction];
    expect(off.amount).toBe(u1.amount + 3);
    expect({ fee: off.fee_amount, tax: off.tax_amount }).toEqual(feeFor(u1.amount, rateOf(off)));
    expect(off.net_amount).toBe(netAmountOf(off as SettlementLine));
    // duplicate_line: the same line twice in a row.
    const duplicated = byCapture(e1.id);
    expect(duplicated).toHaveLength(2);
    expect(duplicated[0]).toEqual(duplicated[1]);
    expect(eurLines.findIndex((l) => l.payment_capture_id === e1.id) + 1).toBe(
      eurLines.findLastIndex((l) => l.payment_capture_id === e1.id),
    );
    // unknown_transaction: a SALE line for a transaction we never had.
    const unknownEntry = closed.injected[3]!;
    const [stranger] = all.filter((l) => l.payment_transaction_id === unknownEntry.payment_transaction_id) as [
      SettlementTransaction,
    ];
    expect(stranger).toMatchObject({
      type: 'SALE',
      amount: 4995,
      currency: 'EUR',
      account_id: accountId,
      merchant_reference: null,
    });
    expect([usd.payment_transaction_id, eur.payment_transaction_id]).not.toContain(stranger.payment_transaction_id);
    await expect(api.paymentTransactions.get(accountId, stranger.payment_transaction_id)).rejects.toMatchObject({
      status: 404,
    });
    expect({ fee: stranger.fee_amount, tax: stranger.tax_amount }).toEqual(feeFor(4995, rateOf(stranger)));
    // wrong_fee: a fixed rate 7 above the transaction's, so +7 on the fee (the seed's columns,
    // which hold no fee, show it through the rate); VAT and net follow the wrong fee.
    const [wrong] = byCapture(e2.id) as [SettlementTransaction];
    const trueRate = { ...rateOf(wrong), fixed: wrong['payment_pricing.rate.fixed']! - 7 };
    const right = feeFor(e2.amount, trueRate);
    expect(trueRate.fixed).toBe(
      rateOf(eurLines.find((l) => l.type === 'SALE' && l.payment_capture_id === e1.id)!).fixed,
    );
    expect(feeFor(e2.amount, rateOf(wrong)).fee).toBe(wrong.fee_amount);
    expect(wrong.fee_amount).toBe(right.fee + 7);
    expect(wrong.tax_amount).toBe(
      Number(
        divideRoundHalfUp(BigInt(wrong.fee_amount) * BigInt(wrong['payment_pricing.rate.tax.variable']!), 100_000_000n),
      ),
    );
    expect(wrong.tax_amount).not.toBe(right.tax);
    expect(wrong.net_amount).toBe(e2.amount - wrong.fee_amount - wrong.tax_amount);
    expect(closed.injected[4]).toMatchObject({
      expected: { fee_amount: right.fee, tax_amount: right.tax },
      written: { fee_amount: right.fee + 7 },
    });
    // currency_mismatch: a USD capture in the EUR payout, labelled EUR, amount unconverted.
    const [moved] = byCapture(u3.id) as [SettlementTransaction];
    expect(moved).toMatchObject({
      settlement_id: EUR,
      currency: 'EUR',
      amount: u3.amount,
      payment_transaction_id: usd.payment_transaction_id,
    });
    expect(closed.injected[5]).toMatchObject({
      expected: { currency: 'USD', settlement_id: USD },
      written: { currency: 'EUR', settlement_id: EUR },
    });
    // Every other line is untouched, and each report's totals are its lines' sums.
    const hit = new Set(closed.injected.map((i) => i.payment_capture_id));
    for (const c of captures.filter((c) => !hit.has(c.id))) {
      const [line] = byCapture(c.id) as [SettlementTransaction];
      const { fee, tax } = feeFor(c.amount, rateOf(line));
      expect(line).toMatchObject({ amount: c.amount, currency: c.currency, fee_amount: fee, tax_amount: tax });
    }
    expectConsistent(await api.settlements.get(EUR), eurLines);
    expectConsistent(await api.settlements.get(USD), usdLines);
    expect(
      (await sandbox.control.listSettlementReports()).find((s) => s.settlement_id === EUR)!.injected.map((i) => i.kind),
    ).toEqual(['duplicate_line', 'unknown_transaction', 'wrong_fee', 'currency_mismatch']);

    // The line left out goes into the next report, alone; the moved capture is not settled again.
    const next = await sandbox.control.closeSettlementPeriod();
    expect(next.settlements.map((s) => s.settlement_id)).toEqual(['KLNGLB-20250312-USD-2']);
    expect(
      (await linesOf('KLNGLB-20250312-USD-2')).map((l) => [
        l.payment_capture_id,
        l.amount,
        l.captured_at < next.settlements[0]!.period_start,
      ]),
    ).toEqual([[u2.id, u2.amount, true]]);
  });

  it('is deterministic for the same state', async () => {
    await alternatingCaptures();
    const kinds = ['amount_off', 'wrong_fee', 'unknown_transaction'] as const;
    const state = structuredClone(sandbox.runtime.store.data);
    const first = await sandbox.control.closeSettlementPeriod({ discrepancies: [...kinds] });
    const firstLines = await linesOf('KLNGLB-20250312-EUR');
    // Back to the same state and instant: the same reports, the same lines, the same injections.
    sandbox.runtime.store.data = state;
    await sandbox.control.setClock(first.settlements[0]!.created_at);
    const second = await sandbox.control.closeSettlementPeriod({ discrepancies: [...kinds] });
    expect(second.injected).toEqual(first.injected);
    expect(second.settlements.map((s) => [s.settlement_id, s.totals])).toEqual(
      first.settlements.map((s) => [s.settlement_id, s.totals]),
    );
    expect(await linesOf('KLNGLB-20250312-EUR')).toEqual(firstLines);
  });

  it('refuses (409, nothing closed) a kind that finds no line to hit, and unknown kinds (400)', async () => {
    const t = await authorize({ payment_amount: 10000 });
    await capture(t, 3000);
    await sandbox.control.advanceClock(1);
    await capture(t, 3000);
    await sandbox.control.advanceClock(1);
    await capture(t, 4000);
    // One currency only: no payout of another currency to book the line into.
    await expect(sandbox.control.closeSettlementPeriod({ discrepancies: ['currency_mismatch'] })).rejects.toMatchObject(
      { status: 409 },
    );
    await expect(
      sandbox.control.closeSettlementPeriod({
        discrepancies: ['amount_off', 'amount_off', 'amount_off', 'amount_off'],
      }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      sandbox.control.closeSettlementPeriod({ discrepancies: ['nope' as 'amount_off'] }),
    ).rejects.toMatchObject({ status: 400 });
    expect(await sandbox.control.listSettlementReports()).toEqual([]);
    const closed = await sandbox.control.closeSettlementPeriod({ discrepancies: ['amount_off', 'missing_line'] });
    expect(closed.injected.map((i) => i.kind)).toEqual(['amount_off', 'missing_line']);
    expect(closed.settlements[0]!.line_count).toBe(2);
  });
});
