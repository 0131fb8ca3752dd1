import { describe, expect, it } from 'vitest';
import { parseSettlementSearch } from './search';

describe('settlements page URL', () => {
  it('reads the filters, upper-casing the currency', () => {
    const { filter, invalid, filtered } = parseSettlementSearch({
      currency: 'eur',
      status: 'review',
      from: '2026-01-01',
      to: '2026-01-31',
      cursor: 'abc',
    });
    expect(filter).toEqual({ currency: 'EUR', status: 'review', from: '2026-01-01', to: '2026-01-31', cursor: 'abc' });
    expect(invalid).toEqual([]);
    expect(filtered).toBe(true);
  });

  it('drops and names what it cannot read', () => {
    const { filter, invalid, filtered } = parseSettlementSearch({
      currency: 'euros',
      status: 'maybe',
      from: '2026-02-30',
      to: ['2026-01-01', 'x'],
    });
    expect(filter).toEqual({ to: '2026-01-01' });
    expect(invalid.map((i) => i.field)).toEqual(['currency', 'status', 'from']);
    expect(filtered).toBe(true);
  });

  it('refuses a range that ends before it starts', () => {
    const { filter, invalid } = parseSettlementSearch({ from: '2026-03-01', to: '2026-02-01' });
    expect(filter).toEqual({ from: '2026-03-01' });
    expect(invalid).toEqual([{ field: 'to', message: 'before the start day' }]);
  });

  it('is unfiltered without values', () => {
    expect(parseSettlementSearch({ tab: 'imports' }).filtered).toBe(false);
  });
});
