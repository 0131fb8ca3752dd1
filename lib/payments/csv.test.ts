import { describe, expect, it } from 'vitest';
import type { PaymentExportRow } from './cache';
import { csvCell, csvRow, needsFormulaGuard, paymentCsvHeader, paymentCsvRow, UTF8_BOM, wantsBom } from './csv';

describe('CSV cells and rows', () => {
  it('writes plain text and numbers as they are, nothing for a missing value', () => {
    expect(csvCell('order-1')).toBe('order-1');
    expect(csvCell(12345)).toBe('12345');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('')).toBe('');
    expect(csvCell('Café Ünïcode 😀')).toBe('Café Ünïcode 😀');
  });

  it('quotes cells holding commas, quotes or line breaks, doubling the quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvCell('line 1\r\nline 2')).toBe('"line 1\r\nline 2"');
    expect(csvCell('"')).toBe('""""');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK(1)')).toBe("'=HYPERLINK(1)");
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('=HYPERLINK("https://evil.example","x")')).toBe(`"'=HYPERLINK(""https://evil.example"",""x"")"`);
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    // Only at the start: the same characters later in a cell are harmless.
    expect(csvCell('order=1')).toBe('order=1');
    expect(csvCell('a-b@c+d')).toBe('a-b@c+d');
    // Numbers are numbers, never formulas.
    expect(csvCell(-5)).toBe('-5');
  });

  it('leaves plain decimal numbers written as text alone, so a spreadsheet sums them (refunds included)', () => {
    for (const amount of ['-29.00', '1234.5', '0', '-0.01', '29.00', '-1234567.89', '-5'])
      expect(csvCell(amount)).toBe(amount);
    // A spreadsheet's SUM over a net column: the refund's -29.00 must be a number, not the text '-29.00.
    expect(csvRow(['net', '100.00', '-29.00'])).toBe('net,100.00,-29.00\r\n');
  });

  it('neutralises every other cell a spreadsheet could evaluate, numbers with a plus, exponent or odd shape included', () => {
    const cases: [string, string][] = [
      ['=SUM(A1)', "'=SUM(A1)"],
      ['+1', "'+1"], // never written by our exports: text from outside (a reference, a phone number)
      ['+46701234567', "'+46701234567"],
      ['-1+2', "'-1+2"],
      ['-1e5', "'-1e5"],
      ['-.5', "'-.5"],
      ['-29,00', `"'-29,00"`],
      ['@x', "'@x"],
      ['\t-29.00', "'\t-29.00"],
      ['\r5', `"'\r5"`],
      ['-', "'-"],
      ['- 1', "'- 1"],
    ];
    for (const [input, written] of cases) expect([input, csvCell(input)]).toEqual([input, written]);
    // No formula character first: not the guard's business (a spreadsheet may read 1e5 as 100000 as it would anyway).
    expect(csvCell('1e5')).toBe('1e5');
    expect(needsFormulaGuard('1e5')).toBe(false);
    expect(needsFormulaGuard('-29.00')).toBe(false);
    expect(needsFormulaGuard('-1+2')).toBe(true);
  });

  it('adds the byte order mark only when the export URL asks for it', () => {
    expect(UTF8_BOM).toBe('\uFEFF');
    expect(new TextEncoder().encode(UTF8_BOM)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    expect(wantsBom('http://x/api/payments/export?bom=1')).toBe(true);
    expect(wantsBom('http://x/api/payments/export?currency=EUR&bom=true')).toBe(true);
    expect(wantsBom('http://x/api/payments/export?currency=EUR')).toBe(false);
    expect(wantsBom('http://x/api/payments/export?bom=0')).toBe(false);
    expect(wantsBom('http://x/api/payments/export?bom=nonsense')).toBe(false);
  });

  it('joins cells into a CRLF-terminated row', () => {
    expect(csvRow(['a', 1, null, 'b,c', '=x'])).toBe(`a,1,,"b,c",'=x\r\n`);
    expect(csvRow([])).toBe('\r\n');
  });
});

describe('the payments export row', () => {
  const row: PaymentExportRow = {
    id: 'krn:payment:eu1:transaction:1',
    account_id: 'krn:partner:global:account:live:ABC',
    state: 'AUTHORIZED',
    currency: 'EUR',
    authorized: '12345',
    captured: '5000',
    refunded: '29',
    remaining: '7345',
    merchant_reference: '=HYPERLINK(1)',
    payment_reference: 'pay, "ref"',
    // As Postgres writes a UTC timestamp in text: the fraction left out when it is zero.
    expires: '2026-02-01 10:00:00',
    created: '2026-01-02 03:04:05.678901',
  };

  it('has a header naming each amount in major and minor units', () => {
    expect(csvRow(paymentCsvHeader)).toBe(
      'payment_transaction_id,account_id,merchant_name,merchant_reference,payment_reference,state,currency,' +
        'authorized_amount,authorized_amount_minor,captured_amount,captured_amount_minor,refunded_amount,refunded_amount_minor,' +
        'remaining_authorized_amount,remaining_authorized_amount_minor,created_at_utc,expires_at_utc\r\n',
    );
  });

  it('writes amounts as exact decimals in the currency’s exponent next to their minor units, references defused', () => {
    expect(paymentCsvRow(row, '@Burgers, Inc.')).toBe(
      `krn:payment:eu1:transaction:1,krn:partner:global:account:live:ABC,"'@Burgers, Inc.",'=HYPERLINK(1),"pay, ""ref""",AUTHORIZED,EUR,` +
        '123.45,12345,50.00,5000,0.29,29,73.45,7345,2026-01-02T03:04:05.678Z,2026-02-01T10:00:00.000Z\r\n',
    );
    expect(
      paymentCsvRow(
        {
          ...row,
          currency: 'JPY',
          authorized: '1500',
          captured: '0',
          refunded: '0',
          remaining: '1500',
          merchant_reference: null,
          payment_reference: null,
          expires: null,
        },
        null,
      ),
    ).toBe(
      'krn:payment:eu1:transaction:1,krn:partner:global:account:live:ABC,,,,AUTHORIZED,JPY,1500,1500,0,0,0,0,1500,1500,2026-01-02T03:04:05.678Z,\r\n',
    );
  });
});
