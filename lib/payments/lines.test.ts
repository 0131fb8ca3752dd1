import { describe, expect, it } from 'vitest';
import { lineItemSchema } from '@/lib/klarna/schemas/payments';
import { chosenLines, lineKey, partOfLine, quantitiesByKey, toWireLine, toWireLines } from './lines';

const shoes = {
  name: 'Sneakers',
  quantity: 3,
  unit_price: 3333,
  total_discount_amount: 100,
  total_tax_amount: 1596,
  tax_rate: 1900,
  total_line_amount: 9899,
  reference: 'SKU-1',
  type: 'physical',
};
const discount = {
  name: 'Spring discount',
  quantity: 1,
  unit_price: -2000,
  total_line_amount: -2000,
  type: 'discount',
};

describe('line maths for capturing and refunding by line', () => {
  it('keeps only the fields Klarna accepts in a request, and skips what is not a line', () => {
    expect(toWireLine({ ...shoes, image_url: 'https://x.example/a.png', product_identifiers: {} })).toEqual(shoes);
    expect(toWireLines([shoes, { name: 'no numbers' }, null, 'x'])).toEqual([shoes]);
  });

  it('prorates discount and tax for part of a line, and Klarna’s total check holds', () => {
    const one = partOfLine(shoes, 1);
    expect(one).toMatchObject({
      quantity: 1,
      total_discount_amount: 33,
      total_tax_amount: 532,
      total_line_amount: 3300,
    });
    const two = partOfLine(shoes, 2);
    expect(two).toMatchObject({
      quantity: 2,
      total_discount_amount: 67,
      total_tax_amount: 1064,
      total_line_amount: 6599,
    });
    expect(partOfLine(shoes, 3)).toEqual(shoes);
    for (const part of [one, two, partOfLine(discount, 1)]) expect(lineItemSchema.safeParse(part).success).toBe(true);
  });

  it('sends only the chosen lines, remembers their rows, and totals them (reducing lines included)', () => {
    const picked = chosenLines([
      { line: shoes, quantity: 0 },
      { line: { name: 'Socks', quantity: 2, unit_price: 500, total_line_amount: 1000 }, quantity: 1 },
      { line: discount, quantity: 1 },
    ]);
    expect(picked.rows).toEqual([1, 2]);
    expect(picked.lines.map((l) => l.total_line_amount)).toEqual([500, -2000]);
    expect(picked.total).toBe(-1500);
  });

  it('counts quantities per line across captures or refunds', () => {
    const counted = quantitiesByKey([[partOfLine(shoes, 1)], [partOfLine(shoes, 2), discount]]);
    expect(counted.get(lineKey(shoes))).toBe(3);
    expect(counted.get(lineKey(discount))).toBe(1);
    expect(lineKey({ name: 'A', unit_price: 1 })).not.toBe(lineKey({ name: 'A', unit_price: 2 }));
  });
});
