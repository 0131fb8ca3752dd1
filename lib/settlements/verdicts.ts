import { formatMinorUnits } from '@/lib/ui/money';

/** One verdict per line, checked in this order: a duplicated unknown capture is a duplicate, not also unknown. */
export const lineVerdicts = [
  'duplicate',
  'unknown_transaction',
  'unknown_capture',
  'unknown_refund',
  'currency_mismatch',
  'amount_mismatch',
  'fee_mismatch',
  'adjustment',
  'matched',
] as const;
export type LineVerdict = (typeof lineVerdicts)[number];

/** Not a line: a capture or refund in our records that no settlement settles. */
export const MISSING = 'missing' as const;
export type Verdict = LineVerdict | typeof MISSING;
export const allVerdicts: readonly Verdict[] = [...lineVerdicts, MISSING];

export const verdictLabels: Record<Verdict, string> = {
  matched: 'Matched',
  amount_mismatch: 'Amount mismatch',
  currency_mismatch: 'Currency mismatch',
  unknown_transaction: 'Unknown transaction',
  unknown_capture: 'Unknown capture',
  unknown_refund: 'Unknown refund',
  duplicate: 'Duplicate line',
  fee_mismatch: 'Fee mismatch',
  adjustment: 'Relay to merchant',
  missing: 'Missing from settlements',
};

export const settledVerdicts: readonly Verdict[] = ['matched', 'adjustment'];
export const needsAttention = (v: string) => !settledVerdicts.includes(v as Verdict);

export function isVerdict(value: string): value is Verdict {
  return (allVerdicts as readonly string[]).includes(value);
}

type LineFacts = {
  verdict: string;
  type: string;
  currency: string;
  amount: number;
  feeAmount: number;
  taxAmount: number;
  discountAmount: number;
  penaltyAmount: number;
  paymentTransactionId: string;
  paymentCaptureId: string | null;
  paymentRefundId: string | null;
  expectedAmount: number | null;
  expectedCurrency: string | null;
  expectedFee: number | null;
  expectedTax: number | null;
};

const money = (amount: number, currency: string) => formatMinorUnits(amount, currency);

/** The sentence a finance person reads next to the line: what was expected, what the file says. */
export function explainLine(l: LineFacts): string {
  const c = l.currency;
  switch (l.verdict) {
    case 'matched':
      return l.type === 'RETURN'
        ? `Refund ${l.paymentRefundId} of ${money(l.amount, c)} matches our records.`
        : l.type === 'FEE'
          ? `Fee ${money(l.feeAmount, c)} + VAT ${money(l.taxAmount, c)} matches the rate on capture ${l.paymentCaptureId}.`
          : `Capture ${l.paymentCaptureId} of ${money(l.amount, c)} matches our records, and its fee ${money(l.feeAmount, c)} + VAT ${money(l.taxAmount, c)} matches the transaction's rate.`;
    case 'amount_mismatch': {
      const expected = l.expectedAmount ?? 0;
      const diff = Math.abs(l.amount) - expected;
      return `Expected ${money(expected, c)}, the file says ${money(Math.abs(l.amount), c)} (${diff > 0 ? '+' : '−'}${money(Math.abs(diff), c)}).`;
    }
    case 'currency_mismatch':
      return `Our records have this ${l.type === 'RETURN' ? 'refund' : 'capture'} in ${l.expectedCurrency ?? '?'}, the file settles it in ${c}.`;
    case 'unknown_transaction':
      return `Transaction ${l.paymentTransactionId} is not in our records: Klarna settled a payment this dashboard has never seen.`;
    case 'unknown_capture':
      return l.paymentCaptureId
        ? `The transaction is known, but capture ${l.paymentCaptureId} is not in our records.`
        : 'The line names no capture (payment_capture_id is empty), so it cannot be matched to one.';
    case 'unknown_refund':
      return l.paymentRefundId
        ? `The transaction is known, but refund ${l.paymentRefundId} is not in our records.`
        : 'The line names no refund (payment_refund_id is empty), so it cannot be matched to one.';
    case 'duplicate':
      return `This ${l.type} line settles ${l.paymentRefundId ?? l.paymentCaptureId ?? l.paymentTransactionId} a second time: an earlier line already did.`;
    case 'fee_mismatch':
      return `Expected fee ${money(l.expectedFee ?? 0, c)} + VAT ${money(l.expectedTax ?? 0, c)} from the transaction's rate, the file charges ${money(l.feeAmount, c)} + VAT ${money(l.taxAmount, c)}.`;
    case 'adjustment':
      return l.type === 'DISCOUNT'
        ? `Discount of ${money(l.discountAmount, c)} from Klarna: relay it to the merchant 1:1.`
        : l.type === 'PENALTY'
          ? `Penalty of ${money(l.penaltyAmount, c)} from Klarna: relay it to the merchant 1:1.`
          : `Dispute withheld: ${money(Math.abs(l.amount), c)}${l.feeAmount ? ` and a fee of ${money(l.feeAmount, c)}` : ''}; relay it to the merchant.`;
    default:
      return l.verdict;
  }
}

export function explainMissing(m: {
  kind: string;
  operationId: string;
  amount: number;
  currency: string;
  occurredAt: Date;
}): string {
  return `${m.kind === 'refund' ? 'Refund' : 'Capture'} ${m.operationId} of ${money(m.amount, m.currency)} on ${m.occurredAt.toISOString().slice(0, 10)} is in our records but in no settlement.`;
}
