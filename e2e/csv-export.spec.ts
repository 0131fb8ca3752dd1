import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { ensureKlarnaConnected, sandboxApi } from './klarna-setup';
import { onboardOperationalMerchant } from './payments-setup';

/**
 * Exports for Excel (issue 14, point 9): ticking "For Excel" downloads the CSV with a UTF-8
 * byte order mark, so a merchant named with accents reads back exactly; unticked, no mark.
 */

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();

test('the payments export with "For Excel" starts with a byte order mark and keeps a non-ASCII merchant name', async ({ pageAs, request, baseURL }) => {
  test.setTimeout(120_000);
  await ensureKlarnaConnected(await pageAs('admin'), request, baseURL);
  const name = `Café Zürich Ørsted ${unique()}`;
  const { accountId } = await onboardOperationalMerchant(request, baseURL, name);
  const api = await sandboxApi(request, baseURL);
  const made = await api.control(`/accounts/${encodeURIComponent(accountId)}/authorized-payments`, { currency: 'EUR', payment_amount: 2900, purchase_country: 'DE', merchant_reference: `bom-${unique()}` });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const transactionId = made.body.payment_transaction.payment_transaction_id as string;

  const operator = await pageAs('operator');
  await operator.goto(`/payments?account=${encodeURIComponent(accountId)}`);
  // The payment arrives by webhook; the open list refreshes itself.
  await expect(operator.getByRole('table', { name: 'Payment transactions' }).locator('tbody tr').filter({ hasText: name })).toHaveCount(1, { timeout: 20_000 });

  const exportLink = operator.getByRole('link', { name: 'Export CSV' });
  await expect(exportLink).not.toHaveAttribute('href', /bom=1/);
  await operator.getByRole('checkbox', { name: 'For Excel' }).check();
  await expect(exportLink).toHaveAttribute('href', `/api/payments/export?account=${encodeURIComponent(accountId)}&bom=1`);
  const [download] = await Promise.all([operator.waitForEvent('download'), exportLink.click()]);
  const bytes = await readFile((await download.path())!);
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
});
