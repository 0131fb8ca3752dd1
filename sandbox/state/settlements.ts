import { createHash, randomUUID } from 'node:crypto';
import { klarnaPath } from '../../lib/klarna/routes';
import {
  divideRoundHalfUp,
  feeFor,
  netAmountOf,
  settlementColumns,
  type SettlementLine,
} from '../../lib/klarna/schemas/settlements';
import { sandboxErrors } from '../errors';
import type { SandboxHost } from './host';
import { defaultSettlementConfiguration, settlementConfigurations } from './account-config';
import { getOwn } from './accounts';
import type {
  InjectedDiscrepancyRecord,
  PaymentRequestRecord,
  PaymentTransactionRecord,
  SandboxData,
  SettlementAdjustmentRecord,
  SettlementDiscrepancyKind,
  SettlementRecord,
  SettlementTotalsRecord,
} from './types';

/**
 * Settlement reports (seed, "Pricing and reconciliation", "Settlement File"; klarna-api-notes.md
 * "Settlements"): every capture, refund and adjustment of the partner's merchant accounts is
 * settled exactly once, in the report of its account's settlement configuration × currency ×
 * payout period (by the sandbox clock). The ticker closes periods that have ended; the control
 * API closes the running one early and can write discrepancies into what it closes.
 */

export const SETTLEMENT_REPORT_CREATED = 'settlement.report.created';

export const settlementDiscrepancyKinds = [
  'missing_line',
  'amount_off',
  'duplicate_line',
  'unknown_transaction',
  'wrong_fee',
  'currency_mismatch',
] as const satisfies readonly SettlementDiscrepancyKind[];

/** How far the injected discrepancies are off, in minor units (ours). */
export const AMOUNT_OFF_BY = 3;
export const WRONG_FEE_BY = 7;
export const UNKNOWN_TRANSACTION_AMOUNT = 4995;

const DAY_MS = 24 * 3600 * 1000;

type Period = { start: number; end: number };

/** The payout period containing an instant: a UTC day, an ISO week (Monday to Sunday, UTC) or a UTC calendar month. */
export function periodOf(frequency: string, ms: number): Period {
  const dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
  if (frequency === 'WEEKLY') {
    const weekday = (new Date(dayStart).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
    const start = dayStart - weekday * DAY_MS;
    return { start, end: start + 7 * DAY_MS };
  }
  if (frequency === 'MONTHLY') {
    const d = new Date(dayStart);
    return {
      start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
      end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
    };
  }
  return { start: dayStart, end: dayStart + DAY_MS };
}

const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const iso = (ms: number) => new Date(ms).toISOString();

function configurationOf(id: string) {
  return settlementConfigurations.find((c) => c.settlement_configuration_id === id) ?? defaultSettlementConfiguration;
}

const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The shopper-facing reference (seed example `9875QW2`): 7 characters derived from the transaction id, so always the same. */
export function klarnaReferenceOf(transactionId: string): string {
  const digest = createHash('sha256').update(`klarna-reference:${transactionId}`).digest();
  let out = '';
  for (let i = 0; i < 7; i++) out += UPPER_ALPHANUMERIC[digest[i]! % UPPER_ALPHANUMERIC.length];
  return out;
}

/** A UUID derived from a seed: what the sandbox makes up for injected lines stays the same for the same state. */
function derivedUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The option the shopper paid with, as the file's category (ours: PAY_LATER when the request named none). */
function paymentOptionCategoryOf(request: PaymentRequestRecord | undefined): string {
  const option = request?.request.config?.payment_option_id ?? '';
  if (option === 'pay-now') return 'PAY_NOW';
  if (option === 'pay-over-time' || /^pay-in-\d+$/.test(option)) return 'PAY_OVER_TIME';
  return 'PAY_LATER';
}

/** VAT on a fee, as feeFor computes it (used when a fee is written wrong on purpose). */
function taxOnFee(fee: number, rate: { tax?: { fixed?: number | null; variable?: number | null } | null }): number {
  return Number(
    BigInt(rate.tax?.fixed ?? 0) + divideRoundHalfUp(BigInt(fee) * BigInt(rate.tax?.variable ?? 0), 100_000_000n),
  );
}

/** The line with its keys in the file's column order (the JSON transactions read like the CSV). */
function inColumnOrder(line: SettlementLine): SettlementLine {
  return Object.fromEntries(settlementColumns.map((c) => [c, line[c]])) as SettlementLine;
}

const noRate = {
  'payment_pricing.rate.fixed': null,
  'payment_pricing.rate.variable': null,
  'payment_pricing.rate.tax.variable': null,
  'payment_pricing.rate.tax.fixed': null,
} as const;

function transactionColumns(data: SandboxData, t: PaymentTransactionRecord) {
  const request = getOwn(data.payment_requests, t.payment_request_id);
  return {
    // Seed: created_at is when the transaction was first created at Klarna (the payment request),
    // payment_transaction_created_at its confirmation (when the transaction record was made).
    created_at: request?.created_at ?? t.created_at,
    payment_transaction_created_at: t.created_at,
    payment_transaction_id: t.payment_transaction_id,
    klarna_reference: klarnaReferenceOf(t.payment_transaction_id),
    merchant_reference: t.merchant_reference,
    payment_transaction_reference: t.payment_reference,
    'payment_pricing_details.price_plan_id': t.payment_pricing.price_plan_id,
    currency: t.currency,
    payment_option_category: paymentOptionCategoryOf(request),
    account_id: t.account_id,
    dispute_id: null,
    settlement_id: '',
  };
}

function withNet(line: Omit<SettlementLine, 'net_amount'>): SettlementLine {
  return inColumnOrder({ ...line, net_amount: netAmountOf(line) });
}

function saleLine(
  data: SandboxData,
  t: PaymentTransactionRecord,
  c: PaymentTransactionRecord['captures'][number],
): SettlementLine {
  const rate = t.payment_pricing.rate;
  const { fee, tax } = feeFor(c.amount, rate);
  return withNet({
    ...transactionColumns(data, t),
    captured_at: c.created_at,
    payment_capture_id: c.payment_capture_id,
    amount: c.amount,
    'payment_pricing.rate.fixed': rate.fixed,
    'payment_pricing.rate.variable': rate.variable,
    'payment_pricing.rate.tax.variable': rate.tax.variable,
    'payment_pricing.rate.tax.fixed': rate.tax.fixed,
    discount_amount: 0,
    penalty_amount: 0,
    payment_refund_id: null,
    capture_reference: c.capture_reference,
    refund_reference: null,
    type: 'SALE',
    fee_amount: fee,
    tax_amount: tax,
  });
}

function returnLine(
  data: SandboxData,
  t: PaymentTransactionRecord,
  r: PaymentTransactionRecord['refunds'][number],
): SettlementLine {
  // Seed: payment_capture_id is "only provided for sale and fee transactions", so none here,
  // even for a refund of a named capture (the refund id is what a RETURN line settles).
  return withNet({
    ...transactionColumns(data, t),
    ...noRate,
    captured_at: r.created_at,
    payment_capture_id: null,
    amount: r.amount,
    discount_amount: 0,
    penalty_amount: 0,
    payment_refund_id: r.payment_refund_id,
    capture_reference: null,
    refund_reference: r.refund_reference,
    type: 'RETURN',
    fee_amount: 0,
    tax_amount: 0,
  });
}

function adjustmentLine(data: SandboxData, t: PaymentTransactionRecord, a: SettlementAdjustmentRecord): SettlementLine {
  return withNet({
    ...transactionColumns(data, t),
    ...noRate,
    captured_at: a.created_at,
    payment_capture_id: null,
    amount: a.amount,
    discount_amount: a.type === 'DISCOUNT' ? a.amount : 0,
    penalty_amount: a.type === 'PENALTY' ? a.amount : 0,
    payment_refund_id: null,
    capture_reference: null,
    refund_reference: null,
    dispute_id: a.dispute_id ?? null,
    type: a.type,
    fee_amount: 0,
    tax_amount: 0,
  });
}

/** Something to settle: a capture, a refund or an adjustment, not yet in any report. */
type Item = { key: string; atMs: number; configurationId: string; currency: string; build: () => SettlementLine };

function unsettledItems(sandbox: SandboxHost): Item[] {
  const data = sandbox.store.data;
  const partner = sandbox.store.partnerAccountId;
  const items: Item[] = [];
  const ownAccount = (accountId: string) => {
    const account = getOwn(data.accounts, accountId);
    return account && account.onboarded_by === partner ? account : undefined;
  };
  for (const t of Object.values(data.payment_transactions)) {
    const account = ownAccount(t.account_id);
    if (!account) continue;
    const base = { configurationId: account.settlement_configuration_id, currency: t.currency };
    for (const c of t.captures) {
      const key = `capture:${c.payment_capture_id}`;
      if (!Object.hasOwn(data.settled_operations, key))
        items.push({ ...base, key, atMs: Date.parse(c.created_at), build: () => saleLine(data, t, c) });
    }
    for (const r of t.refunds) {
      const key = `refund:${r.payment_refund_id}`;
      if (!Object.hasOwn(data.settled_operations, key))
        items.push({ ...base, key, atMs: Date.parse(r.created_at), build: () => returnLine(data, t, r) });
    }
  }
  for (const a of Object.values(data.settlement_adjustments)) {
    const key = `adjustment:${a.adjustment_id}`;
    if (Object.hasOwn(data.settled_operations, key)) continue;
    const t = getOwn(data.payment_transactions, a.payment_transaction_id);
    const account = t && ownAccount(t.account_id);
    if (!t || !account) continue;
    items.push({
      key,
      atMs: Date.parse(a.created_at),
      configurationId: account.settlement_configuration_id,
      currency: a.currency,
      build: () => adjustmentLine(data, t, a),
    });
  }
  return items;
}

const byTimeThenKey = (x: Item, y: Item) => x.atMs - y.atMs || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);

export function totalsOf(lines: SettlementLine[]): SettlementTotalsRecord {
  const totals: SettlementTotalsRecord = {
    gross_sales: 0,
    refunds: 0,
    fees: 0,
    tax: 0,
    discounts: 0,
    penalties: 0,
    disputes: 0,
    net: 0,
  };
  for (const line of lines) {
    if (line.type === 'SALE') totals.gross_sales += line.amount;
    if (line.type === 'RETURN') totals.refunds += line.amount;
    if (line.type === 'DISPUTE') totals.disputes += line.amount;
    totals.fees += line.fee_amount;
    totals.tax += line.tax_amount;
    totals.discounts += line.discount_amount;
    totals.penalties += line.penalty_amount;
    totals.net += line.net_amount;
  }
  return totals;
}

/** A report being put together: its record, and the item key each line settles (null for a made-up line). */
type Draft = { record: SettlementRecord; settles: (string | null)[] };

function uniqueSettlementId(data: SandboxData, drafts: Draft[], base: string): string {
  const taken = (id: string) =>
    Object.hasOwn(data.settlements, id) || drafts.some((d) => d.record.settlement_id === id);
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}

/**
 * Which reports closing now makes. Per configuration × currency, items are taken oldest first:
 * the period is the one containing the oldest item, or the end of the last report for that
 * configuration and currency if that is later (a late item, e.g. one a missing_line left out,
 * goes into the next report, as Klarna settles late events in the next payout). A period that
 * has ended by `nowMs` closes at its end; with `early`, the running one closes at `nowMs`.
 */
function draftReports(sandbox: SandboxHost, nowMs: number, early: boolean): Draft[] {
  const data = sandbox.store.data;
  const drafts: Draft[] = [];
  const groups = new Map<string, Item[]>();
  for (const item of unsettledItems(sandbox)) {
    const key = `${item.configurationId}\n${item.currency}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const configOrder = (id: string) => {
    const index = settlementConfigurations.findIndex((c) => c.settlement_configuration_id === id);
    return index < 0 ? settlementConfigurations.length : index;
  };
  const ordered = [...groups.entries()].sort(([a], [b]) => {
    const [ca, ka] = a.split('\n') as [string, string];
    const [cb, kb] = b.split('\n') as [string, string];
    return configOrder(ca) - configOrder(cb) || (ca < cb ? -1 : ca > cb ? 1 : 0) || (ka < kb ? -1 : ka > kb ? 1 : 0);
  });

  for (const [, items] of ordered) {
    const { configurationId, currency } = items[0]!;
    const config = configurationOf(configurationId);
    let watermark = Object.values(data.settlements)
      .filter((s) => s.settlement_configuration_id === configurationId && s.currency === currency)
      .reduce((max, s) => Math.max(max, Date.parse(s.period_end)), -Infinity);
    // The ticker runs often: most of the time the oldest item's period is still running.
    const oldest = items.reduce((min, i) => Math.min(min, i.atMs), Infinity);
    if (!early && periodOf(config.payout_schedule.frequency, Math.max(oldest, watermark)).end > nowMs) continue;
    let rest = items.sort(byTimeThenKey);
    while (rest.length) {
      const period = periodOf(config.payout_schedule.frequency, Math.max(rest[0]!.atMs, watermark));
      let cutoff: number;
      let end: number;
      if (period.end <= nowMs) [cutoff, end] = [period.end, period.end];
      else if (early) [cutoff, end] = [nowMs + 1, nowMs];
      else break;
      const batch = rest.filter((i) => i.atMs < cutoff);
      if (!batch.length) break;
      rest = rest.filter((i) => i.atMs >= cutoff);
      const start = Math.min(Math.max(period.start, watermark), end);
      const lastDay = period.end - DAY_MS;
      const settlementId = uniqueSettlementId(
        data,
        drafts,
        `${config.payout_prefix}-${ymd(lastDay).replaceAll('-', '')}-${currency}`,
      );
      const lines = batch.map((i) => ({ ...i.build(), settlement_id: settlementId }));
      drafts.push({
        record: {
          settlement_id: settlementId,
          partner_account_id: sandbox.store.partnerAccountId,
          settlement_configuration_id: config.settlement_configuration_id,
          currency,
          period_start: iso(start),
          period_end: iso(end),
          closed_early: end < period.end,
          payout_date: ymd(lastDay + config.payout_schedule.delay_days * DAY_MS),
          line_count: lines.length,
          totals: totalsOf(lines),
          lines,
          created_at: iso(nowMs),
          injected: [],
        },
        settles: batch.map((i) => i.key),
      });
      watermark = end;
    }
  }
  return drafts;
}

// ---------------------------------------------------------------------------------------------
// Discrepancies

type Candidate = { draft: Draft; index: number };

/** SALE lines not yet hit by an injection, the first by captured_at then capture id. */
function saleCandidates(drafts: Draft[], hit: Set<SettlementLine>): Candidate[] {
  const out: Candidate[] = [];
  for (const draft of drafts)
    draft.record.lines.forEach((line, index) => line.type === 'SALE' && !hit.has(line) && out.push({ draft, index }));
  const at = (c: Candidate) => Date.parse(c.draft.record.lines[c.index]!.captured_at);
  const id = (c: Candidate) => c.draft.record.lines[c.index]!.payment_capture_id ?? '';
  return out.sort((a, b) => at(a) - at(b) || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
}

function noEligibleLine(kind: SettlementDiscrepancyKind, why: string): Error {
  return sandboxErrors.conflict(`Cannot inject ${kind}: ${why}. Nothing was closed.`);
}

const lineIds = (line: SettlementLine) => ({
  payment_transaction_id: line.payment_transaction_id,
  ...(line.payment_capture_id ? { payment_capture_id: line.payment_capture_id } : {}),
  ...(line.payment_refund_id ? { payment_refund_id: line.payment_refund_id } : {}),
});

/**
 * Writes one discrepancy of each requested kind into the drafts, in the order asked, each on
 * its own line (the first eligible SALE line by captured_at then capture id that no earlier
 * injection hit), and says what it did. Throws 409 when a kind finds no line to hit.
 */
function injectDiscrepancies(
  drafts: Draft[],
  kinds: readonly SettlementDiscrepancyKind[],
): InjectedDiscrepancyRecord[] {
  const hit = new Set<SettlementLine>();
  const injected: InjectedDiscrepancyRecord[] = [];
  let unknownCount = 0;
  const record = (draft: Draft, entry: InjectedDiscrepancyRecord) => {
    draft.record.injected.push(entry);
    injected.push(entry);
  };

  for (const kind of kinds) {
    if (!drafts.length) throw noEligibleLine(kind, 'there is nothing to settle');
    switch (kind) {
      case 'missing_line': {
        // The report must keep a line; the capture stays unsettled, so a later report settles it.
        // Not the report's first or last line: its period, as a reader of the file sees it (first
        // to last captured_at), must still contain the missing capture.
        const target = saleCandidates(drafts, hit).find(
          (c) => c.index > 0 && c.index < c.draft.record.lines.length - 1,
        );
        if (!target) throw noEligibleLine(kind, 'no SALE line between the first and last line of a report');
        const [line] = target.draft.record.lines.splice(target.index, 1) as [SettlementLine];
        target.draft.settles.splice(target.index, 1);
        hit.add(line);
        record(target.draft, {
          kind,
          settlement_id: target.draft.record.settlement_id,
          ...lineIds(line),
          detail: `The SALE line of capture ${line.payment_capture_id} (${line.amount} ${line.currency}) was left out of ${target.draft.record.settlement_id}; the capture stays unsettled and goes into a later report.`,
          expected: {
            amount: line.amount,
            fee_amount: line.fee_amount,
            tax_amount: line.tax_amount,
            net_amount: line.net_amount,
          },
        });
        break;
      }
      case 'amount_off': {
        const target = saleCandidates(drafts, hit)[0];
        if (!target) throw noEligibleLine(kind, 'no SALE line left');
        const line = target.draft.record.lines[target.index]!;
        const expected = { amount: line.amount, net_amount: line.net_amount };
        line.amount += AMOUNT_OFF_BY;
        line.net_amount = netAmountOf(line);
        hit.add(line);
        record(target.draft, {
          kind,
          settlement_id: target.draft.record.settlement_id,
          ...lineIds(line),
          detail: `The SALE line of capture ${line.payment_capture_id} says ${line.amount} instead of ${expected.amount} (+${AMOUNT_OFF_BY}); fee and tax are those of the true amount.`,
          expected,
          written: { amount: line.amount, net_amount: line.net_amount },
        });
        break;
      }
      case 'duplicate_line': {
        const target = saleCandidates(drafts, hit)[0];
        if (!target) throw noEligibleLine(kind, 'no SALE line left');
        const line = target.draft.record.lines[target.index]!;
        const copy = { ...line };
        target.draft.record.lines.splice(target.index + 1, 0, copy);
        target.draft.settles.splice(target.index + 1, 0, null);
        hit.add(line).add(copy);
        record(target.draft, {
          kind,
          settlement_id: target.draft.record.settlement_id,
          ...lineIds(line),
          detail: `The SALE line of capture ${line.payment_capture_id} (${line.amount} ${line.currency}) is written twice, one after the other.`,
          written: { lines: 2 },
        });
        break;
      }
      case 'unknown_transaction': {
        const draft = drafts[0]!;
        const model = draft.record.lines.find((l) => l.type === 'SALE') ?? draft.record.lines[0]!;
        unknownCount += 1;
        const seed = `${draft.record.settlement_id}:unknown:${unknownCount}`;
        const transactionId = derivedUuid(`${seed}:transaction`);
        const amount = UNKNOWN_TRANSACTION_AMOUNT + (unknownCount - 1) * 100;
        const rate = {
          fixed: model['payment_pricing.rate.fixed'] ?? 0,
          variable: model['payment_pricing.rate.variable'] ?? 0,
          tax: {
            fixed: model['payment_pricing.rate.tax.fixed'] ?? 0,
            variable: model['payment_pricing.rate.tax.variable'] ?? 0,
          },
        };
        const { fee, tax } = feeFor(amount, rate);
        const line = withNet({
          ...model,
          created_at: model.captured_at,
          payment_transaction_created_at: model.captured_at,
          payment_transaction_id: transactionId,
          klarna_reference: klarnaReferenceOf(transactionId),
          payment_capture_id: derivedUuid(`${seed}:capture`),
          merchant_reference: null,
          payment_transaction_reference: null,
          amount,
          'payment_pricing.rate.fixed': rate.fixed,
          'payment_pricing.rate.variable': rate.variable,
          'payment_pricing.rate.tax.variable': rate.tax.variable,
          'payment_pricing.rate.tax.fixed': rate.tax.fixed,
          discount_amount: 0,
          penalty_amount: 0,
          payment_refund_id: null,
          payment_option_category: 'PAY_LATER',
          capture_reference: null,
          refund_reference: null,
          dispute_id: null,
          type: 'SALE',
          fee_amount: fee,
          tax_amount: tax,
        });
        draft.record.lines.push(line);
        draft.settles.push(null);
        hit.add(line);
        record(draft, {
          kind,
          settlement_id: draft.record.settlement_id,
          ...lineIds(line),
          detail: `An extra SALE line of ${amount} ${line.currency} for transaction ${transactionId}, which the partner never had.`,
          written: { amount, fee_amount: fee, tax_amount: tax, net_amount: line.net_amount },
        });
        break;
      }
      case 'wrong_fee': {
        // Klarna applied a fixed fee 7 minor units above the transaction's rate: the rate column
        // says so, so a reader of the seed's columns alone (which hold no fee) computes the wrong
        // fee too; fee, VAT and net follow it.
        const target = saleCandidates(drafts, hit)[0];
        if (!target) throw noEligibleLine(kind, 'no SALE line left');
        const line = target.draft.record.lines[target.index]!;
        const expected = {
          fee_amount: line.fee_amount,
          tax_amount: line.tax_amount,
          net_amount: line.net_amount,
          'payment_pricing.rate.fixed': line['payment_pricing.rate.fixed'],
        };
        line['payment_pricing.rate.fixed'] = (line['payment_pricing.rate.fixed'] ?? 0) + WRONG_FEE_BY;
        line.fee_amount += WRONG_FEE_BY;
        line.tax_amount = taxOnFee(line.fee_amount, {
          tax: { fixed: line['payment_pricing.rate.tax.fixed'], variable: line['payment_pricing.rate.tax.variable'] },
        });
        line.net_amount = netAmountOf(line);
        hit.add(line);
        record(target.draft, {
          kind,
          settlement_id: target.draft.record.settlement_id,
          ...lineIds(line),
          detail: `The SALE line of capture ${line.payment_capture_id} charges a fixed fee of ${line['payment_pricing.rate.fixed']} instead of ${expected['payment_pricing.rate.fixed']} (+${WRONG_FEE_BY}), so a fee of ${line.fee_amount} instead of ${expected.fee_amount}; its VAT and net follow the wrong fee.`,
          expected,
          written: {
            fee_amount: line.fee_amount,
            tax_amount: line.tax_amount,
            net_amount: line.net_amount,
            'payment_pricing.rate.fixed': line['payment_pricing.rate.fixed'],
          },
        });
        break;
      }
      case 'currency_mismatch': {
        // Realistic form (ours): Klarna books the capture into the payout of another currency of
        // the same configuration, labelled with that currency and the amount unconverted. The file
        // stays consistent (each report one currency); only our transaction disagrees.
        const other = (c: Candidate) =>
          drafts.find(
            (d) =>
              d !== c.draft &&
              d.record.settlement_configuration_id === c.draft.record.settlement_configuration_id &&
              d.record.currency !== c.draft.record.currency,
          );
        const target = saleCandidates(drafts, hit).find((c) => c.draft.record.lines.length > 1 && other(c));
        if (!target)
          throw noEligibleLine(
            kind,
            'it needs a SALE line in a report of two lines or more and a report of another currency of the same settlement configuration closing with it',
          );
        const destination = other(target)!;
        const [line] = target.draft.record.lines.splice(target.index, 1) as [SettlementLine];
        const [settles] = target.draft.settles.splice(target.index, 1);
        const expected = { currency: line.currency, settlement_id: line.settlement_id };
        line.currency = destination.record.currency;
        line.settlement_id = destination.record.settlement_id;
        const at = destination.record.lines.findIndex((l) => Date.parse(l.captured_at) > Date.parse(line.captured_at));
        const position = at < 0 ? destination.record.lines.length : at;
        destination.record.lines.splice(position, 0, line);
        destination.settles.splice(position, 0, settles ?? null);
        hit.add(line);
        record(destination, {
          kind,
          settlement_id: destination.record.settlement_id,
          ...lineIds(line),
          detail: `The SALE line of capture ${line.payment_capture_id} (a ${expected.currency} transaction) is in ${destination.record.settlement_id} as ${line.currency}, amount unconverted, instead of in ${expected.settlement_id}.`,
          expected,
          written: { currency: line.currency, settlement_id: line.settlement_id },
        });
        break;
      }
    }
  }
  for (const draft of drafts) {
    draft.record.line_count = draft.record.lines.length;
    draft.record.totals = totalsOf(draft.record.lines);
  }
  return injected;
}

// ---------------------------------------------------------------------------------------------
// Closing, reading, adjusting

function settlementPath(settlementId: string) {
  return {
    self: klarnaPath('settlements.get', { settlement_id: settlementId }),
    csv: klarnaPath('settlements.csv', { settlement_id: settlementId }),
    transactions: klarnaPath('settlements.transactions', { settlement_id: settlementId }),
  };
}

/** A report as the Settlement API shows it (lib/klarna/schemas/settlements.ts `settlementSchema`). */
export function publicSettlement(s: SettlementRecord, nowMs: number) {
  const links = settlementPath(s.settlement_id);
  return {
    settlement_id: s.settlement_id,
    currency: s.currency,
    settlement_configuration_id: s.settlement_configuration_id,
    period_start: s.period_start,
    period_end: s.period_end,
    payout_date: s.payout_date,
    // Paid once the payout date has come by the sandbox clock (ours).
    state: Date.parse(`${s.payout_date}T00:00:00Z`) <= nowMs ? 'PAID' : 'PENDING',
    line_count: s.line_count,
    totals: { ...s.totals },
    created_at: s.created_at,
    csv_url: links.csv,
    links,
  };
}
export type SandboxSettlement = ReturnType<typeof publicSettlement>;

function commit(sandbox: SandboxHost, drafts: Draft[]): SettlementRecord[] {
  const data = sandbox.store.data;
  for (const draft of drafts) {
    data.settlements[draft.record.settlement_id] = draft.record;
    for (const key of draft.settles) if (key) data.settled_operations[key] = draft.record.settlement_id;
  }
  if (drafts.length) sandbox.store.changed();
  for (const { record } of drafts) {
    const links = settlementPath(record.settlement_id);
    sandbox.emitEvent({
      event_type: SETTLEMENT_REPORT_CREATED,
      account_id: sandbox.store.partnerAccountId,
      payload: {
        settlement_id: record.settlement_id,
        currency: record.currency,
        settlement_configuration_id: record.settlement_configuration_id,
        period_start: record.period_start,
        period_end: record.period_end,
        payout_date: record.payout_date,
        line_count: record.line_count,
        created_at: record.created_at,
        links: { self: links.self, csv: links.csv },
      },
    });
  }
  return drafts.map((d) => d.record);
}

/** The ticker (and every clock move): reports for every period that has ended by the sandbox clock. */
export function closeDueSettlements(sandbox: SandboxHost): SettlementRecord[] {
  return commit(sandbox, draftReports(sandbox, sandbox.clock.nowMs(), false));
}

/**
 * Control API: settles everything not yet settled now (ended periods at their end, the running
 * one early), writing the requested discrepancies into what it closes. Nothing changes when an
 * injection finds no line to hit (409).
 */
export function closeSettlementPeriodNow(
  sandbox: SandboxHost,
  discrepancies: readonly SettlementDiscrepancyKind[] = [],
): { settlements: SettlementRecord[]; injected: InjectedDiscrepancyRecord[] } {
  const drafts = draftReports(sandbox, sandbox.clock.nowMs(), true);
  const injected = injectDiscrepancies(drafts, discrepancies);
  return { settlements: commit(sandbox, drafts), injected };
}

/** 404 unless the report exists and is this partner's. */
export function getSettlementOrThrow(sandbox: SandboxHost, settlementId: string): SettlementRecord {
  const record = getOwn(sandbox.store.data.settlements, settlementId);
  if (!record || record.partner_account_id !== sandbox.store.partnerAccountId)
    throw sandboxErrors.resourceNotFound(`Settlement ${settlementId}`);
  return record;
}

/**
 * Control API: Klarna applies a discount or penalty to a transaction of the partner, or a
 * shopper's dispute is decided against the merchant (a DISPUTE line takes the amount back, with
 * its own dispute id); the next report of its currency settles it.
 */
export function addSettlementAdjustment(
  sandbox: SandboxHost,
  input: { payment_transaction_id: string; type: 'DISCOUNT' | 'PENALTY' | 'DISPUTE'; amount: number },
): SettlementAdjustmentRecord {
  const data = sandbox.store.data;
  const t = getOwn(data.payment_transactions, input.payment_transaction_id);
  const account = t && getOwn(data.accounts, t.account_id);
  if (!t || !account || account.onboarded_by !== sandbox.store.partnerAccountId)
    throw sandboxErrors.resourceNotFound(`Payment transaction ${input.payment_transaction_id}`);
  const adjustment: SettlementAdjustmentRecord = {
    adjustment_id: randomUUID(),
    type: input.type,
    dispute_id: input.type === 'DISPUTE' ? randomUUID() : null,
    payment_transaction_id: t.payment_transaction_id,
    account_id: t.account_id,
    currency: t.currency,
    amount: input.amount,
    created_at: sandbox.clock.iso(),
  };
  data.settlement_adjustments[adjustment.adjustment_id] = adjustment;
  sandbox.store.changed();
  return adjustment;
}
