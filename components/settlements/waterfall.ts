/**
 * A payout as a waterfall: gross sales, then each deduction or addition, down to the net paid
 * out. Amounts are integers in minor units; each step floats from where the previous ended.
 */

export type PayoutTotals = {
  grossSales: number;
  refunds: number;
  fees: number;
  tax: number;
  discounts: number;
  penalties: number;
  disputes: number;
  net: number;
};

export type WaterfallStep = {
  key: string;
  label: string;
  /** Signed change (or, for totals, the total itself). */
  amount: number;
  kind: 'total' | 'increase' | 'decrease';
  /** Where the bar starts and ends. */
  from: number;
  to: number;
};

const movements: { key: keyof PayoutTotals; label: string; sign: 1 | -1 }[] = [
  { key: 'refunds', label: 'Refunds', sign: -1 },
  { key: 'fees', label: 'Fees', sign: -1 },
  { key: 'tax', label: 'VAT on fees', sign: -1 },
  { key: 'discounts', label: 'Discounts', sign: 1 },
  { key: 'penalties', label: 'Penalties', sign: -1 },
  { key: 'disputes', label: 'Disputes', sign: -1 },
];

export function waterfallSteps(t: PayoutTotals): WaterfallStep[] {
  const steps: WaterfallStep[] = [
    { key: 'gross', label: 'Gross sales', amount: t.grossSales, kind: 'total', from: 0, to: t.grossSales },
  ];
  let level = t.grossSales;
  for (const m of movements) {
    const amount = m.sign * t[m.key];
    steps.push({
      key: m.key,
      label: m.label,
      amount,
      kind: amount < 0 ? 'decrease' : 'increase',
      from: level,
      to: level + amount,
    });
    level += amount;
  }
  // A file whose lines' net amounts do not add up to their parts: shown, not hidden.
  const gap = t.net - level;
  if (gap !== 0) {
    steps.push({
      key: 'other',
      label: 'Other (per the file)',
      amount: gap,
      kind: gap < 0 ? 'decrease' : 'increase',
      from: level,
      to: t.net,
    });
  }
  steps.push({ key: 'net', label: 'Net payout', amount: t.net, kind: 'total', from: 0, to: t.net });
  return steps;
}
