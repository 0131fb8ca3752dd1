import { describe, expect, it } from 'vitest';
import { formatMinorUnits, formatRatePercent } from './money';

describe('money and rates as text', () => {
  it('writes minor units in the currency’s exponent, grouped, without float rounding', () => {
    expect(formatMinorUnits(30, 'USD')).toBe('0.30 USD');
    expect(formatMinorUnits(123456789, 'EUR')).toBe('1,234,567.89 EUR');
    expect(formatMinorUnits(-5, 'SEK')).toBe('-0.05 SEK');
    expect(formatMinorUnits(1500, 'JPY')).toBe('1,500 JPY');
    expect(formatMinorUnits(1234, 'BHD')).toBe('1.234 BHD');
    expect(formatMinorUnits(9007199254740991, 'USD')).toBe('90,071,992,547,409.91 USD');
  });

  it('writes the seed’s percent × 1 000 000 as a percentage', () => {
    expect(formatRatePercent(1_700_000)).toBe('1.70 %');
    expect(formatRatePercent(2_990_000)).toBe('2.99 %');
    expect(formatRatePercent(1_234_500)).toBe('1.2345 %');
    expect(formatRatePercent(19_000_000)).toBe('19.00 %');
    expect(formatRatePercent(0)).toBe('0.00 %');
  });
});
