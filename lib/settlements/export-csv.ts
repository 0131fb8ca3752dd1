import type { SettlementLineRow, SettlementMissingRow } from '@/db/schema';
import { csvRow } from '@/lib/csv';
import { explainLine, explainMissing, isVerdict, verdictLabels } from '@/lib/settlements/verdicts';
import { formatMajorDecimal } from '@/lib/ui/money';

/**
 * A payout's lines with their verdicts as CSV for finance: each amount in major units (the
 * currency's exponent) and in minor units, what we expected, the verdict with its sentence,
 * and any resolution. Captures and refunds missing from the payout follow, with no line
 * number. Cells are written by lib/csv.ts (formula-safe, RFC 4180).
 */
export const settlementCsvHeader: readonly string[] = [
  'line_no',
  'settlement_id',
  'type',
  'verdict',
  'verdict_label',
  'explanation',
  'payment_transaction_id',
  'payment_capture_id',
  'payment_refund_id',
  'dispute_id',
  'account_id',
  'currency',
  'amount',
  'amount_minor',
  'fee_amount',
  'fee_amount_minor',
  'tax_amount',
  'tax_amount_minor',
  'discount_amount_minor',
  'penalty_amount_minor',
  'net_amount',
  'net_amount_minor',
  'expected_currency',
  'expected_amount',
  'expected_fee',
  'expected_tax',
  'captured_at_utc',
  'resolved_at_utc',
  'resolved_by',
  'resolution_note',
];

/** The line columns the CSV writes or explains with: the export reads these and no others. */
export const settlementLineCsvColumns = [
  'lineNo',
  'settlementId',
  'type',
  'verdict',
  'paymentTransactionId',
  'paymentCaptureId',
  'paymentRefundId',
  'disputeId',
  'accountId',
  'currency',
  'amount',
  'feeAmount',
  'taxAmount',
  'discountAmount',
  'penaltyAmount',
  'netAmount',
  'expectedCurrency',
  'expectedAmount',
  'expectedFee',
  'expectedTax',
  'capturedAt',
  'resolvedAt',
  'resolvedByEmail',
  'resolutionNote',
] as const satisfies readonly (keyof SettlementLineRow)[];
export type SettlementLineCsvSource = Pick<SettlementLineRow, (typeof settlementLineCsvColumns)[number]>;

/** The missing item's columns the CSV writes (all but the import and the resolver's id). */
export const settlementMissingCsvColumns = [
  'settlementId',
  'kind',
  'operationId',
  'paymentTransactionId',
  'accountId',
  'currency',
  'amount',
  'occurredAt',
  'resolvedAt',
  'resolvedByEmail',
  'resolutionNote',
] as const satisfies readonly (keyof SettlementMissingRow)[];
export type SettlementMissingCsvSource = Pick<SettlementMissingRow, (typeof settlementMissingCsvColumns)[number]>;

const label = (verdict: string) => (isVerdict(verdict) ? verdictLabels[verdict] : verdict);
const major = (amount: number | null, currency: string) =>
  amount === null ? null : formatMajorDecimal(amount, currency);

export function settlementLineCsvRow(l: SettlementLineCsvSource): string {
  const c = l.currency;
  const expectedIn = l.expectedCurrency ?? c;
  return csvRow([
    l.lineNo,
    l.settlementId,
    l.type,
    l.verdict,
    label(l.verdict),
    explainLine(l),
    l.paymentTransactionId,
    l.paymentCaptureId,
    l.paymentRefundId,
    l.disputeId,
    l.accountId,
    c,
    major(l.amount, c),
    l.amount,
    major(l.feeAmount, c),
    l.feeAmount,
    major(l.taxAmount, c),
    l.taxAmount,
    l.discountAmount,
    l.penaltyAmount,
    major(l.netAmount, c),
    l.netAmount,
    l.expectedCurrency,
    major(l.expectedAmount, expectedIn),
    major(l.expectedFee, expectedIn),
    major(l.expectedTax, expectedIn),
    l.capturedAt.toISOString(),
    l.resolvedAt?.toISOString(),
    l.resolvedByEmail,
    l.resolutionNote,
  ]);
}

export function settlementMissingCsvRow(m: SettlementMissingCsvSource): string {
  const c = m.currency;
  return csvRow([
    null,
    m.settlementId,
    m.kind === 'refund' ? 'REFUND' : 'CAPTURE',
    'missing',
    label('missing'),
    explainMissing(m),
    m.paymentTransactionId,
    m.kind === 'refund' ? null : m.operationId,
    m.kind === 'refund' ? m.operationId : null,
    null,
    m.accountId,
    c,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    c,
    major(m.amount, c),
    null,
    null,
    m.occurredAt.toISOString(),
    m.resolvedAt?.toISOString(),
    m.resolvedByEmail,
    m.resolutionNote,
  ]);
}
