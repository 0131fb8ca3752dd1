import { z } from 'zod';
import { openEnum } from './open';

/** Klarna settlements (seed, "Settlement File"): the API is deferred there, so its paths and extra columns are ours. */

export const seedSettlementColumns = [
  'captured_at',
  'created_at',
  'payment_transaction_created_at',
  'payment_transaction_id',
  'klarna_reference',
  'payment_capture_id',
  'merchant_reference',
  'payment_transaction_reference',
  'amount',
  'payment_pricing_details.price_plan_id',
  'payment_pricing.rate.fixed',
  'payment_pricing.rate.variable',
  'payment_pricing.rate.tax.variable',
  'payment_pricing.rate.tax.fixed',
  'discount_amount',
  'penalty_amount',
  'currency',
  'payment_refund_id',
  'payment_option_category',
  'capture_reference',
  'refund_reference',
  'dispute_id',
  'account_id',
  'settlement_id',
] as const;

/** Ours (klarna-api-notes.md): the line's type and the calculated fee, VAT on the fee and net amount. Optional in a file, never required. */
export const extraSettlementColumns = ['type', 'fee_amount', 'tax_amount', 'net_amount'] as const;

/** Every column the importer knows, in order: the seed's, then ours (the sandbox's `?columns=extended` CSV and JSON lines). */
export const settlementColumns = [...seedSettlementColumns, ...extraSettlementColumns] as const;
export type SettlementColumn = (typeof settlementColumns)[number];

/** Newer Klarna docs name the references differently; the importer accepts both. */
export const settlementColumnAliases: Readonly<Record<string, SettlementColumn>> = {
  payment_capture_reference: 'capture_reference',
  payment_refund_reference: 'refund_reference',
};

/** Columns (all the seed's) a file must have to be reconciled; every other is optional (see `columnsNeededWithout`). */
export const requiredSettlementColumns = [
  'captured_at',
  'payment_transaction_id',
  'amount',
  'currency',
  'settlement_id',
] as const satisfies readonly SettlementColumn[];

/** What a file needs instead of each optional column (docs/klarna-decisions.md "Settlement file"). */
export const columnsNeededWithout = {
  type: ['payment_capture_id', 'payment_refund_id'],
  fee_amount: ['payment_pricing.rate.fixed', 'payment_pricing.rate.variable'],
  tax_amount: ['payment_pricing.rate.tax.fixed', 'payment_pricing.rate.tax.variable'],
} as const satisfies Partial<Record<(typeof extraSettlementColumns)[number], readonly SettlementColumn[]>>;

export const settlementLineTypes = ['SALE', 'RETURN', 'FEE', 'DISPUTE', 'DISCOUNT', 'PENALTY'] as const;
export type SettlementLineType = (typeof settlementLineTypes)[number];

/** A line's kind without a `type` column (docs/klarna-decisions.md "Settlement file"): a refund id wins (the seed
 * gives a capture id only on sale and fee lines); a negative capture is a FEE; null when unknown. */
export function inferLineType(line: {
  captureId: string;
  refundId: string;
  disputeId: string;
  amount: number;
  discount: number;
  penalty: number;
}): SettlementLineType | null {
  if (line.refundId) return 'RETURN';
  if (line.disputeId) return 'DISPUTE';
  if (line.captureId) return line.amount < 0 ? 'FEE' : 'SALE';
  if (line.discount !== 0 && line.penalty !== 0) return null;
  if (line.discount !== 0) return 'DISCOUNT';
  if (line.penalty !== 0) return 'PENALTY';
  return null;
}

export function kindProblem(line: { discount: number; penalty: number }): string {
  return line.discount !== 0 && line.penalty !== 0
    ? 'names no capture, refund or dispute and carries both a discount and a penalty amount: it cannot be told which adjustment it is (add a "type" column)'
    : 'names no capture, refund or dispute and carries no discount or penalty amount: it cannot be told whether it is a sale, return, fee, dispute or adjustment (add a "type" column)';
}

/** The currencies the seed lists for the settlement file. */
export const settlementCurrencies = ['DKK', 'EUR', 'GBP', 'NOK', 'SEK', 'USD', 'CHF', 'CAD', 'AUD'] as const;

/**
 * One line as the sandbox writes it; amounts are non-negative minor units. `net_amount` is signed:
 * SALE amount − fee − tax + discount − penalty; RETURN −amount; FEE −(fee + tax);
 * DISPUTE −amount − fee − tax; DISCOUNT +discount; PENALTY −penalty.
 */
export type SettlementLine = {
  captured_at: string;
  created_at: string;
  payment_transaction_created_at: string;
  payment_transaction_id: string;
  klarna_reference: string | null;
  payment_capture_id: string | null;
  merchant_reference: string | null;
  payment_transaction_reference: string | null;
  amount: number;
  'payment_pricing_details.price_plan_id': string | null;
  'payment_pricing.rate.fixed': number | null;
  'payment_pricing.rate.variable': number | null;
  'payment_pricing.rate.tax.variable': number | null;
  'payment_pricing.rate.tax.fixed': number | null;
  discount_amount: number;
  penalty_amount: number;
  currency: string;
  payment_refund_id: string | null;
  payment_option_category: string | null;
  capture_reference: string | null;
  refund_reference: string | null;
  dispute_id: string | null;
  account_id: string;
  settlement_id: string;
  type: SettlementLineType;
  fee_amount: number;
  tax_amount: number;
  net_amount: number;
};

export function netAmountOf(
  line: Pick<SettlementLine, 'type' | 'amount' | 'fee_amount' | 'tax_amount' | 'discount_amount' | 'penalty_amount'>,
): number {
  switch (line.type) {
    case 'SALE':
      return line.amount - line.fee_amount - line.tax_amount + line.discount_amount - line.penalty_amount;
    case 'RETURN':
      return -line.amount;
    case 'FEE':
      return -(line.fee_amount + line.tax_amount);
    case 'DISPUTE':
      return -line.amount - line.fee_amount - line.tax_amount;
    case 'DISCOUNT':
      return line.discount_amount;
    case 'PENALTY':
      return -line.penalty_amount;
  }
}

const RATE_SCALE = 100_000_000; // variable is percent × 1 000 000, so a fraction × 10^8

/** `round(n / d)` half up (away from zero for the non-negative values used here), in integers. */
export function divideRoundHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  return r * 2n >= d ? q + 1n : q;
}

export type PricingRate = {
  fixed: number;
  variable: number;
  tax?: { fixed?: number | null; variable?: number | null } | null;
};

/**
 * Fee per capture (seed: "applied per capture"): `fixed + amount × variable / 10^8`, VAT
 * `tax.fixed + fee × tax.variable / 10^8`, each rounded half up. Fixed 100, 1.2 %, 10 000 → 220;
 * VAT 25 % → 55. lib/settlements/reconcile.ts repeats this in SQL; both are tested on the same examples.
 */
export function feeFor(amount: number, rate: PricingRate): { fee: number; tax: number } {
  const fee = rate.fixed + scaledRoundHalfUp(amount, rate.variable);
  const tax = (rate.tax?.fixed ?? 0) + scaledRoundHalfUp(fee, rate.tax?.variable ?? 0);
  return { fee, tax };
}

/** `round(a × b / 10^8)` half up: in doubles while exact (it runs per line of large files), else bigint. */
export function scaledRoundHalfUp(a: number, b: number): number {
  const product = a * b;
  if (!Number.isSafeInteger(product + RATE_SCALE))
    return Number(divideRoundHalfUp(BigInt(a) * BigInt(b), BigInt(RATE_SCALE)));
  const n = product + RATE_SCALE / 2;
  let q = Math.floor(n / RATE_SCALE);
  const r = n - q * RATE_SCALE;
  if (r < 0) q -= 1;
  else if (r >= RATE_SCALE) q += 1;
  return q;
}

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A report's CSV columns: the seed's 24 (Klarna's file), or `extended` with ours, which only the sandbox writes. */
export const settlementCsvFormats = ['seed', 'extended'] as const;
export type SettlementCsvFormat = (typeof settlementCsvFormats)[number];
export const settlementCsvColumns: Record<SettlementCsvFormat, readonly SettlementColumn[]> = {
  seed: seedSettlementColumns,
  extended: settlementColumns,
};

export const settlementCsvHeaderOf = (format: SettlementCsvFormat) => `${settlementCsvColumns[format].join(',')}\r\n`;

export function settlementCsvLineOf(format: SettlementCsvFormat): (line: SettlementLine) => string {
  const columns = settlementCsvColumns[format];
  return (line) => `${columns.map((c) => csvCell(line[c])).join(',')}\r\n`;
}

export const seedCsvHeader = settlementCsvHeaderOf('seed');
export const seedCsvLine = settlementCsvLineOf('seed');
export const extendedCsvHeader = settlementCsvHeaderOf('extended');
export const extendedCsvLine = settlementCsvLineOf('extended');

// ── The Settlement API (ours: klarna-api-notes.md) ─────────────────────────────────────

export const settlementTotalsSchema = z
  .object({
    gross_sales: z.number().int(),
    refunds: z.number().int(),
    fees: z.number().int(),
    tax: z.number().int(),
    discounts: z.number().int(),
    penalties: z.number().int(),
    disputes: z.number().int(),
    net: z.number().int(),
  })
  .loose();

export const settlementSchema = z
  .object({
    settlement_id: z.string(),
    currency: z.string(),
    settlement_configuration_id: z.string().nullish(),
    period_start: z.string(),
    period_end: z.string(),
    payout_date: z.string().nullish(),
    line_count: z.number().int(),
    totals: settlementTotalsSchema,
    created_at: z.string(),
    /** Where the CSV is (absolute or relative to the API base). */
    csv_url: z.string().nullish(),
    state: openEnum(['PENDING', 'PAID'] as const).nullish(),
  })
  .loose();
export type Settlement = z.infer<typeof settlementSchema>;

export const settlementListSchema = z
  .object({
    settlements: z.array(settlementSchema),
    pagination: z.object({ next: z.string().nullish() }).loose().nullish(),
  })
  .loose();

/** `settlement.report.created` payload (klarna-api-notes.md: "with links"). */
export const settlementReportEventPayloadSchema = z
  .object({
    settlement_id: z.string(),
    currency: z.string().nullish(),
    links: z.object({ csv: z.string().nullish(), self: z.string().nullish() }).loose().nullish(),
  })
  .loose();

/** Page sizes of the list endpoints (ours): settlements like accounts, lines by the thousand. */
export const SETTLEMENT_LIST_MAX = 100;
export const SETTLEMENT_TRANSACTIONS_MAX = 1000;

/** One line of `GET /v1/settlements/{id}/transactions`: the CSV's columns as JSON (numbers as numbers). */
export const settlementTransactionSchema = z
  .object({
    captured_at: z.string(),
    created_at: z.string().nullish(),
    payment_transaction_created_at: z.string().nullish(),
    payment_transaction_id: z.string(),
    klarna_reference: z.string().nullish(),
    payment_capture_id: z.string().nullish(),
    merchant_reference: z.string().nullish(),
    payment_transaction_reference: z.string().nullish(),
    amount: z.number().int(),
    'payment_pricing_details.price_plan_id': z.string().nullish(),
    'payment_pricing.rate.fixed': z.number().int().nullish(),
    'payment_pricing.rate.variable': z.number().int().nullish(),
    'payment_pricing.rate.tax.variable': z.number().int().nullish(),
    'payment_pricing.rate.tax.fixed': z.number().int().nullish(),
    discount_amount: z.number().int(),
    penalty_amount: z.number().int(),
    currency: z.string(),
    payment_refund_id: z.string().nullish(),
    payment_option_category: z.string().nullish(),
    capture_reference: z.string().nullish(),
    refund_reference: z.string().nullish(),
    dispute_id: z.string().nullish(),
    account_id: z.string().nullish(),
    settlement_id: z.string(),
    type: openEnum(settlementLineTypes),
    fee_amount: z.number().int(),
    tax_amount: z.number().int(),
    net_amount: z.number().int(),
  })
  .loose();
export type SettlementTransaction = z.infer<typeof settlementTransactionSchema>;

/** `GET /v1/settlements/{id}/transactions?limit=&offset=`: one page of lines in file order. */
export const settlementTransactionListSchema = z
  .object({
    transactions: z.array(settlementTransactionSchema),
    pagination: z
      .object({
        offset: z.number().int(),
        count: z.number().int(),
        total: z.number().int(),
        next: z.string().nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();
