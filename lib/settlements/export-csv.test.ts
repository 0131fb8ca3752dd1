import { describe, expect, it } from 'vitest';
import type { SettlementLineRow, SettlementMissingRow } from '@/db/schema';
import { settlementCsvHeader, settlementLineCsvRow, settlementMissingCsvRow } from './export-csv';

const line: SettlementLineRow = {
  importId: '00000000-0000-4000-8000-000000000001',
  lineNo: 7,
  settlementId: 'krn:settlement:1',
  type: 'SALE',
  paymentTransactionId: 'tx-1',
  paymentCaptureId: 'cap-1',
  paymentRefundId: null,
  disputeId: null,
  operationId: 'cap-1',
  accountId: 'acc-1',
  currency: 'EUR',
  amount: 10_050,
  feeAmount: 221,
  taxAmount: 55,
  discountAmount: 0,
  penaltyAmount: 0,
  netAmount: 9_774,
  rateFixed: 100,
  rateVariable: 1_200_000,
  taxRateFixed: 0,
  taxRateVariable: 25_000_000,
  pricePlanId: null,
  capturedAt: new Date('2026-03-10T12:00:00Z'),
  createdAt: null,
  transactionCreatedAt: null,
  klarnaReference: null,
  merchantReference: '=HYPERLINK("http://evil")',
  transactionReference: null,
  paymentOptionCategory: null,
  captureReference: null,
  refundReference: null,
  extra: null,
  verdict: 'amount_mismatch',
  expectedAmount: 10_000,
  expectedCurrency: 'EUR',
  expectedFee: 220,
  expectedTax: 55,
  resolvedAt: new Date('2026-03-11T09:00:00Z'),
  resolvedBy: null,
  resolvedByEmail: 'ops@example.com',
  resolutionNote: '-1 cent rounding, "agreed" with Klarna',
};

const cells = (row: string) => {
  // Enough of RFC 4180 for these rows: split on commas outside quotes.
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const ch = row[i]!;
    if (ch === '"' && row[i + 1] === '"' && quoted) {
      cell += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cell);
      cell = '';
    } else if (ch === '\r' && !quoted) break;
    else cell += ch;
  }
  out.push(cell);
  return Object.fromEntries(settlementCsvHeader.map((h, i) => [h, out[i]]));
};

describe('payout lines export', () => {
  it('writes a line with its verdict, explanation, amounts in both units and its resolution', () => {
    const row = settlementLineCsvRow(line);
    expect(row.endsWith('\r\n')).toBe(true);
    expect(cells(row)).toMatchObject({
      line_no: '7',
      verdict: 'amount_mismatch',
      verdict_label: 'Amount mismatch',
      explanation: 'Expected 100.00 EUR, the file says 100.50 EUR (+0.50 EUR).',
      amount: '100.50',
      amount_minor: '10050',
      fee_amount: '2.21',
      expected_amount: '100.00',
      expected_fee: '2.20',
      captured_at_utc: '2026-03-10T12:00:00.000Z',
      resolved_by: 'ops@example.com',
      // A cell a spreadsheet would read as a formula is defused.
      resolution_note: `'-1 cent rounding, "agreed" with Klarna`,
    });
    expect(Object.keys(cells(row))).toHaveLength(settlementCsvHeader.length);
  });

  it('writes a refund line’s negative amounts as numbers a spreadsheet sums, not as defused text', () => {
    const refund = {
      ...line,
      lineNo: 8,
      type: 'RETURN',
      paymentCaptureId: null,
      paymentRefundId: 'ref-1',
      operationId: 'ref-1',
      amount: -2_900,
      feeAmount: 0,
      taxAmount: 0,
      netAmount: -2_900,
      verdict: 'matched',
      expectedAmount: -2_900,
      expectedFee: 0,
      expectedTax: 0,
      resolvedAt: null,
      resolvedByEmail: null,
      resolutionNote: null,
    };
    expect(cells(settlementLineCsvRow(refund))).toMatchObject({
      amount: '-29.00',
      amount_minor: '-2900',
      net_amount: '-29.00',
      net_amount_minor: '-2900',
      expected_amount: '-29.00',
    });
  });

  it('writes a missing refund with no line number', () => {
    const missing: SettlementMissingRow = {
      importId: line.importId,
      operationId: 'ref-9',
      kind: 'refund',
      paymentTransactionId: 'tx-9',
      accountId: 'acc-1',
      currency: 'SEK',
      amount: 5_000,
      occurredAt: new Date('2026-03-12T00:00:00Z'),
      settlementId: 'krn:settlement:1',
      resolvedAt: null,
      resolvedBy: null,
      resolvedByEmail: null,
      resolutionNote: null,
    };
    expect(cells(settlementMissingCsvRow(missing))).toMatchObject({
      line_no: '',
      type: 'REFUND',
      verdict: 'missing',
      payment_refund_id: 'ref-9',
      payment_capture_id: '',
      expected_amount: '50.00',
      explanation: 'Refund ref-9 of 50.00 SEK on 2026-03-12 is in our records but in no settlement.',
    });
  });
});
