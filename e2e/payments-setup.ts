import { request as playwrightRequest, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { expect, storageStatePath } from './fixtures';
import { sandboxApi } from './klarna-setup';
import { chooseMerchant } from './merchant-picker';
import { e2eServers } from './servers';

/**
 * Payments set-up for the specs (issue 5): a merchant that can take payments, and a payment
 * made the way a shopper makes it here: an operator creates a payment link in the dashboard,
 * the shopper approves (or is denied) on the sandbox's Klarna page, Klarna sends them back to
 * the dashboard's public return page, which confirms the payment.
 */

export type PaymentLinkOptions = {
  merchantName: string;
  /** Major units as typed in the form: "25.00", "0". */
  amount: string;
  currency?: string;
  /** Unit prices in major units; a negative one becomes a discount line (or a gift card / store credit line when its name says so). */
  lines?: { name: string; quantity: number; unitPrice: string }[];
  paymentReference?: string;
  merchantReference?: string;
  /** Two letters, e.g. US. */
  purchaseCountry?: string;
  customerEmail?: string;
  customerGivenName?: string;
  customerFamilyName?: string;
  /** Filled in the form's "Ship to a different person or address" section, in Klarna's wire shape (what the transaction then carries). */
  shipping?: ShippingOption;
};

export type ShippingOption = {
  recipient?: { given_name?: string; family_name?: string; email?: string; phone?: string };
  address?: {
    street_address: string;
    street_address2?: string;
    postal_code: string;
    city: string;
    region?: string;
    country: string;
  };
  shipping_method?: string;
};

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

function lineType(line: { name: string; unitPrice: string }): string {
  if (!line.unitPrice.trim().startsWith('-')) return 'physical';
  if (/gift\s*card/i.test(line.name)) return 'gift_card';
  if (/store\s*credit/i.test(line.name)) return 'store_credit';
  return 'discount';
}

async function fillShipping(form: Locator, shipping: ShippingOption): Promise<void> {
  const toggle = form.getByRole('button', { name: 'Ship to a different person or address' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const recipient = form.getByRole('group', { name: 'Shipping recipient' });
  const fields: [Locator, string, string | undefined][] = [
    [recipient, 'Recipient given name', shipping.recipient?.given_name],
    [recipient, 'Recipient family name', shipping.recipient?.family_name],
    [recipient, 'Recipient email', shipping.recipient?.email],
    [recipient, 'Recipient phone', shipping.recipient?.phone],
  ];
  const address = form.getByRole('group', { name: 'Shipping address' });
  fields.push(
    [address, 'Street address', shipping.address?.street_address],
    [address, 'Street address line 2 (optional)', shipping.address?.street_address2],
    [address, 'Postal code', shipping.address?.postal_code],
    [address, 'City', shipping.address?.city],
    [address, 'Region (optional)', shipping.address?.region],
    [address, 'Country', shipping.address?.country],
    [form, 'Shipping method (optional)', shipping.shipping_method],
  );
  for (const [scope, label, value] of fields) if (value) await scope.getByLabel(label, { exact: true }).fill(value);
}

/** Fills /payments/links/new and goes to the review (stops there). Returns the payment reference used. */
export async function fillPaymentLinkForm(operator: Page, options: PaymentLinkOptions): Promise<string> {
  const reference = options.paymentReference ?? unique('e2e-pay');
  await operator.goto('/payments/links/new');
  await expect(operator.getByRole('heading', { name: 'Create a payment link', level: 1 })).toBeVisible();
  const form = operator.getByRole('form', { name: 'Create a payment link' });
  await chooseMerchant(form, options.merchantName);
  await form.getByLabel('Currency').selectOption(options.currency ?? 'USD');
  await form.getByLabel('Amount', { exact: true }).fill(options.amount);
  await form.getByLabel('Payment reference').fill(reference);
  if (options.merchantReference) await form.getByLabel('Merchant reference').fill(options.merchantReference);
  if (options.purchaseCountry) await form.getByLabel('Purchase country').fill(options.purchaseCountry);
  for (const [i, line] of (options.lines ?? []).entries()) {
    await form.getByRole('button', { name: 'Add line item' }).click();
    const group = form.getByRole('group', { name: `Line ${i + 1}` });
    await group.getByLabel('Name', { exact: true }).fill(line.name);
    await group.getByLabel('Quantity').fill(String(line.quantity));
    await group.getByLabel('Unit price').fill(line.unitPrice);
    await group.getByLabel('Type').selectOption(lineType(line));
  }
  if (options.customerEmail) await form.getByLabel('Customer email').fill(options.customerEmail);
  if (options.customerGivenName) await form.getByLabel('Given name', { exact: true }).fill(options.customerGivenName);
  if (options.customerFamilyName)
    await form.getByLabel('Family name', { exact: true }).fill(options.customerFamilyName);
  if (options.shipping) await fillShipping(form, options.shipping);
  await form.getByRole('button', { name: 'Review' }).click();
  await expect(operator.getByRole('heading', { name: 'Review the payment link' })).toBeVisible();
  if (options.shipping?.recipient?.family_name)
    await expect(
      operator.getByRole('definition').filter({ hasText: options.shipping.recipient.family_name }),
    ).toBeVisible();
  if (options.shipping?.address)
    await expect(
      operator.getByRole('definition').filter({ hasText: options.shipping.address.street_address }),
    ).toBeVisible();
  return reference;
}

/** From the review: creates the link and waits for its page. */
export async function createReviewedLink(
  operator: Page,
  click: 'click' | 'dblclick' = 'click',
): Promise<{ paymentRequestId: string; distributionUrl: string; linkUrl: string }> {
  await operator.getByRole('button', { name: 'Create payment link' })[click]();
  await operator.waitForURL(/\/payments\/links\/krn/, { timeout: 20_000 });
  const paymentRequestId = (await operator.getByTestId('payment-request-id').textContent())!.trim();
  const distributionUrl = (await operator.getByTestId('distribution-url').textContent())!.trim();
  return { paymentRequestId, distributionUrl, linkUrl: operator.url() };
}

/**
 * The shopper's part on the sandbox's Klarna page: Approve (or Deny), then Klarna's redirect to
 * the dashboard's /pay/return. Resolves once the return page has answered.
 */
export async function payAsShopper(shopper: Page, distributionUrl: string, approve = true): Promise<void> {
  await shopper.goto(distributionUrl);
  await expect(shopper.getByRole('heading', { name: 'Pay with Klarna' })).toBeVisible();
  await shopper.getByRole('button', { name: approve ? 'Approve' : 'Deny', exact: true }).click();
  await shopper.waitForURL(/\/pay\/return\?/, { timeout: 20_000 });
  await expect(shopper.getByRole('heading', { level: 1 })).toBeVisible();
}

/**
 * Creates a payment link through the UI as `operator` (with `shipping`, through the form's
 * "Ship to a different person or address" section), pays it as the shopper in the same page
 * (Approve, or Deny with `approve: false`; a `+denied@` customer email is declined either way),
 * follows Klarna's redirect to /pay/return, and returns to the link page. The transaction id is
 * read from the link page once the payment is confirmed; null when the shopper was declined.
 */
export async function createApprovedPayment(
  operator: Page,
  options: PaymentLinkOptions & { approve?: boolean },
): Promise<{ paymentRequestId: string; paymentTransactionId: string | null; linkUrl: string }> {
  await fillPaymentLinkForm(operator, options);
  const { paymentRequestId, distributionUrl, linkUrl } = await createReviewedLink(operator);
  const approve = options.approve !== false;
  await payAsShopper(operator, distributionUrl, approve);
  const declined = !approve || Boolean(options.customerEmail?.includes('+denied@'));
  await expect(operator.getByRole('heading', { level: 1 })).toHaveText(
    declined ? 'Klarna could not approve this purchase' : 'Thank you – your payment is confirmed',
  );

  await operator.goto(linkUrl);
  const state = operator.getByTestId('link-state');
  if (declined) {
    // Klarna's webhook brings DECLINED to the dashboard (the return page confirms nothing).
    await expect(state).toHaveAttribute('data-state', 'DECLINED', { timeout: 30_000 });
    return { paymentRequestId, paymentTransactionId: null, linkUrl };
  }
  await expect(state).toHaveAttribute('data-state', 'AUTHORIZED');
  const paymentTransactionId = (await operator.getByTestId('payment-transaction-id').textContent())!.trim();
  return { paymentRequestId, paymentTransactionId, linkUrl };
}

/**
 * Onboards a merchant named `name` directly at the sandbox (as another of the partner's systems
 * would), waits until Klarna has made it OPERATIONAL, then until the dashboard knows it and
 * offers it for payment links: it opens the merchant's page as the operator (which reads the
 * account from Klarna into the dashboard's copy). Give each spec its own `name`.
 */
export async function onboardOperationalMerchant(
  request: APIRequestContext,
  baseURL: string | undefined,
  name: string,
): Promise<{ accountId: string; name: string; reference: string }> {
  const api = await sandboxApi(request, baseURL);
  const reference = unique('M');
  const { status, body } = await api.post('/v1/distribution/onboard', {
    account_reference: reference,
    account_name: name,
    account_owner: { given_name: 'John', family_name: 'Doe', email: 'john.doe@example.com', phone: '+18445527621' },
    products: [{ type: 'PAYMENT', merchant_category_code: '5691' }],
    channel: { websites: [{ urls: [`https://${reference.toLowerCase()}.example`] }] },
  });
  expect(status, JSON.stringify(body)).toBe(200);
  const accountId = body.account_id as string;
  await expect
    .poll(async () => (await api.get(`/v1/accounts/${encodeURIComponent(accountId)}`)).body?.state, { timeout: 30_000 })
    .toBe('OPERATIONAL');

  const server = e2eServers.find((s) => s.port === Number(new URL(baseURL!).port));
  if (!server) throw new Error(`no e2e server on ${baseURL}`);
  const operator = await playwrightRequest.newContext({
    baseURL,
    storageState: storageStatePath(server.name, 'operator'),
  });
  try {
    await expect
      .poll(
        async () => {
          // Reading the merchant's page stores Klarna's current view of the account here.
          await operator.get(`/merchants/${encodeURIComponent(accountId)}`);
          // What the create form's merchant picker finds for the name: there and able to take payments.
          const found = await operator.get(`/api/merchants/search?q=${encodeURIComponent(name)}`);
          const { merchants } = (await found.json()) as {
            merchants: { accountId: string; blockedReason: string | null }[];
          };
          return merchants.some((m) => m.accountId === accountId && m.blockedReason === null);
        },
        { timeout: 30_000, message: `${name} offered for payment links` },
      )
      .toBe(true);
  } finally {
    await operator.dispose();
  }
  return { accountId, name, reference };
}
