import { describe, expect, it } from 'vitest';
import { paymentRequestCreateSchema } from '@/lib/klarna/schemas/payments';
import {
  buildPaymentLinkRequest,
  emptyLine,
  emptyShipping,
  linesTotal,
  readAmount,
  shippingFieldPaths,
  type LinkFormValues,
} from './link-values';

const redirect =
  'http://localhost:3000/pay/return?payment_request_id={klarna.payment_request.id}&token={klarna.payment_request.payment_confirmation_token}';
const base: LinkFormValues = {
  accountId: 'krn:partner:global:account:test:ABCD1234',
  amount: '25.00',
  currency: 'USD',
  paymentReference: ' pay-1 ',
  merchantReference: '',
  purchaseCountry: '',
  lines: [],
  customerEmail: '',
  customerGivenName: '',
  customerFamilyName: '',
  shipping: emptyShipping(),
};

// The parsing itself is lib/ui/money.ts `parseMajorAmount` (tested there); this is the form's use of it.
describe('readAmount', () => {
  it('turns major units into integer minor units by the currency’s exponent', () => {
    expect(readAmount('12.34', 'USD')).toEqual({ ok: true, value: 1234 });
    expect(readAmount(' 1,234.5 ', 'EUR')).toEqual({ ok: true, value: 123450 });
    expect(readAmount('0', 'USD')).toEqual({ ok: true, value: 0 });
    expect(readAmount('1500', 'JPY')).toEqual({ ok: true, value: 1500 });
    expect(readAmount('1.005', 'BHD')).toEqual({ ok: true, value: 1005 });
    expect(readAmount('0.29', 'USD')).toEqual({ ok: true, value: 29 });
  });

  it('says what is wrong in a sentence for the field', () => {
    expect(readAmount('', 'USD')).toEqual({ ok: false, error: 'Enter an amount' });
    expect(readAmount('1e3', 'USD')).toEqual({ ok: false, error: 'An amount such as 10.50' });
    expect(readAmount('12.345', 'USD')).toEqual({ ok: false, error: 'At most 2 decimals in USD' });
    expect(readAmount('12.5', 'JPY')).toEqual({ ok: false, error: 'No decimals in JPY' });
    expect(readAmount('90071992547409.92', 'USD')).toEqual({ ok: false, error: 'Too large' });
  });

  it('takes a sign only where a line may reduce the total', () => {
    expect(readAmount('-5.00', 'USD')).toEqual({ ok: false, error: 'Must not be negative' });
    expect(readAmount('-5.00', 'USD', { allowNegative: true })).toEqual({ ok: true, value: -500 });
    expect(readAmount('-0', 'USD', { allowNegative: true })).toEqual({ ok: true, value: 0 });
    expect(readAmount('--5', 'USD', { allowNegative: true })).toMatchObject({ ok: false });
  });
});

describe('buildPaymentLinkRequest', () => {
  it('builds a body the wire schema accepts, redirecting to the return page', () => {
    const { body, errors } = buildPaymentLinkRequest(
      { ...base, purchaseCountry: 'us', customerEmail: 'customer+denied@email.us' },
      redirect,
    );
    expect(errors).toEqual({});
    expect(body).toEqual({
      currency: 'USD',
      payment_amount: 2500,
      payment_reference: 'pay-1',
      purchase_country: 'US',
      config: { redirect_url: redirect },
      customer: { email: 'customer+denied@email.us' },
    });
    expect(paymentRequestCreateSchema.safeParse(body).success).toBe(true);
  });

  it('sends line items whose total must equal the amount, with discounts as negative lines', () => {
    const lines = [
      { name: 'Shirt', quantity: '2', unitPrice: '15.00', type: 'physical' as const },
      { name: 'Discount code', quantity: '1', unitPrice: '-5.00', type: 'discount' as const },
    ];
    expect(linesTotal(lines, 'USD')).toBe(2500);
    const ok = buildPaymentLinkRequest({ ...base, lines }, redirect);
    expect(ok.errors).toEqual({});
    expect(ok.body?.line_items).toEqual([
      { name: 'Shirt', quantity: 2, unit_price: 1500, total_line_amount: 3000, type: 'physical' },
      { name: 'Discount code', quantity: 1, unit_price: -500, total_line_amount: -500, type: 'discount' },
    ]);
    expect(paymentRequestCreateSchema.safeParse(ok.body).success).toBe(true);

    const off = buildPaymentLinkRequest({ ...base, amount: '30.00', lines }, redirect);
    expect(off.body).toBeNull();
    expect(off.errors.payment_amount).toEqual(['Must equal the line items’ total']);
  });

  it('keys every error by Klarna’s parameter path', () => {
    const { body, errors } = buildPaymentLinkRequest(
      {
        ...base,
        accountId: '',
        amount: '-1',
        purchaseCountry: 'USA',
        customerEmail: 'nope',
        lines: [
          { ...emptyLine(), quantity: '0', unitPrice: '-2' },
          { name: 'Gift card', quantity: '1', unitPrice: '5', type: 'gift_card' },
        ],
      },
      redirect,
    );
    expect(body).toBeNull();
    expect(Object.keys(errors).sort()).toEqual([
      'accountId',
      'customer.email',
      'line_items[0].name',
      'line_items[0].quantity',
      'line_items[0].unit_price',
      'line_items[1].unit_price',
      'payment_amount',
      'purchase_country',
    ]);
  });

  it('allows a zero-amount purchase (seed test case 9)', () => {
    const { body } = buildPaymentLinkRequest({ ...base, amount: '0' }, redirect);
    expect(body?.payment_amount).toBe(0);
    expect(paymentRequestCreateSchema.safeParse(body).success).toBe(true);
  });
});

describe('buildPaymentLinkRequest: shipping', () => {
  const shipTo = {
    givenName: ' Jane ',
    familyName: 'Recipient',
    email: 'jane.recipient@example.com',
    phone: '+1 (415) 555-0100',
    streetAddress: '1 Market St',
    streetAddress2: '',
    postalCode: '94105',
    city: 'San Francisco',
    region: 'CA',
    country: 'us',
    method: 'Express',
  };

  it('sends nothing about shipping when the section is left empty (or only spaces)', () => {
    for (const shipping of [emptyShipping(), { ...emptyShipping(), city: '  ', method: ' ' }]) {
      const { body, errors } = buildPaymentLinkRequest({ ...base, shipping }, redirect);
      expect(errors).toEqual({});
      expect(body).not.toHaveProperty('shipping');
    }
  });

  it('maps recipient, address and method to Klarna’s shipping, which the wire schema accepts', () => {
    const { body, errors } = buildPaymentLinkRequest(
      {
        ...base,
        customerGivenName: 'Test',
        customerFamilyName: 'Person-us',
        customerEmail: 'customer@email.us',
        shipping: shipTo,
      },
      redirect,
    );
    expect(errors).toEqual({});
    expect(body?.shipping).toEqual({
      recipient: {
        given_name: 'Jane',
        family_name: 'Recipient',
        email: 'jane.recipient@example.com',
        phone: '+14155550100',
      },
      address: {
        street_address: '1 Market St',
        postal_code: '94105',
        city: 'San Francisco',
        region: 'CA',
        country: 'US',
      },
      shipping_method: 'Express',
    });
    expect(body?.customer).toEqual({ given_name: 'Test', family_name: 'Person-us', email: 'customer@email.us' });
    expect(paymentRequestCreateSchema.safeParse(body).success).toBe(true);
  });

  it('sends only the parts given: a recipient without an address, or just a method', () => {
    const recipientOnly = buildPaymentLinkRequest(
      { ...base, shipping: { ...emptyShipping(), givenName: 'Jane', familyName: 'Recipient' } },
      redirect,
    );
    expect(recipientOnly.body?.shipping).toEqual({ recipient: { given_name: 'Jane', family_name: 'Recipient' } });
    expect(paymentRequestCreateSchema.safeParse(recipientOnly.body).success).toBe(true);

    const methodOnly = buildPaymentLinkRequest(
      { ...base, shipping: { ...emptyShipping(), method: 'Pick-up point' } },
      redirect,
    );
    expect(methodOnly.body?.shipping).toEqual({ shipping_method: 'Pick-up point' });
    expect(paymentRequestCreateSchema.safeParse(methodOnly.body).success).toBe(true);
  });

  it('requires a whole address once any line of it is typed, naming each missing field', () => {
    const { body, errors } = buildPaymentLinkRequest(
      { ...base, shipping: { ...emptyShipping(), city: 'San Francisco' } },
      redirect,
    );
    expect(body).toBeNull();
    expect(errors).toEqual({
      'shipping.address.street_address': ['Street address is required for a shipping address'],
      'shipping.address.postal_code': ['Postal code is required for a shipping address'],
      'shipping.address.country': ['Country is required for a shipping address: two letters, e.g. US'],
    });
  });

  it('keys recipient and country errors by Klarna’s parameter path, each one a field of the form', () => {
    const { body, errors } = buildPaymentLinkRequest(
      { ...base, shipping: { ...shipTo, email: 'jane@', phone: '0415 555', country: 'USA' } },
      redirect,
    );
    expect(body).toBeNull();
    expect(errors).toEqual({
      'shipping.recipient.email': ['Recipient email must be an address like recipient@example.com'],
      'shipping.recipient.phone': ['Recipient phone must be an international number like +18445527621'],
      'shipping.address.country': ['Country must be a two-letter code, e.g. US'],
    });
    for (const key of Object.keys(errors)) expect(shippingFieldPaths).toContain(key);
  });
});
