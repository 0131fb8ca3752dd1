import type { LineItemType } from '@/lib/klarna/schemas/payments';
import { parseMajorAmount } from '@/lib/ui/money';

/**
 * The create form's values and how they become Klarna's payment request body, without floats
 * (design.md, "Money"): amounts are typed in major units and turned into integer minor units
 * by string and BigInt maths (lib/ui/money.ts). Errors are keyed by Klarna's parameter paths, the same keys the
 * server's schema check and Klarna's own errors use, so every error lands on its field.
 * Kept free of server imports: the form runs it in the browser for the live totals.
 */

/**
 * An amount typed in major units as integer minor units (lib/ui/money.ts `parseMajorAmount`),
 * with a sentence for the field. Negative only with `allowNegative` (discount and gift card lines).
 */
export function readAmount(text: string, currency: string, options: { allowNegative?: boolean } = {}): { ok: true; value: number } | { ok: false; error: string } {
  const value = text.trim().replace(/\s/g, '');
  if (!value) return { ok: false, error: 'Enter an amount' };
  const negative = value.startsWith('-');
  if (negative && !options.allowNegative) return { ok: false, error: 'Must not be negative' };
  const parsed = parseMajorAmount(negative ? value.slice(1) : value, currency);
  if (!parsed.ok) return { ok: false, error: `${parsed.message.charAt(0).toUpperCase()}${parsed.message.slice(1)}` };
  return { ok: true, value: negative && parsed.minor !== 0 ? -parsed.minor : parsed.minor };
}

export const lineTypeLabels: Record<LineItemType, string> = {
  physical: 'Physical goods',
  digital: 'Digital goods',
  shipping_fee: 'Shipping fee',
  sales_tax: 'Sales tax',
  surcharge: 'Surcharge',
  discount: 'Discount',
  gift_card: 'Gift card',
  store_credit: 'Store credit',
};
const reducing: readonly LineItemType[] = ['discount', 'gift_card', 'store_credit'];

export type LineValues = { name: string; quantity: string; unitPrice: string; type: LineItemType };
export type LinkFormValues = {
  accountId: string;
  amount: string;
  currency: string;
  paymentReference: string;
  merchantReference: string;
  purchaseCountry: string;
  lines: LineValues[];
  customerEmail: string;
  customerGivenName: string;
  customerFamilyName: string;
};

export const emptyLine = (): LineValues => ({ name: '', quantity: '1', unitPrice: '', type: 'physical' });

type WireLine = { name: string; quantity: number; unit_price: number; total_line_amount: number; type: LineItemType };

/** A line's total in minor units, or null while its quantity or price cannot be read. */
export function lineTotal(line: LineValues, currency: string): number | null {
  const quantity = /^\d{1,7}$/.test(line.quantity.trim()) ? Number(line.quantity.trim()) : NaN;
  const price = readAmount(line.unitPrice, currency, { allowNegative: true });
  if (!Number.isInteger(quantity) || !price.ok) return null;
  const total = quantity * price.value;
  return Number.isSafeInteger(total) ? total : null;
}

/** The lines' sum in minor units, or null when any line cannot be read yet. */
export function linesTotal(lines: LineValues[], currency: string): number | null {
  let sum = 0;
  for (const line of lines) {
    const total = lineTotal(line, currency);
    if (total === null) return null;
    sum += total;
  }
  return sum;
}

const trimmed = (v: string) => v.trim() || undefined;

/**
 * The form as Klarna's create body (`config.redirect_url` is always the dashboard's return page),
 * with the errors the browser can find before asking the server.
 */
export function buildPaymentLinkRequest(values: LinkFormValues, redirectUrl: string): { body: Record<string, unknown> | null; errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);
  if (!values.accountId) add('accountId', 'Choose the merchant the payment is for');
  const currency = values.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) add('currency', 'Choose a currency');
  const amount = readAmount(values.amount, currency);
  if (!amount.ok) add('payment_amount', amount.error);

  const lines: WireLine[] = [];
  values.lines.forEach((line, i) => {
    const at = `line_items[${i}]`;
    const name = line.name.trim();
    if (!name) add(`${at}.name`, 'Name the item');
    const quantityText = line.quantity.trim();
    const quantity = /^\d{1,7}$/.test(quantityText) ? Number(quantityText) : NaN;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1_000_000) add(`${at}.quantity`, 'A whole number from 1 to 1000000');
    const price = readAmount(line.unitPrice, currency, { allowNegative: true });
    if (!price.ok) add(`${at}.unit_price`, price.error);
    else if (price.value < 0 && !reducing.includes(line.type)) add(`${at}.unit_price`, 'Only a discount, gift card or store credit line may be negative');
    else if (price.value > 0 && reducing.includes(line.type)) add(`${at}.unit_price`, `A ${lineTypeLabels[line.type].toLowerCase()} line reduces the total: enter it as a negative price`);
    if (name && Number.isInteger(quantity) && price.ok) {
      const total = quantity * price.value;
      if (!Number.isSafeInteger(total)) add(`${at}.unit_price`, 'Too large');
      else lines.push({ name, quantity, unit_price: price.value, total_line_amount: total, type: line.type });
    }
  });
  if (amount.ok && lines.length === values.lines.length && lines.length > 0) {
    const sum = lines.reduce((s, l) => s + l.total_line_amount, 0);
    if (sum !== amount.value) add('payment_amount', `Must equal the line items’ total`);
  }

  const country = values.purchaseCountry.trim().toUpperCase();
  if (country && !/^[A-Z]{2}$/.test(country)) add('purchase_country', 'Two letters, e.g. US');
  const email = values.customerEmail.trim();
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) add('customer.email', 'Enter an email address like shopper@example.com');

  if (Object.keys(errors).length || !amount.ok) return { body: null, errors };
  const customer = { given_name: trimmed(values.customerGivenName), family_name: trimmed(values.customerFamilyName), email: trimmed(email) };
  const body: Record<string, unknown> = {
    currency,
    payment_amount: amount.value,
    ...(trimmed(values.paymentReference) ? { payment_reference: values.paymentReference.trim() } : {}),
    ...(trimmed(values.merchantReference) ? { merchant_reference: values.merchantReference.trim() } : {}),
    ...(country ? { purchase_country: country } : {}),
    config: { redirect_url: redirectUrl },
    ...(Object.values(customer).some(Boolean) ? { customer: Object.fromEntries(Object.entries(customer).filter(([, v]) => v !== undefined)) } : {}),
    ...(lines.length ? { line_items: lines } : {}),
  };
  return { body, errors };
}
