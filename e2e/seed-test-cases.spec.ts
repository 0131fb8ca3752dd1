import { devices, type Browser, type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { ensureKlarnaConnected, sandboxApi } from './klarna-setup';
import {
  createApprovedPayment,
  createReviewedLink,
  fillPaymentLinkForm,
  onboardOperationalMerchant,
  payAsShopper,
} from './payments-setup';

/**
 * The seed's end-to-end test cases (seed 002 l. 3340–3515) that walk through the dashboard and
 * the sandbox's shopper page, titled by their number: E2E test case 6 (complete and cancel) and
 * 10 (desktop, mobile and app views). Cases 1–5 and 7 are in payments-operations.spec.ts, 8 and
 * 9 in payments-links.spec.ts. Decisions: docs/klarna-decisions.md.
 */

const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const transactionPath = (accountId: string, id: string) =>
  `/v2/accounts/${encodeURIComponent(accountId)}/payment/transactions/${encodeURIComponent(id)}`;

async function openPayment(page: Page, id: string): Promise<void> {
  await expect(async () => {
    await page.goto(`/payments/${encodeURIComponent(id)}`);
    await expect(page.getByTestId('transaction-id')).toHaveText(id, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
}

const actions = (page: Page) => page.getByRole('region', { name: 'Payment actions' });

/** An Android app's in-app WebView (the `wv` token), where Klarna's flow is a redirect (seed l. 1811). */
const androidWebView = {
  ...devices['Pixel 7'],
  userAgent:
    'Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36',
};

/** Full-page screenshots at the widths we check layouts at (1366 and 390 px), kept with the test's output. */
async function screenshots(page: Page, name: string): Promise<void> {
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: test.info().outputPath(`${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

/** The page fits its viewport: nothing wider than the screen. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
  ).toBeLessThanOrEqual(0);
}

test.describe('the seed’s end-to-end test cases', () => {
  test.beforeEach(async ({ pageAs, request, baseURL }) => {
    await ensureKlarnaConnected(await pageAs('admin'), request, baseURL);
  });

  test('E2E test case 6: complete a payment with one item and cancel it; Canceled here and nothing captured at Klarna', async ({
    pageAs,
    request,
    baseURL,
  }) => {
    test.setTimeout(150_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Cancel Case'));
    const operator = await pageAs('operator');
    // 1. Complete a payment transaction with one item (as test case 1).
    const { paymentTransactionId } = await createApprovedPayment(operator, {
      merchantName: merchant.name,
      amount: '45.00',
      lines: [{ name: 'Desk lamp', quantity: 1, unitPrice: '45.00' }],
    });
    const id = paymentTransactionId!;
    await openPayment(operator, id);
    await expect(operator.getByTestId('payment-state')).toHaveText('Authorized');

    // 2. Cancel the payment: release the whole authorization; the confirmation restates it.
    await actions(operator).getByRole('button', { name: 'Release remaining…' }).click();
    const release = operator.getByRole('dialog', { name: 'Release the remaining authorization?' });
    await expect(release).toContainText('Release 45.00 USD still authorized');
    await release.getByRole('button', { name: 'Release 45.00 USD' }).click();
    await expect(release).toBeHidden();

    // Canceled in the dashboard, on the payment and in the list; nothing more can be done.
    await expect(operator.getByTestId('payment-state')).toHaveText('Canceled');
    await expect(operator.getByTestId('amount-captured')).toHaveText('0.00 USD');
    await expect(operator.getByTestId('amount-remaining')).toHaveText('0.00 USD');
    for (const name of ['Capture…', 'Refund…', 'Release remaining…'])
      await expect(actions(operator).getByRole('button', { name })).toBeDisabled();
    await screenshots(operator, 'payment-canceled');
    await operator.goto(`/payments?q=${encodeURIComponent(id)}`);
    await expect(
      operator.getByRole('table', { name: 'Payment transactions' }).getByRole('row').filter({ hasText: merchant.name }),
    ).toContainText('Canceled');

    // At Klarna: closed with the whole authorization released and nothing captured.
    const api = await sandboxApi(request, baseURL);
    const { body } = await api.get(transactionPath(merchant.accountId, id));
    expect([body.state, body.captured_amount, body.released_amount, body.remaining_authorized_amount]).toEqual([
      'CLOSED',
      0,
      4500,
      0,
    ]);
  });

  /** Test case 10's one payment: a link made on the desktop dashboard, paid in the shopper's `device`. */
  async function payOneItem(
    operator: Page,
    browser: Browser,
    merchantName: string,
    device: Parameters<Browser['newContext']>[0],
    label: string,
  ) {
    const reference = await fillPaymentLinkForm(operator, {
      merchantName,
      amount: '25.00',
      lines: [{ name: `Phone case (${label})`, quantity: 1, unitPrice: '25.00' }],
    });
    const { distributionUrl, linkUrl } = await createReviewedLink(operator);
    const context = await browser.newContext(device);
    try {
      const shopper = await context.newPage();
      await shopper.goto(distributionUrl);
      await expect(shopper.getByRole('heading', { name: 'Pay with Klarna' })).toBeVisible();
      await expect(shopper.getByTestId('amount')).toHaveText('$25.00');
      await expectNoSidewaysScroll(shopper);
      await payAsShopper(shopper, distributionUrl);
      // The confirmation page loads on this device.
      await expect(shopper.getByRole('heading', { level: 1 })).toHaveText('Thank you – your payment is confirmed');
      await expect(shopper.getByTestId('confirmed-amount')).toHaveText('25.00 USD');
      await expect(shopper.getByTestId('confirmed-reference')).toHaveText(reference);
      await expectNoSidewaysScroll(shopper);
    } finally {
      await context.close();
    }
    await operator.goto(linkUrl);
    await expect(operator.getByTestId('link-state')).toHaveAttribute('data-state', 'AUTHORIZED');
    // The timeline names the amount in major units with its currency.
    await expect(
      operator.getByRole('table', { name: 'Timeline' }).getByRole('row').filter({ hasText: 'Dashboard' }),
    ).toContainText('Payment link created for 25.00 USD');
    if (label === 'desktop') await screenshots(operator, 'payment-link');
    return (await operator.getByTestId('payment-transaction-id').textContent())!.trim();
  }

  test('E2E test case 10: the purchase flow completes in desktop, mobile and app views', async ({
    pageAs,
    request,
    baseURL,
    browser,
  }) => {
    test.setTimeout(240_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Views Case'));
    const operator = await pageAs('operator');
    const api = await sandboxApi(request, baseURL);
    const views = [
      ['desktop', { ...devices['Desktop Chrome'] }],
      ['mobile', { ...devices['Pixel 7'] }],
      // The app view: an in-app WebView without JavaScript; the sandbox's page is plain forms and a redirect.
      ['app', { ...androidWebView, javaScriptEnabled: false }],
    ] as const;
    for (const [label, device] of views) {
      const id = await payOneItem(operator, browser, merchant.name, device, label);
      // The transaction details at Klarna match what the shopper approved.
      const { body } = await api.get(transactionPath(merchant.accountId, id));
      expect([
        label,
        body.state,
        body.authorized_amount,
        body.currency,
        body.line_items.map((l: { name: string }) => l.name),
      ]).toEqual([label, 'AUTHORIZED', 2500, 'USD', [`Phone case (${label})`]]);
      await openPayment(operator, id);
      await expect(operator.getByTestId('payment-state')).toHaveText('Authorized');
      await expect(operator.getByTestId('amount-authorized')).toHaveText('25.00 USD');
    }
  });

  test('Klarna’s refusal is shown as Klarna’s words beside ours, with its minor units said so', async ({
    pageAs,
    request,
    baseURL,
  }) => {
    test.setTimeout(150_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Refusal Case'));
    const operator = await pageAs('operator');
    const { paymentTransactionId } = await createApprovedPayment(operator, {
      merchantName: merchant.name,
      amount: '100.00',
      lines: [{ name: 'Kettle', quantity: 1, unitPrice: '100.00' }],
    });
    const id = paymentTransactionId!;
    await openPayment(operator, id);
    await actions(operator).getByRole('button', { name: 'Capture…' }).click();
    const dialog = operator.getByRole('dialog', { name: 'Capture payment' });
    await dialog.getByRole('button', { name: 'Review capture' }).click();
    // Meanwhile another of the partner's systems captures part of it at Klarna.
    const api = await sandboxApi(request, baseURL);
    expect((await api.post(`${transactionPath(merchant.accountId, id)}/captures`, { amount: 4000 })).status).toBe(201);
    await dialog.getByRole('button', { name: 'Capture 100.00 USD' }).click();
    const alert = dialog.getByRole('alert');
    await expect(alert).toContainText('Klarna refused this because it conflicts with the current state');
    await expect(alert).toContainText(
      "Klarna's words (Klarna writes amounts in minor units: 1500 is 15.00): “Cannot capture 10000: only 6000 USD remains authorized",
    );
    await expect(alert).toContainText('Klarna error id:');
  });
});
