import type { LineItemType } from '@/lib/klarna/schemas/payments';
import { parseMajorAmount } from '@/lib/ui/money';

/** Form values → Klarna's payment request body without floats (design.md, "Money"); errors keyed by Klarna's
 * parameter paths so each lands on its field. Free of server imports: the browser runs it for live totals. */

/** Negative only with `allowNegative` (discount and gift card lines). */
export function readAmount(
  text: string,
  currency: string,
  options: { allowNegative?: boolean } = {},
): { ok: true; value: number } | { ok: false; error: string } {
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
  shipping: ShippingValues;
};

export type ShippingValues = {
  givenName: string;
  familyName: string;
  email: string;
  phone: string;
  streetAddress: string;
  streetAddress2: string;
  postalCode: string;
  city: string;
  region: string;
  country: string;
  method: string;
};

export const emptyShipping = (): ShippingValues => ({
  givenName: '',
  familyName: '',
  email: '',
  phone: '',
  streetAddress: '',
  streetAddress2: '',
  postalCode: '',
  city: '',
  region: '',
  country: '',
  method: '',
});

export function shippingIsEmpty(values: ShippingValues): boolean {
  return Object.values(values).every((v) => !v.trim());
}

export const shippingFieldPaths = [
  'shipping',
  'shipping.recipient',
  'shipping.recipient.given_name',
  'shipping.recipient.family_name',
  'shipping.recipient.email',
  'shipping.recipient.phone',
  'shipping.address',
  'shipping.address.street_address',
  'shipping.address.street_address2',
  'shipping.address.postal_code',
  'shipping.address.city',
  'shipping.address.region',
  'shipping.address.country',
  'shipping.shipping_method',
] as const;

export const emptyLine = (): LineValues => ({ name: '', quantity: '1', unitPrice: '', type: 'physical' });

type WireLine = { name: string; quantity: number; unit_price: number; total_line_amount: number; type: LineItemType };

export function lineTotal(line: LineValues, currency: string): number | null {
  const quantity = /^\d{1,7}$/.test(line.quantity.trim()) ? Number(line.quantity.trim()) : NaN;
  const price = readAmount(line.unitPrice, currency, { allowNegative: true });
  if (!Number.isInteger(quantity) || !price.ok) return null;
  const total = quantity * price.value;
  return Number.isSafeInteger(total) ? total : null;
}

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
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const compact = <T extends Record<string, unknown>>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

/** An address is all or nothing: once any line is typed, street, postal code, city and country are required. */
function buildShipping(
  values: ShippingValues,
  add: (key: string, message: string) => void,
): Record<string, unknown> | undefined {
  if (shippingIsEmpty(values)) return undefined;
  const email = values.email.trim();
  if (email && !emailPattern.test(email))
    add('shipping.recipient.email', 'Recipient email must be an address like recipient@example.com');
  // Spaces, dashes, dots and brackets are how people type numbers; Klarna wants +digits only.
  const phone = values.phone.trim().replace(/[\s().-]/g, '');
  if (phone && !/^\+[1-9]\d{6,14}$/.test(phone))
    add('shipping.recipient.phone', 'Recipient phone must be an international number like +18445527621');
  const recipient = compact({
    given_name: trimmed(values.givenName),
    family_name: trimmed(values.familyName),
    email: trimmed(email),
    phone: phone || undefined,
  });

  const country = values.country.trim().toUpperCase();
  const address = compact({
    street_address: trimmed(values.streetAddress),
    street_address2: trimmed(values.streetAddress2),
    postal_code: trimmed(values.postalCode),
    city: trimmed(values.city),
    region: trimmed(values.region),
    country: country || undefined,
  });
  const hasAddress = Object.keys(address).length > 0;
  if (hasAddress) {
    if (!address.street_address)
      add('shipping.address.street_address', 'Street address is required for a shipping address');
    if (!address.postal_code) add('shipping.address.postal_code', 'Postal code is required for a shipping address');
    if (!address.city) add('shipping.address.city', 'City is required for a shipping address');
    if (!country) add('shipping.address.country', 'Country is required for a shipping address: two letters, e.g. US');
    else if (!/^[A-Z]{2}$/.test(country)) add('shipping.address.country', 'Country must be a two-letter code, e.g. US');
  }
  const method = trimmed(values.method);
  return {
    ...(Object.keys(recipient).length ? { recipient } : {}),
    ...(hasAddress ? { address } : {}),
    ...(method ? { shipping_method: method } : {}),
  };
}

/** `config.redirect_url` is always the dashboard's return page. */
export function buildPaymentLinkRequest(
  values: LinkFormValues,
  redirectUrl: string,
): { body: Record<string, unknown> | null; errors: Record<string, string[]> } {
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
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1_000_000)
      add(`${at}.quantity`, 'A whole number from 1 to 1000000');
    const price = readAmount(line.unitPrice, currency, { allowNegative: true });
    if (!price.ok) add(`${at}.unit_price`, price.error);
    else if (price.value < 0 && !reducing.includes(line.type))
      add(`${at}.unit_price`, 'Only a discount, gift card or store credit line may be negative');
    else if (price.value > 0 && reducing.includes(line.type))
      add(
        `${at}.unit_price`,
        `A ${lineTypeLabels[line.type].toLowerCase()} line reduces the total: enter it as a negative price`,
      );
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
  if (email && !emailPattern.test(email)) add('customer.email', 'Enter an email address like shopper@example.com');
  const shipping = buildShipping(values.shipping, add);

  if (Object.keys(errors).length || !amount.ok) return { body: null, errors };
  const customer = {
    given_name: trimmed(values.customerGivenName),
    family_name: trimmed(values.customerFamilyName),
    email: trimmed(email),
  };
  const body: Record<string, unknown> = {
    currency,
    payment_amount: amount.value,
    ...(trimmed(values.paymentReference) ? { payment_reference: values.paymentReference.trim() } : {}),
    ...(trimmed(values.merchantReference) ? { merchant_reference: values.merchantReference.trim() } : {}),
    ...(country ? { purchase_country: country } : {}),
    config: { redirect_url: redirectUrl },
    ...(Object.values(customer).some(Boolean)
      ? { customer: Object.fromEntries(Object.entries(customer).filter(([, v]) => v !== undefined)) }
      : {}),
    ...(shipping ? { shipping } : {}),
    ...(lines.length ? { line_items: lines } : {}),
  };
  return { body, errors };
}
