import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { ensureKlarnaConnected, sandboxApi } from './klarna-setup';
import { onboardOperationalMerchant } from './payments-setup';

/**
 * Exports for Excel (issue 14, point 9): ticking "For Excel" downloads the CSV with a UTF-8
 * byte order mark, so a merchant named with accents reads back exactly; unticked, no mark. The page
 * says how many rows the export wrote (issue 18).
 */

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();

test('the payments export with "For Excel" starts with a byte order mark and keeps a non-ASCII merchant name', async ({
  pageAs,
  request,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await ensureKlarnaConnected(await pageAs('admin'), request, baseURL);
  const name = `Café Zürich Ørsted ${unique()}`;
  const { accountId } = await onboardOperationalMerchant(request, baseURL, name);
  const api = await sandboxApi(request, baseURL);
  const made = await api.control(`/accounts/${encodeURIComponent(accountId)}/authorized-payments`, {
    currency: 'EUR',
    payment_amount: 2900,
    purchase_country: 'DE',
    merchant_reference: `bom-${unique()}`,
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const transactionId = made.body.payment_transaction.payment_transaction_id as string;

  const operator = await pageAs('operator');
  await operator.goto(`/payments?account=${encodeURIComponent(accountId)}`);
  // The payment arrives by webhook; the open list refreshes itself.
  await expect(
    operator.getByRole('table', { name: 'Payment transactions' }).locator('tbody tr').filter({ hasText: name }),
  ).toHaveCount(1, { timeout: 20_000 });

  const exportLink = operator.getByRole('link', { name: 'Export CSV' });
  await expect(exportLink).not.toHaveAttribute('href', /bom=1/);
  await operator.getByRole('checkbox', { name: 'For Excel' }).check();
  await expect(exportLink).toHaveAttribute(
    'href',
    `/api/payments/export?account=${encodeURIComponent(accountId)}&bom=1`,
  );
  const [download] = await Promise.all([operator.waitForEvent('download'), exportLink.click()]);
  const bytes = await readFile((await download.path())!);
  // The page counts the rows the server wrote while the browser downloads them.
  await expect(operator.getByRole('status').filter({ hasText: 'Exported 1 row.' })).toBeVisible();
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  expect(text.split('\r\n')[0]).toMatch(/^payment_transaction_id,account_id,merchant_name,/);
  expect(text).toContain(`${transactionId},${accountId},${name},`);
  expect(text).toContain(',EUR,29.00,2900,');

  // Unticked: the plain file, no mark.
  await operator.getByRole('checkbox', { name: 'For Excel' }).uncheck();
  const [plain] = await Promise.all([operator.waitForEvent('download'), exportLink.click()]);
  const plainBytes = await readFile((await plain.path())!);
  expect(plainBytes.subarray(0, 22).toString('utf8')).toBe('payment_transaction_id');

  // The pages changed here, at a desktop and a phone width, for a look (not asserted).
  for (const width of [1366, 390]) {
    await operator.setViewportSize({ width, height: 900 });
    await operator.goto(`/payments?account=${encodeURIComponent(accountId)}`);
    await expect(operator.getByRole('checkbox', { name: 'For Excel' })).toBeVisible();
    await operator.screenshot({ path: `.data/test-results/screenshots/payments-${width}.png`, fullPage: true });
  }
});

test('the API request log stores the account owner masked and says what it masks', async ({
  pageAs,
  request,
  baseURL,
}) => {
  test.setTimeout(90_000);
  await ensureKlarnaConnected(await pageAs('admin'), request, baseURL);
  // The helper onboards with owner John Doe, john.doe@example.com, +18445527621; the operator's
  // read of the merchant's page stores Klarna's account answer, owner included, in the log.
  const { accountId } = await onboardOperationalMerchant(request, baseURL, `Masked Owner ${unique()}`);
  const operator = await pageAs('operator');
  await operator.goto(`/developers/api-requests?operation=accounts.get&accountId=${encodeURIComponent(accountId)}`);
  await expect(
    operator.getByText(
      'Personal data is masked: email addresses (j***@example.com), phone numbers (+46 *** ** 12), given and family names (J*** D***)',
    ),
  ).toBeVisible();
  await operator
    .getByRole('link', { name: /^Details of request/ })
    .first()
    .click();
  const body = operator.getByLabel('Response body');
  await expect(body).toContainText('"email": "j***@example.com"');
  await expect(body).toContainText('"phone": "+18 *** ** 21"');
  await expect(body).toContainText('"given_name": "J***"');
  await expect(body).toContainText('"family_name": "D***"');
  await expect(body).not.toContainText('john.doe');
  for (const width of [1366, 390]) {
    await operator.setViewportSize({ width, height: 900 });
    await operator.screenshot({ path: `.data/test-results/screenshots/api-request-${width}.png`, fullPage: true });
    await operator.goto('/developers/api-requests');
    await operator.screenshot({ path: `.data/test-results/screenshots/api-requests-${width}.png` });
    await operator.goBack();
  }
});
