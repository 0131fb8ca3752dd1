import { describe, expect, it } from 'vitest';
import { waterfallSteps } from './waterfall';

describe('payout waterfall', () => {
  it('walks from gross sales through each deduction to the net payout', () => {
    const steps = waterfallSteps({
      grossSales: 100_000,
      refunds: 10_000,
      fees: 3_000,
      tax: 750,
      discounts: 500,
      penalties: 200,
      disputes: 5_000,
      net: 81_550,
    });
    expect(steps.map((s) => [s.label, s.amount, s.from, s.to])).toEqual([
      ['Gross sales', 100_000, 0, 100_000],
      ['Refunds', -10_000, 100_000, 90_000],
      ['Fees', -3_000, 90_000, 87_000],
      ['VAT on fees', -750, 87_000, 86_250],
      ['Discounts', 500, 86_250, 86_750],
      ['Penalties', -200, 86_750, 86_550],
      ['Disputes', -5_000, 86_550, 81_550],
      ['Net payout', 81_550, 0, 81_550],
    ]);
  });

  it('shows a gap between the parts and the file’s net as its own step', () => {
    const steps = waterfallSteps({
      grossSales: 1_000,
      refunds: 0,
      fees: 30,
      tax: 0,
      discounts: 0,
      penalties: 0,
      disputes: 0,
      net: 975,
    });
    expect(steps.at(-2)).toMatchObject({ key: 'other', amount: 5, from: 970, to: 975, kind: 'increase' });
  });
});
