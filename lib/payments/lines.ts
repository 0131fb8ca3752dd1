/** Integers in minor units only; a line sent to Klarna must be exactly Klarna's line shape (request bodies are
 * strict) with `total_line_amount = quantity × unit_price − total_discount_amount`. */

export type WireLine = {
  name: string;
  quantity: number;
  unit_price: number;
  total_discount_amount?: number;
  total_tax_amount?: number;
  tax_rate?: number;
  total_line_amount: number;
  reference?: string;
  type?: string;
};

const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

/** Klarna's line as stored (unknown fields kept) reduced to the fields a request may carry; null when it is not a line. */
export function toWireLine(value: unknown): WireLine | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const name = str(v.name);
  const quantity = int(v.quantity);
  const unitPrice = int(v.unit_price);
  const total = int(v.total_line_amount);
  if (name === undefined || quantity === undefined || unitPrice === undefined || total === undefined) return null;
  const line: WireLine = { name, quantity, unit_price: unitPrice, total_line_amount: total };
  const discount = int(v.total_discount_amount);
  const tax = int(v.total_tax_amount);
  const taxRate = int(v.tax_rate);
  const reference = str(v.reference);
  const type = str(v.type);
  if (discount !== undefined) line.total_discount_amount = discount;
  if (tax !== undefined) line.total_tax_amount = tax;
  if (taxRate !== undefined) line.tax_rate = taxRate;
  if (reference !== undefined) line.reference = reference;
  if (type !== undefined) line.type = type;
  return line;
}

export function toWireLines(values: readonly unknown[] | null | undefined): WireLine[] {
  return (values ?? []).map(toWireLine).filter((l): l is WireLine => l !== null);
}

/** Which ordered line a captured or refunded line is: same reference (or name) and unit price. */
export function lineKey(line: Pick<WireLine, 'name' | 'reference' | 'unit_price'>): string {
  return `${line.reference ?? `name:${line.name}`}|${line.unit_price}`;
}

export function quantitiesByKey(lists: readonly (readonly WireLine[])[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const list of lists)
    for (const line of list) out.set(lineKey(line), (out.get(lineKey(line)) ?? 0) + line.quantity);
  return out;
}

/** A share of an integer amount for `quantity` of `of` units, rounded half away from zero. */
function share(amount: number, quantity: number, of: number): number {
  if (quantity === of) return amount;
  const sign = amount < 0 ? -1 : 1;
  const abs = Math.abs(amount) * quantity;
  return sign * (Math.floor(abs / of) + (2 * (abs % of) >= of ? 1 : 0));
}

/** `quantity` of a line: its discount and tax in proportion, its total recomputed as Klarna checks it. */
export function partOfLine(line: WireLine, quantity: number): WireLine {
  const part: WireLine = { ...line, quantity };
  if (line.total_discount_amount !== undefined)
    part.total_discount_amount = share(line.total_discount_amount, quantity, line.quantity);
  if (line.total_tax_amount !== undefined)
    part.total_tax_amount = share(line.total_tax_amount, quantity, line.quantity);
  part.total_line_amount = quantity * line.unit_price - (part.total_discount_amount ?? 0);
  return part;
}

export type LineChoice = { line: WireLine; quantity: number };

export function chosenLines(choices: readonly LineChoice[]): { lines: WireLine[]; rows: number[]; total: number } {
  const lines: WireLine[] = [];
  const rows: number[] = [];
  choices.forEach((choice, row) => {
    if (choice.quantity > 0) {
      lines.push(partOfLine(choice.line, choice.quantity));
      rows.push(row);
    }
  });
  return { lines, rows, total: lines.reduce((sum, l) => sum + l.total_line_amount, 0) };
}

/** Lines that lower what the shopper pays (Klarna: discount, gift card, store credit). */
export function isReducingLine(line: Pick<WireLine, 'type'>): boolean {
  return line.type === 'discount' || line.type === 'gift_card' || line.type === 'store_credit';
}

const lineTypes: Record<string, string> = {
  physical: 'Physical goods',
  digital: 'Digital goods',
  discount: 'Discount',
  gift_card: 'Gift card',
  store_credit: 'Store credit',
  shipping_fee: 'Shipping fee',
  sales_tax: 'Sales tax',
  surcharge: 'Surcharge',
};

export function lineTypeLabel(type: string | undefined | null): string {
  return type ? (lineTypes[type] ?? type) : 'Item';
}

export function lineNote(line: Pick<WireLine, 'type'>): string | undefined {
  return isReducingLine(line) ? lineTypeLabel(line.type) : undefined;
}
