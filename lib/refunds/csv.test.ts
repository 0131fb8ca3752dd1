import { describe, expect, it } from 'vitest';
import type { RefundBatchRowRow } from '@/db/schema';
import { csvRecords } from '@/lib/csv';
import { extraColumnsOf, refundCsvHeader, refundCsvRow } from './csv';

const row = (over: Partial<RefundBatchRowRow>): RefundBatchRowRow => ({
  batchId: '00000000-0000-4000-8000-000000000000',
  lineNo: 2,
  input: {},
  paymentTransactionId: 'ptx-1',
  accountId: 'acc-1',
  captureId: null,
  amount: 123456,
  currency: 'EUR',
  reason: 'Recall',
  refundReference: null,
  verdict: 'will_refund',
  verdictReason: null,
  result: 'refunded',
  refundId: 'ref-1',
  errorCode: null,
  errorMessage: null,
  klarnaErrorId: null,
  finishedAt: new Date('2026-12-07T21:00:00Z'),
  ...over,
});

describe('the result CSV', () => {
  const batch = { columns: ['payment_transaction_id', 'Amount_Major', 'currency', 'reason', 'ticket', 'note'] };

  it('keeps the file’s extra columns after ours, writes amounts as plain numbers and defuses formulas', () => {
    const extras = extraColumnsOf(batch);
    expect(extras).toEqual(['ticket', 'note']);
    const text =
      refundCsvHeader(batch) +
      refundCsvRow(row({ input: { ticket: 'T-1', note: '=HYPERLINK("http://x")' }, reason: '+cmd' }), extras) +
      refundCsvRow(
        row({
          lineNo: 3,
          amount: 1500,
          currency: 'JPY',
          result: 'declined',
          refundId: null,
          errorCode: 'REFUND_NOT_ALLOWED',
          errorMessage: 'Klarna refused this, "too much"',
          klarnaErrorId: 'err-1',
        }),
        extras,
      );
    const [header, refunded, declined] = csvRecords(text);
    expect(header!.slice(0, 6)).toEqual([
      'line',
      'payment_transaction_id',
      'account_id',
      'capture_id',
      'amount',
      'amount_minor',
    ]);
    expect(header!.slice(-2)).toEqual(['ticket', 'note']);
    const cell = (r: string[], name: string) => r[header!.indexOf(name)];
    expect(cell(refunded!, 'amount')).toBe('1234.56');
    expect(cell(refunded!, 'amount_minor')).toBe('123456');
    expect(cell(refunded!, 'reason')).toBe("'+cmd");
    expect(cell(refunded!, 'note')).toBe('\'=HYPERLINK("http://x")');
    expect(cell(refunded!, 'result')).toBe('refunded');
    expect(cell(declined!, 'amount')).toBe('1500');
    expect(cell(declined!, 'klarna_error_message')).toBe('Klarna refused this, "too much"');
    expect(cell(declined!, 'klarna_error_id')).toBe('err-1');
    // Unquoted amounts: a spreadsheet reads them as numbers.
    expect(text).toContain(',1234.56,123456,');
  });

  it('writes every extra column of the file, the unnamed and the repeated ones too', () => {
    const named = { columns: ['payment_transaction_id', 'note', 'column 3', 'note (2)', 'reason (2)'] };
    expect(extraColumnsOf(named)).toEqual(['note', 'column 3', 'note (2)', 'reason (2)']);
    const text =
      refundCsvHeader(named) +
      refundCsvRow(
        row({ input: { note: 'a', 'column 3': 'b', 'note (2)': 'c', 'reason (2)': 'd' } }),
        extraColumnsOf(named),
      );
    const [header, first] = csvRecords(text);
    expect(header!.slice(-4)).toEqual(['note', 'column 3', 'note (2)', 'reason (2)']);
    expect(first!.slice(-4)).toEqual(['a', 'b', 'c', 'd']);
    // A batch stored before columns were named kept an empty header's cells as "column N".
    expect(extraColumnsOf({ columns: ['payment_transaction_id', '', 'ticket'] })).toEqual(['column 2', 'ticket']);
  });
});
