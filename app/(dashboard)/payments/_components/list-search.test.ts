import { describe, expect, it } from 'vitest';
import { filtersOf, parsePaymentSearch } from './list-search';

describe('the payments list URL', () => {
  it('reads every filter, amounts typed in major units of the chosen currency', () => {
    const { filter, invalid, filtered } = parsePaymentSearch({
      account: 'krn:acc:1',
      state: 'AUTHORIZED',
      currency: 'jpy',
      min: '1,500',
      max: '20000',
      from: '2026-01-01',
      to: '2026-01-31',
      q: 'order-1',
      sort: 'amount_desc',
    });
    expect(invalid).toEqual([]);
    expect(filtered).toBe(true);
    expect(filter).toEqual({
      account: 'krn:acc:1',
      state: 'AUTHORIZED',
      currency: 'JPY',
      min: 1500,
      max: 20000,
      from: '2026-01-01',
      to: '2026-01-31',
      q: 'order-1',
      sort: 'amount_desc',
    });
  });

  it('reads amounts with two decimals when no currency is chosen', () => {
    expect(parsePaymentSearch({ min: '10.5', max: '0.29' }).filter).toMatchObject({ min: 1050 });
    expect(parsePaymentSearch({ min: '0.29' }).filter.min).toBe(29);
  });

  it('defaults to newest first and takes the first of repeated values', () => {
    const { filter, filtered } = parsePaymentSearch({ q: ['a', 'b'], cursor: 'abc' });
    expect(filter).toEqual({ sort: 'created_desc', q: 'a', cursor: 'abc' });
    expect(filtered).toBe(true);
    expect(parsePaymentSearch({}).filtered).toBe(false);
  });

  it('drops what it cannot read and names it, keeping the rest', () => {
    const { filter, invalid } = parsePaymentSearch({
      currency: 'EURO',
      min: '10.505',
      max: 'lots',
      from: '2026-02-30',
      to: '2026-13-01',
      sort: 'name',
      state: 'AUTHORIZED',
    });
    expect(filter).toEqual({ sort: 'created_desc', state: 'AUTHORIZED' });
    expect(invalid.map((i) => i.field).sort()).toEqual(['currency', 'from', 'max', 'min', 'sort', 'to']);
    expect(invalid.find((i) => i.field === 'min')?.message).toBe('at most 2 decimals');
    expect(parsePaymentSearch({ currency: 'EUR', min: '10.505' }).invalid).toEqual([
      { field: 'min', message: 'at most 2 decimals in EUR' },
    ]);
  });

  it('refuses a range whose end comes before its start', () => {
    const amounts = parsePaymentSearch({ min: '20', max: '10' });
    expect(amounts.filter).toMatchObject({ min: 2000 });
    expect(amounts.filter.max).toBeUndefined();
    expect(amounts.invalid).toEqual([{ field: 'max', message: 'below the lower bound' }]);
    const days = parsePaymentSearch({ from: '2026-02-01', to: '2026-01-31' });
    expect(days.filter.to).toBeUndefined();
    expect(days.invalid).toEqual([{ field: 'to', message: 'before the start day' }]);
    expect(parsePaymentSearch({ from: '2026-01-31', to: '2026-01-31', min: '5', max: '5' }).invalid).toEqual([]);
  });

  it('keeps the filters but not the page for links', () => {
    expect(filtersOf(parsePaymentSearch({ q: 'x', cursor: 'c', sort: 'amount_asc' }).raw)).toEqual({
      q: 'x',
      sort: 'amount_asc',
    });
  });
});
