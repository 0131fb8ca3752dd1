import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { ensureKlarnaConnected, sandboxApi } from './klarna-setup';

/**
 * The payments list (issue 5): the dashboard's copy of Klarna's payment transactions, learnt
 * from Klarna's webhooks. Payments are made at the sandbox directly (as a shopper at a
 * merchant's checkout would), never through this dashboard.
 */

const unique = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
type Api = Awaited<ReturnType<typeof sandboxApi>>;

async function pay(api: Api, accountId: string, body: Record<string, unknown>): Promise<string> {
  const { status, body: created } = await api.control(
    `/accounts/${encodeURIComponent(accountId)}/authorized-payments`,
    body,
  );
  expect(status, JSON.stringify(created)).toBe(201);
  return created.payment_transaction.payment_transaction_id as string;
}

async function apply(page: Page) {
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForLoadState();
}

test('payments arrive by webhook; filters, amount sort, live captures and a formula-safe CSV export work', async ({
  pageAs,
  request,
  baseURL,
}) => {
  test.setTimeout(150_000);
  await ensureKlarnaConnected(await pageAs('admin'), request, baseURL);
  const api = await sandboxApi(request, baseURL);
  const tag = unique('PL');
  const name = `Payments Bistro ${tag}`;
  const onboarded = await api.post('/v1/distribution/onboard', {
    account_reference: tag,
    account_name: name,
    account_owner: {
      given_name: 'Maja',
      family_name: 'Doe',
      email: 'maja.payments@example.com',
      phone: '+49555555555',
    },
    products: [{ type: 'PAYMENT', merchant_category_code: '5812' }],
    channel: { 'physical-stores': [{ name: `${name} store` }] },
  });
  expect(onboarded.status, JSON.stringify(onboarded.body)).toBe(200);
  const accountId = onboarded.body.account_id as string;
  await expect
    .poll(async () => (await api.get(`/v1/accounts/${encodeURIComponent(accountId)}`)).body?.state, { timeout: 20_000 })
    .toBe('OPERATIONAL');

  const big = await pay(api, accountId, {
    currency: 'EUR',
    payment_amount: 12345,
    purchase_country: 'DE',
    merchant_reference: `order-${tag}-a`,
    payment_reference: `pay-${tag}-a`,
  });
  const formula = await pay(api, accountId, {
    currency: 'EUR',
    payment_amount: 500,
    purchase_country: 'DE',
    merchant_reference: '=HYPERLINK(1)',
  });
  const sek = await pay(api, accountId, {
    currency: 'SEK',
    payment_amount: 250000,
    purchase_country: 'SE',
    merchant_reference: `order-${tag}-c`,
  });
  const captured = await api.post(
    `/v2/accounts/${encodeURIComponent(accountId)}/payment/transactions/${encodeURIComponent(sek)}/captures`,
    { amount: 250000 },
  );
  expect(captured.status, JSON.stringify(captured.body)).toBe(201);

  // The merchant's name comes from the merchants cache: sync the account onboarded elsewhere.
  const operator = await pageAs('operator');
  await operator.goto('/merchants');
  await operator.getByRole('button', { name: 'Sync from Klarna' }).click();
  await expect(operator.getByText(/^Read \d+ accounts? from Klarna/)).toBeVisible({ timeout: 30_000 });

  await operator.goto('/payments');
  await expect(operator.getByRole('heading', { name: 'Payments', level: 1 })).toBeVisible();
  // The merchant filter searches as you type: a prefix nobody has says so, Escape puts the text back;
  // then the start of the name, Down to the merchant (after "Any merchant"), Enter picks it.
  const picker = operator.getByRole('combobox', { name: 'Merchant', exact: true });
  await picker.fill('zz-no-such-merchant');
  await expect(operator.getByRole('status').filter({ hasText: 'No merchant' })).toHaveText(
    "No merchant's name starts with “zz-no-such-merchant”.",
  );
  await picker.press('Escape');
  await expect(picker).toHaveValue('');
  await expect(picker).toHaveAttribute('aria-expanded', 'false');
  await picker.fill(name.slice(0, -2).toLowerCase());
  const listbox = operator.getByRole('listbox', { name: 'Merchants' });
  await expect(listbox.getByRole('option', { name, exact: true })).toBeVisible();
  await expect(listbox.getByRole('option')).toHaveCount(2);
  await picker.press('ArrowDown');
  await picker.press('ArrowDown');
  await expect(listbox.getByRole('option', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
  await picker.press('Enter');
  await expect(picker).toHaveValue(name);
  await expect(picker).toHaveAttribute('aria-expanded', 'false');
  await apply(operator);
  await expect(operator).toHaveURL((url) => url.searchParams.get('account') === accountId);
  // A reload of the filtered address shows the merchant by name.
  await operator.reload();
  await expect(operator.getByRole('combobox', { name: 'Merchant', exact: true })).toHaveValue(name);
  const table = operator.getByRole('table', { name: 'Payment transactions' });
  const rows = table.locator('tbody tr');
  const row = (id: string) => rows.filter({ hasText: id });
  // The webhooks land within seconds; the open list refreshes itself.
  await expect(rows).toHaveCount(3, { timeout: 20_000 });
  await expect(row(big)).toContainText(name);
  await expect(row(big)).toContainText('123.45 EUR');
  await expect(row(big).getByText('Authorized', { exact: true })).toBeVisible();
  await expect(row(sek)).toContainText('2,500.00 SEK');
  await expect(row(sek).getByText('Completed', { exact: true })).toBeVisible();
  await expect(row(big).getByRole('link', { name: `order-${tag}-a` })).toHaveAttribute(
    'href',
    `/payments/${encodeURIComponent(big)}`,
  );

  // State, currency, amount range (typed in major units of the chosen currency) and reference search.
  await operator.getByLabel('State').selectOption('COMPLETED');
  await apply(operator);
  await expect(rows).toHaveCount(1);
  await expect(row(sek)).toBeVisible();
  await operator.getByLabel('State').selectOption('');
  await operator.getByLabel('Currency').selectOption('SEK');
  await apply(operator);
  await expect(rows).toHaveCount(1);
  await expect(row(sek)).toBeVisible();
  await operator.getByLabel('Currency').selectOption('EUR');
  await operator.getByLabel('Authorized from').fill('100');
  await operator.getByLabel('Authorized to').fill('123.45');
  await apply(operator);
  await expect(rows).toHaveCount(1);
  await expect(row(big)).toBeVisible();
  await operator.getByLabel('Authorized to').fill('123.44');
  await apply(operator);
  await expect(operator.getByText('No payment matches these filters.')).toBeVisible();
  await operator.getByLabel('Currency').selectOption('');
  await operator.getByLabel('Authorized from').fill('');
  await operator.getByLabel('Authorized to').fill('');
  await operator.getByLabel('Reference').fill(`order-${tag}`);
  await apply(operator);
  await expect(rows).toHaveCount(2);
  await expect(row(big)).toBeVisible();
  await expect(row(sek)).toBeVisible();
  await operator.getByLabel('Reference').fill('');
  await apply(operator);
  await expect(rows).toHaveCount(3);

  // Sort by authorized amount: largest first, then smallest first; the header says which.
  const amountHeader = table.getByRole('columnheader', { name: 'Authorized' });
  await amountHeader.getByRole('link').click();
  await expect(operator).toHaveURL(/sort=amount_desc/);
  await expect(amountHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(rows.nth(0)).toContainText(sek);
  await expect(rows.nth(1)).toContainText(big);
  await expect(rows.nth(2)).toContainText(formula);
  await amountHeader.getByRole('link').click();
  await expect(operator).toHaveURL(/sort=amount_asc/);
  await expect(amountHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows.nth(0)).toContainText(formula);
  await expect(rows.nth(2)).toContainText(sek);
  const { violations } = await new AxeBuilder({ page: operator }).analyze();
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`),
  ).toEqual([]);

  // Klarna captures part of a payment: its webhook updates the open list without a reload.
  await operator.evaluate(() => ((window as unknown as { __noReload?: boolean }).__noReload = true));
  const partial = await api.post(
    `/v2/accounts/${encodeURIComponent(accountId)}/payment/transactions/${encodeURIComponent(big)}/captures`,
    { amount: 5000 },
  );
  expect(partial.status, JSON.stringify(partial.body)).toBe(201);
  await expect(row(big)).toContainText('50.00 EUR', { timeout: 20_000 });
  await expect(row(big)).toContainText('73.45 EUR');
  expect(await operator.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

  // The export carries the filters and order; a formula-looking reference stays text.
  const [download] = await Promise.all([
    operator.waitForEvent('download'),
    operator.getByRole('link', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^payments-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = (await readFile((await download.path())!, 'utf8')).split('\r\n');
  expect(lines[0]).toBe(
    'payment_transaction_id,account_id,merchant_name,merchant_reference,payment_reference,state,currency,' +
      'authorized_amount,authorized_amount_minor,captured_amount,captured_amount_minor,refunded_amount,refunded_amount_minor,' +
      'remaining_authorized_amount,remaining_authorized_amount_minor,created_at_utc,expires_at_utc',
  );
  expect(lines.at(-1)).toBe('');
  const data = lines.slice(1, -1);
  expect(data).toHaveLength(3);
  expect(data[0]).toContain(formula);
  expect(data[0]).toContain(`,${name},'=HYPERLINK(1),,AUTHORIZED,EUR,5.00,500,0.00,0,0.00,0,5.00,500,`);
  expect(data[1]).toContain(
    `${big},${accountId},${name},order-${tag}-a,pay-${tag}-a,AUTHORIZED,EUR,123.45,12345,50.00,5000,0.00,0,73.45,7345,`,
  );
  expect(data[2]).toContain(
    `${sek},${accountId},${name},order-${tag}-c,,COMPLETED,SEK,2500.00,250000,2500.00,250000,0.00,0,0.00,0,`,
  );

  // The table fits its card: at 1,366 px nothing scrolls sideways; on a 390 px phone each row's
  // amount and state are in view without scrolling, and the Columns menu shows a hidden column.
  const scrollBox = table.locator('xpath=..');
  await operator.setViewportSize({ width: 1366, height: 900 });
  await expect.poll(() => scrollBox.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  await operator.setViewportSize({ width: 390, height: 844 });
  await expect
    .poll(() => operator.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth))
    .toBeLessThanOrEqual(0);
  for (const shown of [
    row(big).getByText('123.45 EUR', { exact: true }),
    row(big).getByText('Authorized', { exact: true }),
  ]) {
    await expect(shown).toBeVisible();
    const at = (await shown.boundingBox())!;
    expect(at.x + at.width).toBeLessThanOrEqual(390);
  }
  const expires = table.getByRole('columnheader', { name: 'Expires (UTC)' });
  await expect(expires).toBeHidden();
  await operator.getByRole('button', { name: 'Columns' }).click();
  await operator.getByRole('menuitemcheckbox', { name: 'Expires (UTC)' }).click();
  await operator.keyboard.press('Escape');
  await expect(expires).toBeVisible();
  await operator.reload();
  await expect(expires).toBeVisible();
  await operator.getByRole('button', { name: 'Columns' }).click();
  await operator.getByRole('menuitem', { name: 'Fit to the screen' }).click();
  await expect(expires).toBeHidden();
});

test('Clear on the filter form empties its controls, so the next Apply brings no filter back', async ({ pageAs }) => {
  const operator = await pageAs('operator');
  await operator.goto('/payments?state=AUTHORIZED&currency=EUR&q=order-clear&min=1');
  const form = operator.getByRole('form', { name: 'Filter payments' });
  await expect(form.getByLabel('State')).toHaveValue('AUTHORIZED');
  await expect(form.getByLabel('Currency')).toHaveValue('EUR');
  await form.getByLabel('Authorized to').fill('500');
  await form.getByRole('link', { name: 'Clear' }).click();
  await expect(operator).toHaveURL(/\/payments$/);
  for (const label of ['State', 'Currency', 'Reference', 'Authorized from', 'Authorized to'])
    await expect(form.getByLabel(label, { exact: true })).toHaveValue('');
  await apply(operator);
  await expect(operator).toHaveURL(/\/payments\?/);
  await expect(operator).not.toHaveURL(/state=AUTHORIZED|currency=EUR|order-clear|min=1|max=500/);
});

test('a viewer sees the payments and exports them but creates no payment link; the export needs a session', async ({
  pageAs,
  request,
}) => {
  const viewer = await pageAs('viewer');
  await viewer.goto('/payments?currency=EUR&min=ten');
  await expect(viewer.getByRole('heading', { name: 'Payments', level: 1 })).toBeVisible();
  await expect(
    viewer.getByText('Some filters were not valid and were ignored: Authorized from (an amount such as 10.50).'),
  ).toBeVisible();
  await expect(viewer.getByRole('link', { name: 'Export CSV' })).toHaveAttribute(
    'href',
    '/api/payments/export?currency=EUR&min=ten',
  );
  await expect(viewer.getByRole('link', { name: /create (a )?payment link/i })).toHaveCount(0);

  const operator = await pageAs('operator');
  await operator.goto('/payments');
  await expect(operator.getByRole('link', { name: 'Create payment link' })).toHaveAttribute(
    'href',
    '/payments/links/new',
  );

  const anonymous = await request.get('/api/payments/export', { maxRedirects: 0 });
  expect(anonymous.status()).toBe(401);
  expect((await request.get('/api/payments/version', { maxRedirects: 0 })).status()).toBe(401);
});
