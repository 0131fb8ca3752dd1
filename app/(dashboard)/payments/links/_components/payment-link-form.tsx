'use client';

import { useId, useMemo, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useAction } from 'next-safe-action/hooks';
import { ChevronDown, Plus, X } from 'lucide-react';
import { toast } from 'sonner';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { Table, Td, Th } from '@/components/ui/table';
import { lineItemTypes, type LineItemType } from '@/lib/klarna/schemas/payments';
import type { ActionFailure } from '@/lib/ui/action-result';
import { cn } from '@/lib/ui/cn';
import { formatMinorUnits } from '@/lib/ui/money';
import { createPaymentLinkAction } from '../../actions';
import { errorsOf, FailureAlert, useSubmission } from '@/components/forms/form-kit';
import { MerchantCombobox, type MerchantChoice } from '@/components/forms/merchant-combobox';
import {
  buildPaymentLinkRequest,
  emptyLine,
  emptyShipping,
  lineTotal,
  linesTotal,
  lineTypeLabels,
  readAmount,
  shippingFieldPaths,
  shippingIsEmpty,
  type LineValues,
  type LinkFormValues,
  type ShippingValues,
} from '@/lib/payments/link-values';

const isShippingField = (key: string) => key === 'shipping' || key.startsWith('shipping.');

const currencies = ['USD', 'EUR', 'GBP', 'SEK', 'NOK', 'DKK', 'CHF', 'PLN', 'CZK', 'AUD', 'NZD', 'CAD'];

/**
 * "Create a payment link": the form, then a review of exactly what goes to Klarna, then one
 * create. The intent id is fixed for this opening of the form, so a double click or a retry
 * after a lost answer creates one link at Klarna; a definitive refusal starts a new intent.
 */
export function PaymentLinkForm({
  initialMerchant,
  anyEligible,
  redirectUrl,
}: {
  /** The merchant the URL asked for (`?merchant=`), when it can take payments. */
  initialMerchant: MerchantChoice | null;
  /** Whether any merchant can take payments now (else the form says how to get one). */
  anyEligible: boolean;
  redirectUrl: string;
}) {
  const router = useRouter();
  const submission = useSubmission();
  const inFlight = useRef(false);
  const [step, setStep] = useState<'edit' | 'review'>('edit');
  const [checked, setChecked] = useState(false);
  const [values, setValues] = useState<LinkFormValues>(() => ({
    accountId: initialMerchant?.accountId ?? '',
    amount: '',
    currency: 'USD',
    paymentReference: '',
    merchantReference: '',
    purchaseCountry: '',
    lines: [],
    customerEmail: '',
    customerGivenName: '',
    customerFamilyName: '',
    shipping: emptyShipping(),
  }));
  const [shippingOpen, setShippingOpen] = useState(false);
  const shippingId = useId();
  const built = useMemo(() => buildPaymentLinkRequest(values, redirectUrl), [values, redirectUrl]);
  const action = useAction(createPaymentLinkAction, {
    onSuccess: ({ data, input }) => {
      if (!data) return;
      const body = input.request as { payment_amount?: unknown; currency?: unknown };
      const amount =
        typeof body.payment_amount === 'number' && typeof body.currency === 'string'
          ? ` for ${formatMinorUnits(body.payment_amount, body.currency)}`
          : '';
      toast.success(`Payment link${amount} created at Klarna.`);
      router.push(`/payments/links/${encodeURIComponent(data.paymentRequestId)}`);
    },
    onError: (result) => {
      inFlight.current = false;
      submission.onError(result);
      // A field Klarna or the server named is on the form: go back to it.
      const failure = result.error.thrownError
        ? undefined
        : ({ serverError: result.error.serverError, validationErrors: result.error.validationErrors } as ActionFailure);
      const fields = Object.keys(errorsOf(failure));
      if (fields.length) setStep('edit');
      if (fields.some(isShippingField)) setShippingOpen(true);
    },
  });

  const server = errorsOf(submission.failure);
  const errors: Record<string, string[]> = { ...(checked ? built.errors : {}), ...server };
  const set =
    <K extends keyof LinkFormValues>(key: K) =>
    (value: LinkFormValues[K]) =>
      setValues((v) => ({ ...v, [key]: value }));
  const setShipping = (key: keyof ShippingValues) => (value: string) =>
    setValues((v) => ({ ...v, shipping: { ...v.shipping, [key]: value } }));
  const setLine = (i: number, patch: Partial<LineValues>) =>
    setValues((v) => ({ ...v, lines: v.lines.map((l, j) => (j === i ? { ...l, ...patch } : l)) }));
  const [merchant, setMerchant] = useState<MerchantChoice | null>(initialMerchant);
  const amount = readAmount(values.amount, values.currency);
  const total = values.lines.length ? linesTotal(values.lines, values.currency) : null;
  const shownFields = [
    'accountId',
    'payment_amount',
    'currency',
    'payment_reference',
    'merchant_reference',
    'purchase_country',
    'customer.email',
    'customer.given_name',
    'customer.family_name',
    ...shippingFieldPaths,
    ...values.lines.flatMap((_, i) => ['name', 'quantity', 'unit_price', 'type'].map((k) => `line_items[${i}].${k}`)),
  ];

  function create() {
    if (!built.body || inFlight.current) return;
    inFlight.current = true;
    action.execute({ accountId: values.accountId, intentId: submission.intentId, request: built.body });
  }

  if (step === 'review' && built.body) {
    const body = built.body as {
      payment_amount: number;
      currency: string;
      shipping?: WireShipping;
      line_items?: {
        name: string;
        quantity: number;
        unit_price: number;
        total_line_amount: number;
        type: LineItemType;
      }[];
    };
    return (
      <Card>
        <CardHeader
          title="Review the payment link"
          description="Klarna creates a payment request with exactly this. The shopper pays through the link it returns."
        />
        <CardBody className="grid gap-4">
          <DetailList
            items={[
              ['Merchant', merchant ? merchant.name : values.accountId],
              ['Amount', <strong key="a">{formatMinorUnits(body.payment_amount, body.currency)}</strong>],
              ['Payment reference', values.paymentReference.trim() || '—'],
              ['Merchant reference', values.merchantReference.trim() || '—'],
              ['Purchase country', values.purchaseCountry.trim().toUpperCase() || 'Klarna’s default for the currency'],
              [
                'Customer',
                [values.customerGivenName.trim(), values.customerFamilyName.trim(), values.customerEmail.trim()]
                  .filter(Boolean)
                  .join(' · ') || '—',
              ],
              ...shippingRows(body.shipping),
              [
                'Shopper returns to',
                <code key="r" className="font-mono text-xs">
                  {redirectUrl}
                </code>,
              ],
            ]}
          />
          {body.payment_amount === 0 && (
            <Alert title="Zero-amount purchase">
              The shopper completes the purchase without paying anything (seed end-to-end test case 9).
            </Alert>
          )}
          {body.line_items && (
            <Table caption="Line items to send">
              <thead>
                <tr>
                  <Th>Item</Th>
                  <Th>Type</Th>
                  <Th className="text-right">Quantity</Th>
                  <Th className="text-right">Unit price</Th>
                  <Th className="text-right">Total</Th>
                </tr>
              </thead>
              <tbody>
                {body.line_items.map((l, i) => (
                  <tr key={i}>
                    <Td>{l.name}</Td>
                    <Td>{lineTypeLabels[l.type]}</Td>
                    <Td className="text-right tabular-nums">{l.quantity}</Td>
                    <Td className="text-right tabular-nums">{formatMinorUnits(l.unit_price, body.currency)}</Td>
                    <Td className="text-right tabular-nums">{formatMinorUnits(l.total_line_amount, body.currency)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          <FailureAlert failure={submission.failure} shown={[]} />
          <div className="flex flex-wrap justify-end gap-2">
            <Button
              type="button"
              variant="secondary"
              onClick={() => setStep('edit')}
              disabled={action.isPending || action.hasSucceeded}
            >
              Edit
            </Button>
            <Button type="button" onClick={create} pending={action.isPending || action.hasSucceeded}>
              Create payment link
            </Button>
          </div>
        </CardBody>
      </Card>
    );
  }

  return (
    <form
      className="grid gap-4"
      aria-label="Create a payment link"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setChecked(true);
        if (Object.keys(built.errors).some(isShippingField)) setShippingOpen(true);
        if (built.body) setStep('review');
      }}
    >
      <FailureAlert failure={submission.failure} shown={shownFields} />
      {!anyEligible && (
        <Alert tone="warning" title="No merchant can take payments yet">
          Only operational merchants with their payment product enabled can. Onboard one or sync the accounts Klarna
          already has, under Merchants.
        </Alert>
      )}
      <Card>
        <CardHeader title="Payment" description="Who is paid, and how much the shopper pays." />
        <CardBody className="grid items-start gap-4 sm:grid-cols-2">
          <Field
            className="sm:col-span-2"
            label="Merchant"
            errors={errors.accountId}
            hint="Type the start of its name. Merchants that cannot take payments now are listed with the reason and cannot be chosen."
          >
            {(c) => (
              <MerchantCombobox
                {...c}
                selected={merchant}
                blockedDisabled
                placeholder="Choose a merchant: type the start of its name…"
                onChange={(m) => {
                  setMerchant(m);
                  set('accountId')(m?.accountId ?? '');
                }}
              />
            )}
          </Field>
          <Field
            label="Amount"
            errors={errors.payment_amount}
            hint={`In ${values.currency || 'the currency'}, e.g. 25.00. 0 for a zero-amount purchase.${amount.ok ? ` Sent as ${amount.value} minor units.` : ''}`}
          >
            {(c) => (
              <Input
                {...c}
                name="payment_amount"
                inputMode="decimal"
                autoComplete="off"
                value={values.amount}
                onChange={(e) => set('amount')(e.target.value)}
              />
            )}
          </Field>
          <Field label="Currency" errors={errors.currency}>
            {(c) => (
              <Select {...c} name="currency" value={values.currency} onChange={(e) => set('currency')(e.target.value)}>
                {currencies.map((code) => (
                  <option key={code} value={code}>
                    {code}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="References"
          description="Klarna shows the merchant reference to the shopper and puts both in the settlement report."
        />
        <CardBody className="grid items-start gap-4 sm:grid-cols-3">
          <Field label="Payment reference" errors={errors.payment_reference} hint="Your reference for this payment">
            {(c) => (
              <Input
                {...c}
                name="payment_reference"
                maxLength={255}
                autoComplete="off"
                value={values.paymentReference}
                onChange={(e) => set('paymentReference')(e.target.value)}
              />
            )}
          </Field>
          <Field label="Merchant reference" errors={errors.merchant_reference} hint="The merchant’s order number">
            {(c) => (
              <Input
                {...c}
                name="merchant_reference"
                maxLength={255}
                autoComplete="off"
                value={values.merchantReference}
                onChange={(e) => set('merchantReference')(e.target.value)}
              />
            )}
          </Field>
          <Field
            label="Purchase country"
            errors={errors.purchase_country}
            hint="Two letters, e.g. US. Empty: the currency’s home market."
          >
            {(c) => (
              <Input
                {...c}
                name="purchase_country"
                maxLength={2}
                autoComplete="off"
                value={values.purchaseCountry}
                onChange={(e) => set('purchaseCountry')(e.target.value)}
              />
            )}
          </Field>
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Line items (optional)"
          description="What the shopper buys. With line items, the amount must equal their total."
        />
        <CardBody className="grid gap-3">
          {values.lines.map((line, i) => {
            const at = `line_items[${i}]`;
            const lineSum = lineTotal(line, values.currency);
            return (
              <fieldset
                key={i}
                className="grid items-start gap-3 rounded-md border p-3 sm:grid-cols-[2fr_1fr_1fr_1.3fr_auto]"
              >
                <legend className="px-1 text-sm font-medium">Line {i + 1}</legend>
                <Field label="Name" errors={errors[`${at}.name`]}>
                  {(c) => (
                    <Input
                      {...c}
                      name={`${at}.name`}
                      maxLength={255}
                      autoComplete="off"
                      value={line.name}
                      onChange={(e) => setLine(i, { name: e.target.value })}
                    />
                  )}
                </Field>
                <Field label="Quantity" errors={errors[`${at}.quantity`]}>
                  {(c) => (
                    <Input
                      {...c}
                      name={`${at}.quantity`}
                      inputMode="numeric"
                      autoComplete="off"
                      value={line.quantity}
                      onChange={(e) => setLine(i, { quantity: e.target.value })}
                    />
                  )}
                </Field>
                <Field
                  label="Unit price"
                  errors={errors[`${at}.unit_price`]}
                  hint={lineSum === null ? undefined : `Line total ${formatMinorUnits(lineSum, values.currency)}`}
                >
                  {(c) => (
                    <Input
                      {...c}
                      name={`${at}.unit_price`}
                      inputMode="decimal"
                      autoComplete="off"
                      value={line.unitPrice}
                      onChange={(e) => setLine(i, { unitPrice: e.target.value })}
                    />
                  )}
                </Field>
                <Field label="Type" errors={errors[`${at}.type`]}>
                  {(c) => (
                    <Select
                      {...c}
                      name={`${at}.type`}
                      value={line.type}
                      onChange={(e) => setLine(i, { type: e.target.value as LineItemType })}
                    >
                      {lineItemTypes.map((t) => (
                        <option key={t} value={t}>
                          {lineTypeLabels[t]}
                        </option>
                      ))}
                    </Select>
                  )}
                </Field>
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  className="sm:mt-6"
                  aria-label={`Remove line ${i + 1}`}
                  onClick={() => setValues((v) => ({ ...v, lines: v.lines.filter((_, j) => j !== i) }))}
                >
                  <X aria-hidden />
                </Button>
              </fieldset>
            );
          })}
          <div className="flex flex-wrap items-center justify-between gap-3">
            <Button
              type="button"
              variant="secondary"
              size="sm"
              onClick={() => setValues((v) => ({ ...v, lines: [...v.lines, emptyLine()] }))}
            >
              <Plus aria-hidden /> Add line item
            </Button>
            {values.lines.length > 0 && (
              <p className="text-sm" data-testid="lines-total" aria-live="polite">
                Line items total:{' '}
                <strong className="tabular-nums">
                  {total === null ? '—' : formatMinorUnits(total, values.currency)}
                </strong>
                {total !== null && amount.ok && (
                  <span className={total === amount.value ? 'ml-2 text-success' : 'ml-2 text-danger'}>
                    {total === amount.value
                      ? 'equals the amount'
                      : `differs from the amount (${formatMinorUnits(amount.value, values.currency)})`}
                  </span>
                )}
              </p>
            )}
          </div>
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Customer (optional)"
          description="Prefilled in Klarna’s purchase flow. In Klarna’s test environments an email containing +denied@ is declined (seed test case 8)."
        />
        <CardBody className="grid items-start gap-4 sm:grid-cols-3">
          <Field label="Customer email" errors={errors['customer.email']}>
            {(c) => (
              <Input
                {...c}
                name="customer.email"
                type="email"
                autoComplete="off"
                value={values.customerEmail}
                onChange={(e) => set('customerEmail')(e.target.value)}
              />
            )}
          </Field>
          <Field label="Given name" errors={errors['customer.given_name']}>
            {(c) => (
              <Input
                {...c}
                name="customer.given_name"
                maxLength={100}
                autoComplete="off"
                value={values.customerGivenName}
                onChange={(e) => set('customerGivenName')(e.target.value)}
              />
            )}
          </Field>
          <Field label="Family name" errors={errors['customer.family_name']}>
            {(c) => (
              <Input
                {...c}
                name="customer.family_name"
                maxLength={100}
                autoComplete="off"
                value={values.customerFamilyName}
                onChange={(e) => set('customerFamilyName')(e.target.value)}
              />
            )}
          </Field>
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title={
            <button
              type="button"
              className="inline-flex items-center gap-2 rounded-sm text-left"
              aria-expanded={shippingOpen}
              aria-controls={shippingId}
              onClick={() => setShippingOpen((o) => !o)}
            >
              <ChevronDown
                aria-hidden
                className={cn('size-4 shrink-0 transition-transform', shippingOpen ? 'rotate-0' : '-rotate-90')}
              />
              Ship to a different person or address
            </button>
          }
          description={
            shippingOpen || shippingIsEmpty(values.shipping)
              ? 'Optional. Only when the goods go to someone or somewhere other than the customer; left empty, Klarna gets no shipping details.'
              : 'Filled in: sent with the link. Open to change or clear it.'
          }
        />
        <CardBody id={shippingId} hidden={!shippingOpen} className="grid gap-4">
          <fieldset className="grid items-start gap-3 rounded-md border p-3 sm:grid-cols-2">
            <legend className="px-1 text-sm font-medium">Shipping recipient</legend>
            {errors['shipping.recipient'] && (
              <p className="text-xs text-danger sm:col-span-2">{errors['shipping.recipient'].join(' ')}</p>
            )}
            <Field label="Recipient given name" errors={errors['shipping.recipient.given_name']}>
              {(c) => (
                <Input
                  {...c}
                  name="shipping.recipient.given_name"
                  maxLength={100}
                  autoComplete="off"
                  value={values.shipping.givenName}
                  onChange={(e) => setShipping('givenName')(e.target.value)}
                />
              )}
            </Field>
            <Field label="Recipient family name" errors={errors['shipping.recipient.family_name']}>
              {(c) => (
                <Input
                  {...c}
                  name="shipping.recipient.family_name"
                  maxLength={100}
                  autoComplete="off"
                  value={values.shipping.familyName}
                  onChange={(e) => setShipping('familyName')(e.target.value)}
                />
              )}
            </Field>
            <Field label="Recipient email" errors={errors['shipping.recipient.email']}>
              {(c) => (
                <Input
                  {...c}
                  name="shipping.recipient.email"
                  type="email"
                  maxLength={254}
                  autoComplete="off"
                  value={values.shipping.email}
                  onChange={(e) => setShipping('email')(e.target.value)}
                />
              )}
            </Field>
            <Field
              label="Recipient phone"
              errors={errors['shipping.recipient.phone']}
              hint="International format, e.g. +18445527621"
            >
              {(c) => (
                <Input
                  {...c}
                  name="shipping.recipient.phone"
                  type="tel"
                  maxLength={30}
                  autoComplete="off"
                  value={values.shipping.phone}
                  onChange={(e) => setShipping('phone')(e.target.value)}
                />
              )}
            </Field>
          </fieldset>
          <fieldset className="grid items-start gap-3 rounded-md border p-3 sm:grid-cols-2">
            <legend className="px-1 text-sm font-medium">Shipping address</legend>
            <p className="text-xs text-muted-foreground sm:col-span-2">
              Leave it all empty to ship to the customer’s address; once filled, street, postal code, city and country
              are required.
            </p>
            {errors['shipping.address'] && (
              <p className="text-xs text-danger sm:col-span-2">{errors['shipping.address'].join(' ')}</p>
            )}
            <Field className="sm:col-span-2" label="Street address" errors={errors['shipping.address.street_address']}>
              {(c) => (
                <Input
                  {...c}
                  name="shipping.address.street_address"
                  maxLength={200}
                  autoComplete="off"
                  value={values.shipping.streetAddress}
                  onChange={(e) => setShipping('streetAddress')(e.target.value)}
                />
              )}
            </Field>
            <Field
              className="sm:col-span-2"
              label="Street address line 2 (optional)"
              errors={errors['shipping.address.street_address2']}
            >
              {(c) => (
                <Input
                  {...c}
                  name="shipping.address.street_address2"
                  maxLength={200}
                  autoComplete="off"
                  value={values.shipping.streetAddress2}
                  onChange={(e) => setShipping('streetAddress2')(e.target.value)}
                />
              )}
            </Field>
            <Field label="Postal code" errors={errors['shipping.address.postal_code']}>
              {(c) => (
                <Input
                  {...c}
                  name="shipping.address.postal_code"
                  maxLength={20}
                  autoComplete="off"
                  value={values.shipping.postalCode}
                  onChange={(e) => setShipping('postalCode')(e.target.value)}
                />
              )}
            </Field>
            <Field label="City" errors={errors['shipping.address.city']}>
              {(c) => (
                <Input
                  {...c}
                  name="shipping.address.city"
                  maxLength={100}
                  autoComplete="off"
                  value={values.shipping.city}
                  onChange={(e) => setShipping('city')(e.target.value)}
                />
              )}
            </Field>
            <Field
              label="Region (optional)"
              errors={errors['shipping.address.region']}
              hint="State or province, e.g. CA"
            >
              {(c) => (
                <Input
                  {...c}
                  name="shipping.address.region"
                  maxLength={100}
                  autoComplete="off"
                  value={values.shipping.region}
                  onChange={(e) => setShipping('region')(e.target.value)}
                />
              )}
            </Field>
            <Field label="Country" errors={errors['shipping.address.country']} hint="Two letters, e.g. US">
              {(c) => (
                <Input
                  {...c}
                  name="shipping.address.country"
                  maxLength={2}
                  autoComplete="off"
                  value={values.shipping.country}
                  onChange={(e) => setShipping('country')(e.target.value)}
                />
              )}
            </Field>
          </fieldset>
          <div className="grid items-start gap-3 sm:grid-cols-2">
            <Field
              label="Shipping method (optional)"
              errors={errors['shipping.shipping_method']}
              hint="As the merchant names it, e.g. Express"
            >
              {(c) => (
                <Input
                  {...c}
                  name="shipping.shipping_method"
                  maxLength={100}
                  autoComplete="off"
                  value={values.shipping.method}
                  onChange={(e) => setShipping('method')(e.target.value)}
                />
              )}
            </Field>
          </div>
          {errors.shipping && <p className="text-xs text-danger">{errors.shipping.join(' ')}</p>}
          {!shippingIsEmpty(values.shipping) && (
            <div>
              <Button
                type="button"
                variant="secondary"
                size="sm"
                onClick={() => setValues((v) => ({ ...v, shipping: emptyShipping() }))}
              >
                Clear shipping details
              </Button>
            </div>
          )}
        </CardBody>
      </Card>

      {checked && !built.body && (
        <Alert tone="danger" className="justify-self-start">
          Some values need fixing before the link can be reviewed.
        </Alert>
      )}
      <div className="flex justify-end">
        <Button type="submit">Review</Button>
      </div>
    </form>
  );
}

type WireShipping = {
  recipient?: { given_name?: string; family_name?: string; email?: string; phone?: string };
  address?: {
    street_address?: string;
    street_address2?: string;
    postal_code?: string;
    city?: string;
    region?: string;
    country?: string;
  };
  shipping_method?: string;
};

/** The review's shipping rows: exactly the `shipping` Klarna gets, or that none is sent. */
function shippingRows(shipping: WireShipping | undefined): [string, React.ReactNode][] {
  if (!shipping) return [['Shipping', 'None sent: Klarna ships to the customer']];
  const r = shipping.recipient;
  const a = shipping.address;
  return [
    [
      'Ship to',
      r
        ? [[r.given_name, r.family_name].filter(Boolean).join(' '), r.email, r.phone].filter(Boolean).join(' · ')
        : 'The customer',
    ],
    [
      'Shipping address',
      a
        ? [
            a.street_address,
            a.street_address2,
            [a.postal_code, a.city].filter(Boolean).join(' '),
            [a.region, a.country].filter(Boolean).join(', '),
          ]
            .filter(Boolean)
            .join(', ')
        : 'The customer’s',
    ],
    ...(shipping.shipping_method ? [['Shipping method', shipping.shipping_method] as [string, React.ReactNode]] : []),
  ];
}
