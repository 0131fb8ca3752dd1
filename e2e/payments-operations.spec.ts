import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { ensureKlarnaConnected, sandboxApi } from './klarna-setup';
import { createApprovedPayment, onboardOperationalMerchant } from './payments-setup';

/**
 * The payment page (issue 5): the seed's end-to-end test cases 1–5 and 7. Each payment is
 * made the way a shopper makes it (a payment link created here, approved on the sandbox's
 * Klarna page), then operated on its page as an operator; amounts and states are checked in
 * the UI after every step and at Klarna.
 */

const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const paymentPath = (id: string) => `/payments/${encodeURIComponent(id)}`;
const transactionPath = (accountId: string, id: string) =>
  `/v2/accounts/${encodeURIComponent(accountId)}/payment/transactions/${encodeURIComponent(id)}`;

type Amounts = { authorized?: string; captured?: string; refunded?: string; remaining?: string };

/** Opens the payment's page, reloading until the dashboard knows it (a webhook may still be on its way). */
async function openPayment(page: Page, id: string): Promise<void> {
  await expect(async () => {
    await page.goto(paymentPath(id));
    await expect(page.getByTestId('transaction-id')).toHaveText(id, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
}

async function expectPayment(page: Page, state: string, amounts: Amounts): Promise<void> {
  await expect(page.getByTestId('payment-state')).toHaveText(state);
  for (const [key, value] of Object.entries(amounts)) await expect(page.getByTestId(`amount-${key}`)).toHaveText(value);
}

const actions = (page: Page) => page.getByRole('region', { name: 'Payment actions' });

/** A success toast (sonner's notifications region) saying `text`. */
const toast = (page: Page, text: string) =>
  page
    .getByRole('region', { name: /^Notifications/ })
    .getByRole('listitem')
    .filter({ hasText: text });

async function openTab(page: Page, name: string | RegExp): Promise<Locator> {
  await page.getByRole('tab', { name }).click();
  const panel = page.getByRole('tabpanel');
  await expect(panel).toBeVisible();
  return panel;
}

type Tracking = { company?: string; number?: string; url?: string };

async function fillTracking(scope: Locator, tracking: Tracking): Promise<void> {
  if (tracking.company) await scope.getByLabel('Shipping company').fill(tracking.company);
  if (tracking.number) await scope.getByLabel('Tracking number').fill(tracking.number);
  if (tracking.url) await scope.getByLabel('Tracking URL').fill(tracking.url);
}

async function pickLines(dialog: Locator, lines: Record<string, number>): Promise<void> {
  await dialog.getByRole('radio', { name: 'Line items' }).check();
  for (const [name, quantity] of Object.entries(lines))
    await dialog.getByLabel(`Quantity of ${name}`, { exact: true }).fill(String(quantity));
}

/** Capture through the dialog: by amount (default: everything remaining) or by lines; confirms the restated amount. */
async function capture(
  page: Page,
  expected: string,
  options: {
    amount?: string;
    lines?: Record<string, number>;
    allLines?: boolean;
    reference?: string;
    tracking?: Tracking;
  } = {},
): Promise<void> {
  await actions(page).getByRole('button', { name: 'Capture…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Capture payment' });
  if (options.allLines) await dialog.getByRole('radio', { name: 'Line items' }).check();
  if (options.lines) await pickLines(dialog, options.lines);
  if (options.amount) await dialog.getByLabel(/^Amount to capture/).fill(options.amount);
  if (options.reference) await dialog.getByLabel('Capture reference (optional)').fill(options.reference);
  if (options.tracking) await fillTracking(dialog, options.tracking);
  await dialog.getByRole('button', { name: 'Review capture' }).click();
  await expect(dialog).toContainText(`Capture ${expected} of payment`);
  await dialog.getByRole('button', { name: `Capture ${expected}` }).click();
  await expect(dialog).toBeHidden();
  await expect(toast(page, `Captured ${expected} at Klarna.`)).toBeVisible();
}

/** Refund through a dialog (the actions bar's, or a capture's `trigger`): by amount (default: all refundable) or by lines. */
async function refund(
  page: Page,
  expected: string,
  options: { reason: string; amount?: string; lines?: Record<string, number>; trigger?: Locator; reference?: string },
): Promise<void> {
  await (options.trigger ?? actions(page).getByRole('button', { name: 'Refund…' })).click();
  const dialog = page.getByRole('dialog', { name: 'Refund payment' });
  if (options.lines) await pickLines(dialog, options.lines);
  if (options.amount) await dialog.getByLabel(/^Amount to refund/).fill(options.amount);
  await dialog.getByLabel('Reason').fill(options.reason);
  if (options.reference) await dialog.getByLabel('Refund reference (optional)').fill(options.reference);
  await dialog.getByRole('button', { name: 'Review refund' }).click();
  await expect(dialog).toContainText(`Refund ${expected} to the shopper`);
  await expect(dialog).toContainText(options.reason);
  await dialog.getByRole('button', { name: `Refund ${expected}` }).click();
  await expect(dialog).toBeHidden();
  await expect(toast(page, `Refunded ${expected} at Klarna.`)).toBeVisible();
}

async function klarnaTransaction(
  request: Parameters<typeof sandboxApi>[0],
  baseURL: string | undefined,
  accountId: string,
  id: string,
) {
  const api = await sandboxApi(request, baseURL);
  const { status, body } = await api.get(transactionPath(accountId, id));
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
}

test.describe('payment operations', () => {
  test.beforeEach(async ({ pageAs, request, baseURL }) => {
    await ensureKlarnaConnected(await pageAs('admin'), request, baseURL);
  });

  test('E2E test case 1: complete, fully capture and fully refund a payment', async ({ pageAs, request, baseURL }) => {
    test.setTimeout(180_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Ops Runner'));
    const operator = await pageAs('operator');
    const { paymentTransactionId } = await createApprovedPayment(operator, {
      merchantName: merchant.name,
      amount: '120.00',
      lines: [{ name: 'Running shoes', quantity: 1, unitPrice: '120.00' }],
    });
    const id = paymentTransactionId!;
    await openPayment(operator, id);
    await expect(operator.getByRole('link', { name: merchant.name }).first()).toBeVisible();
    await expectPayment(operator, 'Authorized', {
      authorized: '120.00 USD',
      captured: '0.00 USD',
      refunded: '0.00 USD',
      remaining: '120.00 USD',
    });
    await expect(actions(operator).getByRole('button', { name: 'Refund…' })).toBeDisabled();
    await expect(actions(operator)).toContainText('Nothing has been captured yet, so there is nothing to refund.');

    // The product, price and quantity the shopper approved.
    let panel = await openTab(operator, 'Line items');
    await expect(
      panel.getByRole('table', { name: 'Line items' }).getByRole('row').filter({ hasText: 'Running shoes' }),
    ).toContainText('120.00 USD');
    await expect(panel.getByTestId('lines-total')).toHaveText('120.00 USD');
    panel = await openTab(operator, 'Pricing');
    await expect(panel).toContainText('Fixed fee per capture');
    await expect(panel).toContainText('%');

    // Full capture: the dialog offers everything remaining.
    await capture(operator, '120.00 USD');
    await expectPayment(operator, 'Completed', { captured: '120.00 USD', remaining: '0.00 USD', refunded: '0.00 USD' });
    await expect(actions(operator).getByRole('button', { name: 'Capture…' })).toBeDisabled();
    await expect(actions(operator)).toContainText('The payment is completed: nothing is left to capture.');

    // Full refund.
    await refund(operator, '120.00 USD', { reason: 'Shopper returned the shoes (e2e)' });
    await expectPayment(operator, 'Completed', { captured: '120.00 USD', refunded: '120.00 USD' });
    await expect(actions(operator).getByRole('button', { name: 'Refund…' })).toBeDisabled();

    // Klarna agrees, and the timeline shows both operations and Klarna's webhooks.
    const klarna = await klarnaTransaction(request, baseURL, merchant.accountId, id);
    expect([klarna.state, klarna.captured_amount, klarna.refunded_amount]).toEqual(['COMPLETED', 12000, 12000]);
    panel = await openTab(operator, 'Overview');
    const timeline = panel.getByRole('table', { name: 'Timeline' });
    await expect(
      timeline.getByRole('row').filter({ hasText: 'Dashboard' }).filter({ hasText: 'Captured (capture 1)' }),
    ).toContainText('e2e-operator@example.com');
    await expect(
      timeline.getByRole('row').filter({ hasText: 'Refunded the whole payment: Shopper returned the shoes (e2e)' }),
    ).toContainText('120.00 USD');
    await expect(
      timeline
        .getByRole('row')
        .filter({ hasText: 'Klarna webhook' })
        .filter({ hasText: 'Klarna reports a refund' })
        .first(),
    ).toBeVisible({ timeout: 30_000 });
  });

  test('E2E test case 2: two items, full capture, partial refund of one item', async ({ pageAs, request, baseURL }) => {
    test.setTimeout(180_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Ops Tees'));
    const operator = await pageAs('operator');
    const { paymentTransactionId } = await createApprovedPayment(operator, {
      merchantName: merchant.name,
      amount: '80.00',
      lines: [
        { name: 'T-shirt', quantity: 2, unitPrice: '25.00' },
        { name: 'Baseball cap', quantity: 1, unitPrice: '30.00' },
      ],
    });
    const id = paymentTransactionId!;
    await openPayment(operator, id);
    await expectPayment(operator, 'Authorized', { authorized: '80.00 USD', remaining: '80.00 USD' });

    // Full capture by line items: every line, all of it.
    await capture(operator, '80.00 USD', { allLines: true });
    await expectPayment(operator, 'Completed', { captured: '80.00 USD', remaining: '0.00 USD' });

    // Return just the cap.
    await refund(operator, '30.00 USD', { reason: 'Cap returned (e2e)', lines: { 'T-shirt': 0, 'Baseball cap': 1 } });
    await expectPayment(operator, 'Completed', { captured: '80.00 USD', refunded: '30.00 USD' });
    const panel = await openTab(operator, 'Line items');
    const rows = panel.getByRole('table', { name: 'Line items' }).getByRole('row');
    await expect(rows.filter({ hasText: 'Baseball cap' }).getByRole('cell').last()).toHaveText('1');
    await expect(rows.filter({ hasText: 'T-shirt' }).getByRole('cell').last()).toHaveText('0');
    const captures = await openTab(operator, /^Captures/);
    await expect(captures.getByRole('region', { name: 'Capture 1' })).toContainText('Refundable50.00 USD');

    const klarna = await klarnaTransaction(request, baseURL, merchant.accountId, id);
    expect([klarna.captured_amount, klarna.refunded_amount]).toEqual([8000, 3000]);
    expect(klarna.refunds[0].line_items).toEqual([
      expect.objectContaining({ name: 'Baseball cap', quantity: 1, total_line_amount: 3000 }),
    ]);
  });

  test('E2E test case 3: partial capture, capture what ships in full, partial refund of one item, release the remaining authorization', async ({
    pageAs,
    request,
    baseURL,
  }) => {
    test.setTimeout(180_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Ops Outfitters'));
    const operator = await pageAs('operator');
    // 1. At least two items.
    const { paymentTransactionId } = await createApprovedPayment(operator, {
      merchantName: merchant.name,
      amount: '200.00',
      lines: [
        { name: 'Jacket', quantity: 1, unitPrice: '150.00' },
        { name: 'Scarf', quantity: 2, unitPrice: '25.00' },
      ],
    });
    const id = paymentTransactionId!;
    await openPayment(operator, id);

    // 2. A partial capture: ship the jacket first, with tracking.
    await capture(operator, '150.00 USD', {
      lines: { Jacket: 1, Scarf: 0 },
      reference: 'shipment-1',
      tracking: { company: 'DHL', number: 'JD0001', url: 'https://dhl.example/track/JD0001' },
    });
    await expectPayment(operator, 'Authorized', {
      captured: '150.00 USD',
      remaining: '50.00 USD',
      refunded: '0.00 USD',
    });
    await expect(actions(operator).getByRole('button', { name: 'Release remaining…' })).toBeEnabled();

    // 3. Capture in full what ships next: one scarf (the other is out of stock).
    await capture(operator, '25.00 USD', { lines: { Scarf: 1 }, reference: 'shipment-2' });
    await expectPayment(operator, 'Authorized', { captured: '175.00 USD', remaining: '25.00 USD' });
    let panel = await openTab(operator, /^Captures/);
    await expect(panel.getByRole('region', { name: 'Capture 1 (shipment-1)' })).toContainText(
      'DHL · JD0001 · https://dhl.example/track/JD0001',
    );

    // 4. A partial refund: the shopper returns the scarf. Captured twice, so the refund names its
    // capture (seed): the whole payment is not offered.
    await actions(operator).getByRole('button', { name: 'Refund…' }).click();
    const dialog = operator.getByRole('dialog', { name: 'Refund payment' });
    const against = dialog.getByLabel('Refund against');
    await expect(against.getByRole('option')).toHaveText([
      'Capture 1 (shipment-1): 150.00 USD (150.00 USD refundable)',
      'Capture 2 (shipment-2): 25.00 USD (25.00 USD refundable)',
    ]);
    await expect(dialog).toContainText('Captured 2 times: Klarna refunds such a payment one capture at a time.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    panel = await openTab(operator, /^Captures/);
    const second = panel.getByRole('region', { name: 'Capture 2 (shipment-2)' });
    await refund(operator, '25.00 USD', {
      reason: 'Scarf returned (e2e)',
      lines: { Scarf: 1 },
      trigger: second.getByRole('button', { name: 'Refund capture 2' }),
    });
    await expectPayment(operator, 'Authorized', {
      captured: '175.00 USD',
      refunded: '25.00 USD',
      remaining: '25.00 USD',
    });

    // 5. Release the remaining amount: nothing is left open, and the captured amount stands.
    await actions(operator).getByRole('button', { name: 'Release remaining…' }).click();
    const release = operator.getByRole('dialog', { name: 'Release the remaining authorization?' });
    await expect(release).toContainText('Release 25.00 USD still authorized');
    await release.getByRole('button', { name: 'Release 25.00 USD' }).click();
    await expect(release).toBeHidden();
    await expect(toast(operator, 'Released 25.00 USD at Klarna.')).toBeVisible();
    await expectPayment(operator, 'Completed', {
      authorized: '200.00 USD',
      captured: '175.00 USD',
      refunded: '25.00 USD',
      remaining: '0.00 USD',
    });
    await expect(actions(operator).getByRole('button', { name: 'Release remaining…' })).toBeDisabled();
    await expect(actions(operator).getByRole('button', { name: 'Capture…' })).toBeDisabled();
    panel = await openTab(operator, /^Captures/);
    await expect(
      panel
        .getByRole('region', { name: 'Capture 2 (shipment-2)' })
        .getByRole('table', { name: 'Refunds of capture 2 (shipment-2)' }),
    ).toContainText('1 × Scarf');
    await expect(panel.getByRole('region', { name: 'Refunds of the whole payment' })).toHaveCount(0);
    panel = await openTab(operator, 'Overview');
    await expect(
      panel
        .getByRole('table', { name: 'Timeline' })
        .getByRole('row')
        .filter({ hasText: 'Released the remaining authorization' }),
    ).toContainText('25.00 USD');

    const klarna = await klarnaTransaction(request, baseURL, merchant.accountId, id);
    expect([
      klarna.state,
      klarna.captured_amount,
      klarna.refunded_amount,
      klarna.released_amount,
      klarna.remaining_authorized_amount,
    ]).toEqual(['COMPLETED', 17500, 2500, 2500, 0]);
    expect(klarna.captures.map((c: { amount: number }) => c.amount)).toEqual([15000, 2500]);
    expect(klarna.refunds[0].payment_capture_id).toBe(klarna.captures[1].payment_capture_id);
  });

  test('E2E test case 4: a discount line, full capture and full refund', async ({ pageAs, request, baseURL }) => {
    test.setTimeout(180_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Ops Knits'));
    const operator = await pageAs('operator');
    const { paymentTransactionId } = await createApprovedPayment(operator, {
      merchantName: merchant.name,
      amount: '90.00',
      lines: [
        { name: 'Sweater', quantity: 2, unitPrice: '40.00' },
        { name: 'Beanie', quantity: 1, unitPrice: '20.00' },
        { name: 'Discount SPRING10', quantity: 1, unitPrice: '-10.00' },
      ],
    });
    const id = paymentTransactionId!;
    await openPayment(operator, id);
    await expectPayment(operator, 'Authorized', { authorized: '90.00 USD' });
    const panel = await openTab(operator, 'Line items');
    const discount = panel
      .getByRole('table', { name: 'Line items' })
      .getByRole('row')
      .filter({ hasText: 'Discount SPRING10' });
    await expect(discount).toContainText('Discount');
    await expect(discount).toContainText('-10.00 USD');
    await expect(panel.getByTestId('lines-total')).toHaveText('90.00 USD');

    // Capture every line, the discount included.
    await capture(operator, '90.00 USD', { allLines: true });
    await expectPayment(operator, 'Completed', { captured: '90.00 USD', remaining: '0.00 USD' });
    await refund(operator, '90.00 USD', { reason: 'Order returned (e2e)' });
    await expectPayment(operator, 'Completed', { captured: '90.00 USD', refunded: '90.00 USD' });

    const klarna = await klarnaTransaction(request, baseURL, merchant.accountId, id);
    expect([klarna.captured_amount, klarna.refunded_amount]).toEqual([9000, 9000]);
    expect(klarna.captures[0].line_items).toContainEqual(
      expect.objectContaining({ name: 'Discount SPRING10', type: 'discount', total_line_amount: -1000 }),
    );
  });

  test('E2E test case 5: a gift card line, full capture and partial refund of a capture', async ({
    pageAs,
    request,
    baseURL,
  }) => {
    test.setTimeout(180_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Ops Boots'));
    const operator = await pageAs('operator');
    const { paymentTransactionId } = await createApprovedPayment(operator, {
      merchantName: merchant.name,
      amount: '90.00',
      lines: [
        { name: 'Boots', quantity: 1, unitPrice: '100.00' },
        { name: 'Socks', quantity: 2, unitPrice: '10.00' },
        { name: 'Gift card 1234', quantity: 1, unitPrice: '-30.00' },
      ],
    });
    const id = paymentTransactionId!;
    await openPayment(operator, id);
    let panel = await openTab(operator, 'Line items');
    await expect(
      panel.getByRole('table', { name: 'Line items' }).getByRole('row').filter({ hasText: 'Gift card 1234' }),
    ).toContainText('-30.00 USD');

    await capture(operator, '90.00 USD', { allLines: true });
    await expectPayment(operator, 'Completed', { captured: '90.00 USD', remaining: '0.00 USD' });

    // Refund one pair of socks against the capture, from the capture's own button.
    panel = await openTab(operator, /^Captures/);
    const captureCard = panel.getByRole('region', { name: 'Capture 1' });
    await expect(captureCard).toContainText('1 × Gift card 1234');
    await refund(operator, '10.00 USD', {
      reason: 'Socks returned (e2e)',
      lines: { Socks: 1 },
      trigger: captureCard.getByRole('button', { name: 'Refund capture 1' }),
      reference: 'return-socks',
    });
    await expectPayment(operator, 'Completed', { captured: '90.00 USD', refunded: '10.00 USD' });
    panel = await openTab(operator, /^Captures/);
    await expect(panel.getByRole('region', { name: 'Capture 1' })).toContainText('Refundable80.00 USD');
    await expect(panel.getByRole('table', { name: 'Refunds of capture 1' })).toContainText('return-socks');

    const klarna = await klarnaTransaction(request, baseURL, merchant.accountId, id);
    expect([klarna.captured_amount, klarna.refunded_amount]).toEqual([9000, 1000]);
    expect(klarna.refunds[0].payment_capture_id).toBe(klarna.captures[0].payment_capture_id);
  });

  test('E2E test case 7: different customer and shipping details, then tracking updated', async ({
    pageAs,
    request,
    baseURL,
  }) => {
    test.setTimeout(180_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Ops Gifts'));
    const operator = await pageAs('operator');
    const reference = unique('order').replace(' ', '-');
    // The customer buys; a gift goes to someone else at another address (the form's shipping section).
    const shipping = {
      recipient: {
        given_name: 'Jane',
        family_name: 'Recipient',
        email: 'jane.recipient@example.com',
        phone: '+14155550100',
      },
      address: {
        street_address: '1 Market St',
        street_address2: 'Suite 300',
        postal_code: '94105',
        city: 'San Francisco',
        region: 'CA',
        country: 'US',
      },
      shipping_method: 'Express',
    };
    const { paymentTransactionId } = await createApprovedPayment(operator, {
      merchantName: merchant.name,
      amount: '45.00',
      merchantReference: reference,
      purchaseCountry: 'US',
      lines: [{ name: 'Flower bouquet', quantity: 1, unitPrice: '45.00' }],
      customerGivenName: 'Test',
      customerFamilyName: 'Person-us',
      customerEmail: 'customer@email.us',
      shipping,
    });
    const id = paymentTransactionId!;

    await openPayment(operator, id);
    await expect(operator.getByRole('heading', { level: 1 })).toHaveText(`Payment ${reference}`);
    await expectPayment(operator, 'Authorized', { authorized: '45.00 USD' });
    let panel = await openTab(operator, 'Shipping');
    const customer = panel.getByRole('region', { name: 'Customer' });
    await expect(customer).toContainText('Test Person-us');
    await expect(customer).toContainText('customer@email.us');
    await expect(customer).not.toContainText('San Francisco');
    const shipTo = panel.getByRole('region', { name: 'Shipping address' });
    await expect(shipTo).toContainText('Shipped to someone or somewhere other than the customer.');
    await expect(shipTo).toContainText('Jane Recipient');
    await expect(shipTo).toContainText('jane.recipient@example.com');
    await expect(shipTo).toContainText('+14155550100');
    await expect(shipTo).toContainText('1 Market St');
    await expect(shipTo).toContainText('Suite 300');
    await expect(shipTo).toContainText('94105 San Francisco');
    await expect(shipTo).toContainText('CA, US');
    await expect(shipTo).toContainText('Express');
    await expect(shipTo).not.toContainText('Test Person-us');
    await expect(panel).toContainText('No tracking yet.');
    // Klarna has exactly what the form sent, the customer apart from the recipient.
    const authorized = await klarnaTransaction(request, baseURL, merchant.accountId, id);
    expect(authorized.shipping).toEqual(shipping);
    expect(authorized.customer).toEqual({ given_name: 'Test', family_name: 'Person-us', email: 'customer@email.us' });

    await capture(operator, '45.00 USD');
    await expectPayment(operator, 'Completed', { captured: '45.00 USD' });

    // Tracking after capture, and a new merchant reference.
    await actions(operator).getByRole('button', { name: 'Update references and tracking…' }).click();
    const dialog = operator.getByRole('dialog', { name: 'Update references and tracking' });
    await expect(dialog.getByLabel('Merchant reference')).toHaveValue(reference);
    await dialog.getByLabel('Merchant reference').fill(`${reference}-b`);
    const shipment = dialog.getByRole('group', { name: 'Shipment 1' });
    await fillTracking(shipment, { company: 'UPS', number: '1Z999AA10123456784', url: 'ups.example/track' });
    await dialog.getByRole('button', { name: 'Save at Klarna' }).click();
    // Klarna's (the server's) check lands on the field.
    await expect(shipment.getByLabel('Tracking URL')).toHaveAttribute('aria-invalid', 'true');
    await shipment.getByLabel('Tracking URL').fill('https://ups.example/track/1Z999AA10123456784');
    await dialog.getByRole('button', { name: 'Save at Klarna' }).click();
    await expect(dialog).toBeHidden();
    // The toast names what changed.
    await expect(toast(operator, 'Merchant reference and tracking updated at Klarna.')).toBeVisible();
    await expect(operator.getByRole('heading', { level: 1 })).toHaveText(`Payment ${reference}-b`);
    panel = await openTab(operator, 'Shipping');
    await expect(
      panel.getByRole('table', { name: 'Tracking' }).getByRole('row').filter({ hasText: 'Payment, shipment 1' }),
    ).toContainText('UPS');
    await expect(panel.getByRole('link', { name: 'https://ups.example/track/1Z999AA10123456784' })).toBeVisible();

    const klarna = await klarnaTransaction(request, baseURL, merchant.accountId, id);
    expect(klarna.merchant_reference).toBe(`${reference}-b`);
    expect(klarna.shipping_info).toEqual([
      {
        shipping_company: 'UPS',
        tracking_number: '1Z999AA10123456784',
        tracking_url: 'https://ups.example/track/1Z999AA10123456784',
      },
    ]);
    expect(klarna.shipping.address.city).toBe('San Francisco');
  });

  test('a capture above what remains shows Klarna’s refusal on the amount; release ends the authorization', async ({
    pageAs,
    request,
    baseURL,
  }) => {
    test.setTimeout(180_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Ops Race'));
    const first = await pageAs('operator');
    const { paymentTransactionId } = await createApprovedPayment(first, {
      merchantName: merchant.name,
      amount: '100.00',
      lines: [{ name: 'Lamp', quantity: 4, unitPrice: '25.00' }],
    });
    const id = paymentTransactionId!;
    await openPayment(first, id);

    // A second operator reviews a full capture…
    const second = await pageAs('operator');
    await openPayment(second, id);
    await actions(second).getByRole('button', { name: 'Capture…' }).click();
    const dialog = second.getByRole('dialog', { name: 'Capture payment' });
    await expect(dialog.getByLabel(/^Amount to capture/)).toHaveValue('100.00');
    await dialog.getByRole('button', { name: 'Review capture' }).click();
    await expect(dialog.getByRole('button', { name: 'Capture 100.00 USD' })).toBeVisible();

    // …while the first ships part of the order.
    await capture(first, '40.00 USD', { amount: '40' });
    await expectPayment(first, 'Authorized', { captured: '40.00 USD', remaining: '60.00 USD' });

    // Klarna refuses the second capture; its sentence and error id show, on the amount field.
    await dialog.getByRole('button', { name: 'Capture 100.00 USD' }).click();
    const amount = dialog.getByLabel(/^Amount to capture/);
    await expect(amount).toHaveAttribute('aria-invalid', 'true');
    await expect(dialog.getByText(/Cannot capture 10000: only 6000 USD remains authorized/).first()).toBeVisible();
    await expect(dialog.getByRole('alert')).toContainText('Klarna error id:');
    // The page follows Klarna's webhook by itself; then its own check stops a second try beyond what remains.
    await expect(second.getByTestId('amount-remaining')).toHaveText('60.00 USD');
    await dialog.getByRole('button', { name: 'Review capture' }).click();
    await expect(dialog.getByText('Only 60.00 USD remains to capture.')).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Release the rest: the confirmation restates it; the payment completes with nothing left.
    await actions(second).getByRole('button', { name: 'Release remaining…' }).click();
    const release = second.getByRole('dialog', { name: 'Release the remaining authorization?' });
    await expect(release).toContainText('Release 60.00 USD still authorized');
    await release.getByRole('button', { name: 'Release 60.00 USD' }).click();
    await expect(release).toBeHidden();
    await expectPayment(second, 'Completed', {
      authorized: '100.00 USD',
      captured: '40.00 USD',
      remaining: '0.00 USD',
    });
    await expect(actions(second).getByRole('button', { name: 'Capture…' })).toBeDisabled();
    await expect(actions(second).getByRole('button', { name: 'Refund…' })).toBeEnabled();
    // Seed, "Void payment transaction": no further updates once the rest is released.
    await expect(actions(second).getByRole('button', { name: 'Update references and tracking…' })).toBeDisabled();
    await expect(actions(second)).toContainText('The rest of the authorization was released (voided) on');
    await expect(actions(second)).toContainText('Klarna accepts no further updates.');

    // The first operator's page follows by itself (Klarna's webhook, live refresh).
    await expectPayment(first, 'Completed', { remaining: '0.00 USD' });
    const klarna = await klarnaTransaction(request, baseURL, merchant.accountId, id);
    expect([klarna.state, klarna.captured_amount, klarna.released_amount, typeof klarna.voided_at]).toEqual([
      'COMPLETED',
      4000,
      6000,
      'string',
    ]);
  });

  test('a capture whose answer from Klarna is lost is read back from Klarna and never made twice', async ({
    pageAs,
    request,
    baseURL,
  }, testInfo) => {
    test.setTimeout(180_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Ops Lost'));
    const operator = await pageAs('operator');
    const { paymentTransactionId } = await createApprovedPayment(operator, {
      merchantName: merchant.name,
      amount: '100.00',
      lines: [{ name: 'Lamp', quantity: 4, unitPrice: '25.00' }],
    });
    const id = paymentTransactionId!;
    await openPayment(operator, id);
    const api = await sandboxApi(request, baseURL);
    // Every attempt the dashboard's client makes (five) at `operation` on this payment meets `fault`.
    const lose = async (operation: string, fault: 'error-before' | 'error-after') =>
      expect((await api.control('/faults/rules', { operation, path_contains: id, fault, times: 5 })).status).toBe(200);
    const shoot = async (name: string) => {
      for (const width of [1366, 390]) {
        await operator.setViewportSize({ width, height: width > 1000 ? 768 : 844 });
        await operator.screenshot({ path: testInfo.outputPath(`${name}-${width}.png`), fullPage: false });
      }
      await operator.setViewportSize({ width: 1280, height: 720 });
    };

    // Klarna captures, then answers 500 to every attempt: the dialog reads the payment and says so.
    await lose('paymentTransactions.capture', 'error-after');
    await actions(operator).getByRole('button', { name: 'Capture…' }).click();
    const dialog = operator.getByRole('dialog', { name: 'Capture payment' });
    await dialog.getByLabel(/^Amount to capture/).fill('40');
    await dialog.getByRole('button', { name: 'Review capture' }).click();
    await dialog.getByRole('button', { name: 'Capture 40.00 USD' }).click();
    await expect(dialog.getByTestId('operation-outcome')).toHaveText(
      /^Klarna answered with an error \(HTTP 500 INTERNAL_ERROR, error id [^)]+\) that does not say whether it acted\. Reading the payment from Klarna shows the capture of 40\.00 USD was made\.$/,
      { timeout: 30_000 },
    );
    // Nothing to click that could capture again.
    await expect(dialog.getByRole('button', { name: /^Capture / })).toHaveCount(0);
    await shoot('capture-lost-made');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expectPayment(operator, 'Authorized', { captured: '40.00 USD', remaining: '60.00 USD' });

    // Reloaded and reopened, the dialog offers only what remains; Klarna has one capture.
    await operator.reload();
    await actions(operator).getByRole('button', { name: 'Capture…' }).click();
    await expect(dialog.getByLabel(/^Amount to capture/)).toHaveValue('60.00');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    let klarna = await klarnaTransaction(request, baseURL, merchant.accountId, id);
    expect(klarna.captures.map((c: { amount: number }) => c.amount)).toEqual([4000]);

    // Klarna fails before acting and cannot be read either: the outcome stays unknown.
    await lose('paymentTransactions.capture', 'error-before');
    await lose('paymentTransactions.get', 'error-before');
    await actions(operator).getByRole('button', { name: 'Capture…' }).click();
    await dialog.getByLabel(/^Amount to capture/).fill('20');
    await dialog.getByRole('button', { name: 'Review capture' }).click();
    await dialog.getByRole('button', { name: 'Capture 20.00 USD' }).click();
    await expect(dialog.getByRole('alert')).toContainText(
      'Reading the payment from Klarna failed too, so whether the capture of 20.00 USD was made is not known yet.',
      { timeout: 30_000 },
    );
    await shoot('capture-lost-unknown');

    // After a reload nobody can act until Klarna is read; "Check with Klarna" tells, and then the same capture goes out once.
    await operator.reload();
    const notice = operator.getByRole('status').filter({ hasText: 'An operation’s outcome is not known yet' });
    await expect(notice).toContainText(
      'Whether the capture of 20.00 USD sent by e2e-operator@example.com was made is not known yet.',
    );
    await expect(actions(operator).getByRole('button', { name: 'Capture…' })).toBeDisabled();
    await expect(actions(operator)).toContainText('Waiting until Klarna tells the outcome of an earlier operation');
    await shoot('payment-outcome-unknown');
    await notice.getByRole('button', { name: 'Check with Klarna' }).click();
    await expect(operator.getByRole('status').filter({ hasText: 'Read from Klarna' })).toContainText(
      'shows the capture of 20.00 USD was not made; you can try again.',
    );
    await expect(actions(operator).getByRole('button', { name: 'Capture…' })).toBeEnabled();
    await capture(operator, '20.00 USD', { amount: '20' });
    await expectPayment(operator, 'Authorized', { captured: '60.00 USD', remaining: '40.00 USD' });
    klarna = await klarnaTransaction(request, baseURL, merchant.accountId, id);
    expect(klarna.captures.map((c: { amount: number }) => c.amount)).toEqual([4000, 2000]);
  });

  test('an expired payment can only be reauthorized, with a new amount', async ({ pageAs, request, baseURL }) => {
    test.setTimeout(120_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Ops Expiry'));
    const api = await sandboxApi(request, baseURL);
    const created = await api.control(`/accounts/${encodeURIComponent(merchant.accountId)}/authorized-payments`, {
      currency: 'USD',
      payment_amount: 6000,
      purchase_country: 'US',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.payment_transaction.payment_transaction_id as string;
    const expired = await api.control(`/payment-transactions/${encodeURIComponent(id)}/expire`);
    expect(expired.status, JSON.stringify(expired.body)).toBe(200);

    const operator = await pageAs('operator');
    await openPayment(operator, id);
    await expectPayment(operator, 'Expired', { authorized: '60.00 USD', remaining: '60.00 USD' });
    await expect(operator.getByTestId('expires')).toContainText('can be reauthorized until');
    for (const name of ['Capture…', 'Refund…', 'Release remaining…', 'Update references and tracking…'])
      await expect(actions(operator).getByRole('button', { name })).toBeDisabled();
    await expect(actions(operator)).toContainText('only a reauthorization is possible');

    await actions(operator).getByRole('button', { name: 'Reauthorize…' }).click();
    const dialog = operator.getByRole('dialog', { name: 'Reauthorize payment' });
    await expect(dialog.getByLabel(/^New authorized amount/)).toHaveValue('60.00');
    await dialog.getByLabel(/^New authorized amount/).fill('75.50');
    await dialog.getByRole('button', { name: 'Review reauthorization' }).click();
    await expect(dialog).toContainText('Left to capture afterwards75.50 USD');
    await dialog.getByRole('button', { name: 'Reauthorize for 75.50 USD' }).click();
    await expect(dialog).toBeHidden();
    await expectPayment(operator, 'Authorized', { authorized: '75.50 USD', remaining: '75.50 USD' });
    await expect(actions(operator).getByRole('button', { name: 'Capture…' })).toBeEnabled();
    const klarna = await klarnaTransaction(request, baseURL, merchant.accountId, id);
    expect([klarna.state, klarna.authorized_amount]).toEqual(['AUTHORIZED', 7550]);
  });

  test('a viewer sees a payment and its details without any action but refreshing', async ({
    pageAs,
    request,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Ops Viewer'));
    const api = await sandboxApi(request, baseURL);
    const created = await api.control(`/accounts/${encodeURIComponent(merchant.accountId)}/authorized-payments`, {
      currency: 'USD',
      payment_amount: 2500,
      purchase_country: 'US',
      line_items: [{ name: 'Notebook', quantity: 1, unit_price: 2500, total_line_amount: 2500 }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.payment_transaction.payment_transaction_id as string;

    // Known from Klarna's webhook only: the page reads the rest from Klarna.
    const viewer = await pageAs('viewer');
    await openPayment(viewer, id);
    await expectPayment(viewer, 'Authorized', { authorized: '25.00 USD', captured: '0.00 USD' });
    for (const name of ['Capture…', 'Refund…', 'Release remaining…', 'Update references and tracking…', 'Reauthorize…'])
      await expect(viewer.getByRole('button', { name })).toHaveCount(0);
    await expect(actions(viewer)).toContainText('needs the operator role');
    const panel = await openTab(viewer, 'Line items');
    await expect(panel.getByRole('table', { name: 'Line items' })).toContainText('Notebook');
    await actions(viewer).getByRole('button', { name: 'Refresh from Klarna' }).click();
    await expect(viewer.getByText('Read from Klarna: the payment is up to date.')).toBeVisible();
  });
});
