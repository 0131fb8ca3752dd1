import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
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
 * Payment links (issue 5, "Create a payment link"): an operator creates a server-side payment
 * request for a merchant, follows its state live, cancels it; the shopper pays on the sandbox's
 * Klarna page and returns to the dashboard's public page, which confirms the payment. Seed
 * end-to-end test cases 6 (cancel before the shopper pays), 8 (denied shopper) and 9 (zero amount).
 */

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test.describe('payment links', () => {
  test.beforeEach(async ({ pageAs, request, baseURL }) => {
    await ensureKlarnaConnected(await pageAs('admin'), request, baseURL);
  });

  test('a link approved by the shopper becomes AUTHORIZED on the link page and in the list without a reload, and links to its payment', async ({
    pageAs,
    request,
    baseURL,
    browser,
  }) => {
    test.setTimeout(120_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Link Shop'));
    const operator = await pageAs('operator');
    const reference = await fillPaymentLinkForm(operator, {
      merchantName: merchant.name,
      amount: '25.00',
      lines: [
        { name: 'T-shirt', quantity: 2, unitPrice: '10.00' },
        { name: 'Socks', quantity: 1, unitPrice: '5.00' },
      ],
    });
    const review = operator.getByRole('table', { name: 'Line items to send' });
    await expect(review.getByRole('row').filter({ hasText: 'T-shirt' })).toContainText('20.00 USD');
    await expect(
      operator.getByText(
        '/pay/return?payment_request_id={klarna.payment_request.id}&token={klarna.payment_request.payment_confirmation_token}',
      ),
    ).toBeVisible();
    const { paymentRequestId, distributionUrl, linkUrl } = await createReviewedLink(operator);

    await expect(operator.getByRole('heading', { level: 1 })).toContainText('25.00 USD');
    await expect(operator.getByTestId('link-state')).toHaveAttribute('data-state', 'SUBMITTED');
    await expect(operator.getByRole('img', { name: 'QR code of the payment link for 25.00 USD' })).toBeVisible();
    await expect(operator.getByRole('table', { name: 'Line items' }).getByRole('row')).toHaveCount(3);
    await expect(
      operator
        .getByRole('table', { name: 'Timeline' })
        .getByRole('row')
        .filter({ hasText: 'Dashboard' })
        .filter({ hasText: 'Payment link created' }),
    ).toBeVisible();
    expect(distributionUrl).toContain(`/shopper/payment-requests/${paymentRequestId}`);
    expect(await seriousViolations(operator)).toEqual([]);
    // Marks this document: a reload would lose it.
    await operator.evaluate(() => ((window as unknown as { __kept: boolean }).__kept = true));
    // A colleague watches the list of links: it follows too, without a reload.
    const watcher = await pageAs('operator');
    await watcher.goto(`/payments/links?q=${encodeURIComponent(reference)}`);
    const watched = watcher
      .getByRole('table', { name: 'Payment links, newest first' })
      .getByRole('row')
      .filter({ hasText: reference });
    await expect(watched).toContainText('Submitted');
    await expect(watcher.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
    await watcher.evaluate(() => ((window as unknown as { __kept: boolean }).__kept = true));

    const shopper = await (await browser.newContext()).newPage();
    await shopper.goto(distributionUrl);
    await expect(shopper.getByTestId('amount')).toHaveText('$25.00');
    await expect(operator.getByTestId('link-state')).toHaveAttribute('data-state', 'IN_PROGRESS', { timeout: 30_000 });
    await shopper.getByRole('button', { name: 'Approve', exact: true }).click();
    await shopper.waitForURL(/\/pay\/return\?/);
    await expect(shopper.getByRole('heading', { level: 1 })).toHaveText('Thank you – your payment is confirmed');
    await expect(shopper.getByTestId('confirmed-amount')).toHaveText('25.00 USD');
    await expect(shopper.getByTestId('confirmed-reference')).toHaveText(reference);
    // The shopper's page is not the dashboard: no navigation, no ids.
    await expect(shopper.getByRole('navigation')).toHaveCount(0);
    await expect(shopper.getByText(paymentRequestId)).toHaveCount(0);
    expect(await seriousViolations(shopper)).toEqual([]);

    await expect(operator.getByTestId('link-state')).toHaveAttribute('data-state', 'AUTHORIZED', { timeout: 30_000 });
    const transactionId = (await operator.getByTestId('payment-transaction-id').textContent())!.trim();
    expect(transactionId).not.toBe('');
    await expect(operator.getByRole('link', { name: 'Open payment' })).toHaveAttribute(
      'href',
      `/payments/${encodeURIComponent(transactionId)}`,
    );
    await expect(operator.getByRole('button', { name: 'Cancel payment link…' })).toBeDisabled();
    expect(await seriousViolations(operator)).toEqual([]);
    expect(await operator.evaluate(() => (window as unknown as { __kept?: boolean }).__kept)).toBe(true);
    expect(operator.url()).toBe(linkUrl);
    await expect(watched).toContainText('Authorized', { timeout: 30_000 });
    expect(await watcher.evaluate(() => (window as unknown as { __kept?: boolean }).__kept)).toBe(true);

    // Reloading the return page confirms nothing twice and says the same.
    await shopper.reload();
    await expect(shopper.getByRole('heading', { level: 1 })).toHaveText('Thank you – your payment is confirmed');
    await expect(shopper.getByTestId('confirmed-amount')).toHaveText('25.00 USD');
    const api = await sandboxApi(request, baseURL);
    const atKlarna = await api.get(
      `/v1/accounts/${encodeURIComponent(merchant.accountId)}/payment/requests/${encodeURIComponent(paymentRequestId)}`,
    );
    expect(atKlarna.body).toMatchObject({
      state: 'AUTHORIZED',
      state_context: { payment_transaction_id: transactionId },
    });

    // The list of links shows it, newest first, with its state.
    await operator.goto(`/payments/links?q=${encodeURIComponent(reference)}`);
    const row = operator
      .getByRole('table', { name: 'Payment links, newest first' })
      .getByRole('row')
      .filter({ hasText: reference });
    await expect(row).toContainText(merchant.name);
    await expect(row).toContainText('25.00 USD');
    await expect(row).toContainText('Authorized');
  });

  test('a payment link canceled before the shopper pays', async ({ pageAs, request, baseURL, page }) => {
    test.setTimeout(120_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Cancel Shop'));
    const operator = await pageAs('operator');
    await fillPaymentLinkForm(operator, {
      merchantName: merchant.name,
      amount: '12.50',
      lines: [{ name: 'Croissant box', quantity: 1, unitPrice: '12.50' }],
    });
    const { paymentRequestId, distributionUrl } = await createReviewedLink(operator);

    await operator.getByRole('button', { name: 'Cancel payment link…' }).click();
    const dialog = operator.getByRole('dialog', { name: 'Cancel this payment link?' });
    await expect(dialog).toContainText('12.50 USD');
    await expect(dialog).toContainText(merchant.name);
    await dialog.getByRole('button', { name: 'Cancel payment link', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(operator.getByText('Payment link canceled at Klarna.')).toBeVisible();
    await expect(operator.getByTestId('link-state')).toHaveAttribute('data-state', 'CANCELED');
    await expect(operator.getByRole('button', { name: 'Cancel payment link…' })).toBeDisabled();
    await expect(operator.getByRole('img', { name: /QR code/ })).toHaveCount(0);
    // Klarna's webhook reaches the timeline without a reload.
    await expect(
      operator
        .getByRole('table', { name: 'Timeline' })
        .getByRole('row')
        .filter({ hasText: 'Klarna webhook' })
        .filter({ hasText: 'Payment request CANCELED' }),
    ).toBeVisible({ timeout: 30_000 });

    const api = await sandboxApi(request, baseURL);
    expect(
      (
        await api.get(
          `/v1/accounts/${encodeURIComponent(merchant.accountId)}/payment/requests/${encodeURIComponent(paymentRequestId)}`,
        )
      ).body.state,
    ).toBe('CANCELED');
    // The shopper's page refuses the canceled link.
    await page.goto(distributionUrl);
    await expect(page.getByRole('heading', { name: 'This payment is canceled' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  });

  test('Klarna’s refusal to cancel shows with its error id', async ({ pageAs, request, baseURL }) => {
    test.setTimeout(120_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Refusal Shop'));
    const operator = await pageAs('operator');
    await fillPaymentLinkForm(operator, { merchantName: merchant.name, amount: '9.99' });
    const { paymentRequestId } = await createReviewedLink(operator);
    // The page stops hearing about changes, then the request expires at Klarna: the page still offers Cancel.
    await operator.route('**/api/payments/links/**/version', (route) => route.abort());
    await expect(operator.getByText('Updates paused: the server cannot be reached')).toBeVisible({ timeout: 15_000 });
    const api = await sandboxApi(request, baseURL);
    expect((await api.control(`/payment-requests/${encodeURIComponent(paymentRequestId)}/expire`)).status).toBe(200);

    await operator.getByRole('button', { name: 'Cancel payment link…' }).click();
    const dialog = operator.getByRole('dialog', { name: 'Cancel this payment link?' });
    await dialog.getByRole('button', { name: 'Cancel payment link', exact: true }).click();
    await expect(dialog.getByRole('alert')).toContainText('Klarna refused this');
    await expect(dialog.getByRole('alert')).toContainText(/Klarna error id: \S+/);
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await operator.unroute('**/api/payments/links/**/version');
    await operator.reload();
    await expect(operator.getByTestId('link-state')).toHaveAttribute('data-state', 'EXPIRED', { timeout: 30_000 });
  });

  test('E2E test case 8: a denied shopper', async ({ pageAs, request, baseURL }) => {
    test.setTimeout(120_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Denied Shop'));
    const operator = await pageAs('operator');
    const { paymentRequestId, paymentTransactionId, linkUrl } = await createApprovedPayment(operator, {
      merchantName: merchant.name,
      amount: '40.00',
      lines: [{ name: 'Burger menu', quantity: 2, unitPrice: '20.00' }],
      customerEmail: 'customer+denied@email.us',
    });
    expect(paymentTransactionId).toBeNull();
    await expect(operator.getByTestId('link-state')).toHaveText('Declined');
    await expect(operator.getByText('Klarna declined the shopper')).toBeVisible();
    await expect(operator.getByTestId('payment-transaction-id')).toHaveCount(0);
    await expect(operator.getByRole('link', { name: 'Open payment' })).toHaveCount(0);
    await expect(
      operator
        .getByRole('table', { name: 'Timeline' })
        .getByRole('row')
        .filter({ hasText: 'Payment request DECLINED' }),
    ).toBeVisible();
    expect(await seriousViolations(operator)).toEqual([]);
    expect(operator.url()).toBe(linkUrl);

    // The shopper is sent back with nothing to confirm and told to choose another payment method.
    await operator.goto(`/pay/return?payment_request_id=${encodeURIComponent(paymentRequestId)}&token=`);
    await expect(operator.getByRole('heading', { level: 1 })).toHaveText('Klarna could not approve this purchase');
    await expect(operator.getByText('choose another payment method')).toBeVisible();
    expect(await seriousViolations(operator)).toEqual([]);

    // Deny on Klarna's page ends the same way.
    const denied = await createApprovedPayment(operator, {
      merchantName: merchant.name,
      amount: '5.00',
      approve: false,
    });
    expect(denied.paymentTransactionId).toBeNull();
  });

  test('E2E test case 9: a zero-amount purchase', async ({ pageAs, request, baseURL, browser }) => {
    test.setTimeout(120_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Free Shop'));
    const operator = await pageAs('operator');
    const reference = await fillPaymentLinkForm(operator, {
      merchantName: merchant.name,
      amount: '0',
      lines: [{ name: 'Free sample', quantity: 1, unitPrice: '0.00' }],
    });
    await expect(operator.getByText('Zero-amount purchase')).toBeVisible();
    const { distributionUrl, linkUrl } = await createReviewedLink(operator);
    await expect(operator.getByTestId('link-amount')).toHaveText('0.00 USD');

    const shopper = await (await browser.newContext()).newPage();
    await payAsShopper(shopper, distributionUrl);
    await expect(shopper.getByRole('heading', { level: 1 })).toHaveText('Thank you – your payment is confirmed');
    await expect(shopper.getByTestId('confirmed-amount')).toHaveText('0.00 USD');
    await expect(shopper.getByTestId('confirmed-reference')).toHaveText(reference);

    await operator.goto(linkUrl);
    await expect(operator.getByTestId('link-state')).toHaveAttribute('data-state', 'AUTHORIZED');
    const transactionId = (await operator.getByTestId('payment-transaction-id').textContent())!.trim();
    await expect(operator.getByRole('link', { name: 'Open payment' })).toHaveAttribute(
      'href',
      `/payments/${encodeURIComponent(transactionId)}`,
    );
    const api = await sandboxApi(request, baseURL);
    const transaction = await api.get(
      `/v2/accounts/${encodeURIComponent(merchant.accountId)}/payment/transactions/${encodeURIComponent(transactionId)}`,
    );
    expect(transaction.body).toMatchObject({ authorized_amount: 0, currency: 'USD' });
  });

  test('a double click on Create makes one link', async ({ pageAs, request, baseURL }) => {
    test.setTimeout(120_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Twice Shop'));
    const operator = await pageAs('operator');
    const reference = await fillPaymentLinkForm(operator, { merchantName: merchant.name, amount: '7.00' });
    const { paymentRequestId } = await createReviewedLink(operator, 'dblclick');
    await operator.goto(`/payments/links?q=${encodeURIComponent(reference)}`);
    const rows = operator.getByRole('table', { name: 'Payment links, newest first' }).getByRole('row');
    await expect(rows).toHaveCount(2);
    await rows.nth(1).getByRole('link').click();
    await expect(operator.getByTestId('payment-request-id')).toHaveText(paymentRequestId);
    await expect(
      operator.getByRole('table', { name: 'Timeline' }).getByRole('row').filter({ hasText: 'Payment link created' }),
    ).toHaveCount(1);
  });

  test('the form checks amounts before asking Klarna, and merchants that cannot take payments cannot be chosen', async ({
    pageAs,
    request,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Checked Shop'));
    const api = await sandboxApi(request, baseURL);
    await api.control(`/accounts/${encodeURIComponent(merchant.accountId)}/product-state`, { state: 'DISABLED' });
    const operator = await pageAs('operator');
    await operator.goto('/payments/links/new');
    // The picker lists it with the reason, and it cannot be picked (the product webhook may take a moment).
    const picker = operator.getByRole('combobox', { name: 'Merchant', exact: true });
    const option = operator.getByRole('option', {
      name: new RegExp(`^${merchant.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    });
    await expect(async () => {
      await operator.reload();
      await picker.fill(merchant.name.slice(0, -1));
      await expect(option).toHaveAttribute('aria-disabled', 'true', { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(option).toHaveText(`${merchant.name} — cannot take payments: its payment product is disabled`);
    // Clicked anyway (Playwright would wait for an aria-disabled option to be enabled): nothing is picked.
    await option.click({ force: true });
    await expect(picker).toHaveAttribute('aria-expanded', 'true');
    await picker.press('Escape');
    await expect(picker).toHaveValue('');

    const form = operator.getByRole('form', { name: 'Create a payment link' });
    await form.getByLabel('Amount', { exact: true }).fill('10.005');
    await form.getByRole('button', { name: 'Add line item' }).click();
    await form.getByRole('group', { name: 'Line 1' }).getByLabel('Unit price').fill('3.00');
    await expect(operator.getByTestId('lines-total')).toContainText('3.00 USD');
    await form.getByRole('button', { name: 'Review' }).click();
    await expect(form.getByText('At most 2 decimals in USD')).toBeVisible();
    await expect(form.getByText('Choose the merchant the payment is for')).toBeVisible();
    await expect(form.getByText('Name the item')).toBeVisible();
    await form.getByRole('group', { name: 'Line 1' }).getByLabel('Name', { exact: true }).fill('Cake');
    await form.getByLabel('Amount', { exact: true }).fill('10.00');
    await expect(form.getByText('Must equal the line items’ total')).toBeVisible();
    await expect(operator.getByTestId('lines-total')).toContainText('differs from the amount (10.00 USD)');
    expect(await seriousViolations(operator)).toEqual([]);
    await expect(operator.getByRole('heading', { name: 'Review the payment link' })).toHaveCount(0);
  });

  test('a viewer cannot open the create page (refusal shown)', async ({ pageAs }) => {
    const viewer = await pageAs('viewer');
    await viewer.goto('/payments/links/new');
    await expect(viewer.getByRole('heading', { name: /have access to this page/ })).toBeVisible();
    await expect(viewer.getByText('may not operate payments')).toBeVisible();
    await expect(viewer.getByRole('form', { name: 'Create a payment link' })).toHaveCount(0);
    await viewer.goto('/payments/links');
    await expect(viewer.getByRole('heading', { name: 'Payment links', level: 1 })).toBeVisible();
    await expect(viewer.getByRole('link', { name: 'Create payment link' })).toHaveCount(0);
  });

  test('the return page is public and explains an incomplete or unknown address', async ({ page }) => {
    await page.goto('/pay/return');
    await expect(page).toHaveURL(/\/pay\/return$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('This payment address is incomplete');
    await page.goto(
      '/pay/return?payment_request_id=krn:payment:eu1:request:00000000-0000-4000-8000-000000000000&token=krn:payment:eu1:confirmation-token:00000000-0000-4000-8000-000000000000',
    );
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('We could not find this payment');
    await page.goto('/pay/return?payment_request_id=%3Cscript%3E');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('This payment address is incomplete');
  });
});
