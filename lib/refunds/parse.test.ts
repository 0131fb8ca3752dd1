import { describe, expect, it } from 'vitest';
import { parseRefundFile, refundTemplateCsv, RefundFileError, type RefundLine } from './parse';

const parse = (text: string | Buffer, chunk = 0) => {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const chunks: Buffer[] = [];
  if (chunk > 0) for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  else chunks.push(bytes);
  return parseRefundFile(chunks);
};

const fields = (l: RefundLine) => ({
  paymentTransactionId: l.paymentTransactionId,
  merchant: l.merchant,
  merchantReference: l.merchantReference,
  captureId: l.captureId,
  amount: l.amount,
  currency: l.currency,
  reason: l.reason,
  refundReference: l.refundReference,
});

describe('parseRefundFile', () => {
  it('reads each row shape: by transaction id, by merchant and merchant reference, with a capture id, with a refund reference', async () => {
    const { header, lines } = await parse(refundTemplateCsv);
    expect(header.amountUnit).toBe('major');
    expect(lines.map((l) => [l.lineNo, l.problem])).toEqual([
      [2, null],
      [3, null],
      [4, null],
    ]);
    expect(lines.map(fields)).toEqual([
      {
        paymentTransactionId: 'ptx_example_1',
        merchant: null,
        merchantReference: null,
        captureId: null,
        amount: 1050,
        currency: 'EUR',
        reason: 'Damaged on arrival',
        refundReference: 'RMA-1001',
      },
      {
        paymentTransactionId: null,
        merchant: 'M-SHOP-1',
        merchantReference: 'order-4711',
        captureId: null,
        amount: 2500,
        currency: 'EUR',
        reason: 'Event cancelled',
        refundReference: null,
      },
      {
        paymentTransactionId: 'ptx_example_2',
        merchant: null,
        merchantReference: null,
        captureId: 'cap_example_2',
        amount: 500,
        currency: 'EUR',
        reason: 'One item returned',
        refundReference: 'RMA-1002',
      },
    ]);
  });

  it('takes minor units when the header says so, in any column order, with a BOM, CRLF, quotes and extra columns kept', async () => {
    const text =
      '\uFEFFNote,Reason,Currency,Amount_Minor,Payment_Transaction_ID\r\n' +
      '"call back, then refund","Customer said ""broken""",jpy,1500,ptx_1\r\n' +
      'x,Wrong size,EUR,1050,ptx_2\r\n';
    for (const chunk of [0, 1, 7]) {
      const { header, lines } = await parse(text, chunk);
      expect(header.amountUnit).toBe('minor');
      expect(lines.map((l) => [l.lineNo, l.amount, l.currency, l.reason, l.problem])).toEqual([
        [2, 1500, 'JPY', 'Customer said "broken"', null],
        [3, 1050, 'EUR', 'Wrong size', null],
      ]);
      expect(lines[0]!.input).toEqual({
        Note: 'call back, then refund',
        Reason: 'Customer said "broken"',
        Currency: 'jpy',
        Amount_Minor: '1500',
        Payment_Transaction_ID: 'ptx_1',
      });
    }
  });

  it('keeps every extra column: an empty header is "column N", a repeated name "note (2)"', async () => {
    const { header, lines } = await parse(
      'payment_transaction_id,note,amount_minor,,currency,Note,reason,note,reason\r\n' +
        'ptx_1,first,100,blank,EUR,second,Returned,third,another reason\r\n',
    );
    expect(header.columns).toEqual([
      'payment_transaction_id',
      'note',
      'amount_minor',
      'column 4',
      'currency',
      'Note (2)',
      'reason',
      'note (3)',
      'reason (2)',
    ]);
    expect(lines[0]!.input).toEqual({
      payment_transaction_id: 'ptx_1',
      note: 'first',
      amount_minor: '100',
      'column 4': 'blank',
      currency: 'EUR',
      'Note (2)': 'second',
      reason: 'Returned',
      'note (3)': 'third',
      'reason (2)': 'another reason',
    });
    // The first of two columns of ours is the one read.
    expect(lines[0]).toMatchObject({ reason: 'Returned', amount: 100, problem: null });
  });

  it('reads major units in the currency’s own exponent (JPY none, BHD three)', async () => {
    const { lines } = await parse(
      'payment_transaction_id,amount_major,currency,reason\nA,1500,JPY,Returned\nB,1.234,BHD,Returned\nC,1.5,JPY,Returned\nD,"1,234.50",EUR,Returned\n',
    );
    expect(lines.map((l) => [l.amount, l.problem?.reason ?? null])).toEqual([
      [1500, null],
      [1234, null],
      [null, 'amount_major "1.5" is not a valid amount: no decimals in JPY'],
      [123450, null],
    ]);
  });

  it('names the line and the column of every bad row, and keeps it', async () => {
    const { lines } = await parse(
      [
        'payment_transaction_id,merchant,merchant_reference,amount_minor,currency,reason',
        ',,,100,EUR,Returned',
        'A,,,10.50,EUR,Returned',
        'B,,,0,EUR,Returned',
        'C,,,100,EURO,Returned',
        'D,,,100,EUR,',
        'E,,,100,EUR',
        'F,,,100,EUR,"never closed',
      ].join('\n'),
    );
    expect(lines.map((l) => [l.lineNo, l.problem?.column ?? null, l.problem?.reason])).toEqual([
      [
        2,
        'payment_transaction_id',
        'payment_transaction_id is empty: name the payment by its payment_transaction_id, or by merchant and merchant_reference',
      ],
      [3, 'amount_minor', 'amount_minor "10.50" is not a whole number of minor units (1050 for 10.50 EUR)'],
      [4, 'amount_minor', 'amount_minor must be above 0'],
      [5, 'currency', 'currency "EURO" is not an ISO 4217 currency code such as EUR'],
      [6, 'reason', 'reason must say why the payment is refunded (at least 3 characters)'],
      [7, null, 'has 5 cells where the header has 6'],
      [8, 'reason', expect.stringContaining('reason has an unterminated quote')],
    ]);
  });

  it('refuses a file that is not a refund file, naming what is missing', async () => {
    const refusal = (text: string | Buffer) => parse(text).catch((e: unknown) => e);
    const cases: [string | Buffer, string, RegExp][] = [
      ['', 'empty_file', /empty/],
      ['payment_transaction_id,amount_major,currency,reason\n', 'empty_file', /no refunds/],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0]), 'not_csv', /binary/],
      ['hello\nworld\n', 'not_csv', /not a refund CSV/],
      ['payment_transaction_id,amount,currency,reason\nA,1,EUR,x\n', 'missing_columns', /does not say its unit/],
      ['payment_transaction_id,amount_major,currency\nA,1,EUR\n', 'missing_columns', /no "reason" column/],
      [
        'merchant,amount_major,currency,reason\nM,1,EUR,Returned\n',
        'missing_columns',
        /"payment_transaction_id" \(or "merchant" and "merchant_reference"\)/,
      ],
      [
        'payment_transaction_id,amount_major,amount_minor,currency,reason\nA,1,100,EUR,Returned\n',
        'missing_columns',
        /both "amount_minor" and "amount_major"/,
      ],
    ];
    for (const [text, code, message] of cases) {
      const error = await refusal(text);
      expect(error, String(text)).toBeInstanceOf(RefundFileError);
      expect((error as RefundFileError).code).toBe(code);
      expect((error as RefundFileError).message).toMatch(message);
    }
  });

  it('gives the same digest for the same bytes however they arrive, and another for one changed byte', async () => {
    const a = await parse(refundTemplateCsv, 0);
    const b = await parse(refundTemplateCsv, 5);
    const c = await parse(refundTemplateCsv.replace('10.50', '10.51'));
    expect(a.sha256).toBe(b.sha256);
    expect(a.sha256).not.toBe(c.sha256);
  });
});
