import { describe, expect, it } from 'vitest';
import {
  currencyExponent,
  formatMajorDecimal,
  formatMinorUnits,
  formatRatePercent,
  parseMajorAmount,
  summariseDetails,
} from './money';

describe('money and rates as text', () => {
  it('writes minor units in the currency’s exponent, grouped, without float rounding', () => {
    expect(formatMinorUnits(30, 'USD')).toBe('0.30 USD');
    expect(formatMinorUnits(123456789, 'EUR')).toBe('1,234,567.89 EUR');
    expect(formatMinorUnits(-5, 'SEK')).toBe('-0.05 SEK');
    expect(formatMinorUnits(1500, 'JPY')).toBe('1,500 JPY');
    expect(formatMinorUnits(1234, 'BHD')).toBe('1.234 BHD');
    expect(formatMinorUnits(9007199254740991, 'USD')).toBe('90,071,992,547,409.91 USD');
  });

  it('groups exactly as the split-and-regex version it replaced, for any safe integer and exponent', () => {
    const before = (amount: number, currency: string) => {
      const [whole = '0', fraction] = formatMajorDecimal(amount, currency).split('.');
      return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction === undefined ? '' : `.${fraction}`} ${currency}`;
    };
    const edges = [0, 1, -1, 9, 10, 99, 100, 999, 1000, 1001, 99_999, 100_000, 999_999, 1_000_000, 1_000_001];
    const powers = Array.from({ length: 16 }, (_, i) => 10 ** i).flatMap((p) => [p - 1, p, p + 1, -p, 1000 * p - 1]);
    let seed = 7;
    const random = Array.from({ length: 2000 }, () => {
      seed = (seed * 48271) % 2147483647;
      return Math.floor((seed / 2147483647) * 10 ** (seed % 16)) * (seed % 3 === 0 ? -1 : 1);
    });
    for (const amount of [...edges, ...powers, ...random, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER])
      for (const currency of ['EUR', 'JPY', 'BHD', 'SEK', 'XXX'])
        expect(formatMinorUnits(amount, currency), `${amount} ${currency}`).toBe(before(amount, currency));
  });

  it('writes the seed’s percent × 1 000 000 as a percentage', () => {
    expect(formatRatePercent(1_700_000)).toBe('1.70 %');
    expect(formatRatePercent(2_990_000)).toBe('2.99 %');
    expect(formatRatePercent(1_234_500)).toBe('1.2345 %');
    expect(formatRatePercent(19_000_000)).toBe('19.00 %');
    expect(formatRatePercent(0)).toBe('0.00 %');
  });

  it('knows each currency’s exponent, two for an unknown code', () => {
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('BHD')).toBe(3);
    expect(currencyExponent('XYZ')).toBe(2);
  });

  it('writes minor units as a plain major-unit decimal', () => {
    expect(formatMajorDecimal(12345, 'EUR')).toBe('123.45');
    expect(formatMajorDecimal(5, 'EUR')).toBe('0.05');
    expect(formatMajorDecimal(0, 'EUR')).toBe('0.00');
    expect(formatMajorDecimal(-5, 'SEK')).toBe('-0.05');
    expect(formatMajorDecimal(1500, 'JPY')).toBe('1500');
    expect(formatMajorDecimal(1234, 'BHD')).toBe('1.234');
    expect(formatMajorDecimal(123456789, 'USD')).toBe('1234567.89');
    expect(formatMajorDecimal(9007199254740991, 'USD')).toBe('90071992547409.91');
  });

  it('reads typed major units as integer minor units of the currency', () => {
    const minor = (text: string, currency?: string) => {
      const parsed = parseMajorAmount(text, currency);
      return parsed.ok ? parsed.minor : parsed.message;
    };
    expect(minor('10.50', 'EUR')).toBe(1050);
    expect(minor('10.5', 'EUR')).toBe(1050);
    expect(minor('10', 'EUR')).toBe(1000);
    expect(minor(' 0.01 ', 'EUR')).toBe(1);
    expect(minor('1,234.56', 'EUR')).toBe(123456);
    expect(minor('1,234,567', 'EUR')).toBe(123456700);
    expect(minor('1500', 'JPY')).toBe(1500);
    expect(minor('1.234', 'BHD')).toBe(1234);
    expect(minor('10.500', 'EUR')).toBe(1050); // trailing zeros beyond the exponent are harmless
    expect(minor('0.29', 'EUR')).toBe(29); // 0.29 * 100 is 28.999999999999996 in floats
    expect(minor('1.15')).toBe(115); // no currency: two decimals
    expect(minor('90071992547409.91', 'USD')).toBe(9007199254740991);
  });

  it('refuses amounts it cannot read exactly', () => {
    const message = (text: string, currency?: string) => {
      const parsed = parseMajorAmount(text, currency);
      return parsed.ok ? parsed.minor : parsed.message;
    };
    expect(message('10.505', 'EUR')).toBe('at most 2 decimals in EUR');
    expect(message('10.505')).toBe('at most 2 decimals');
    expect(message('10.5', 'JPY')).toBe('no decimals in JPY');
    for (const bad of ['', 'abc', '-5', '+5', '1,5', '1,23,456', '10,', '.5', '10.', '1e3', '10 50', '١٢'])
      expect(message(bad, 'EUR'), bad).toBe('an amount such as 10.50');
    expect(message('90071992547409.92', 'USD')).toBe('too large');
  });
});

describe('audit details', () => {
  it('show an amount in major units with its currency, or labelled as minor units when the entry names none', () => {
    expect(summariseDetails({ amount: 10000, currency: 'EUR', payment_reference: null })).toBe(
      'amount: 100.00 EUR, currency: EUR, payment_reference: null',
    );
    expect(summariseDetails({ amount: 1500, capture: null, reason: 'damaged' })).toBe(
      'amount: 1500 (minor units), capture: null, reason: damaged',
    );
    expect(summariseDetails({ released: 2500, currency: 'JPY' })).toBe('released: 2,500 JPY, currency: JPY');
    expect(summariseDetails({ fields: ['merchant_reference'] })).toBe('fields: ["merchant_reference"]');
    expect(summariseDetails({})).toBe('');
  });
});
