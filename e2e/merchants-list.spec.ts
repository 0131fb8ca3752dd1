import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';
import { ensureKlarnaConnected, sandboxApi } from './klarna-setup';

/**
 * The merchants list (issue 4): the dashboard's copy of Klarna's accounts, filled by Sync from
 * Klarna for accounts onboarded elsewhere and kept current by Klarna's webhooks.
 */

const unique = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();

async function onboardAtKlarna(
  request: APIRequestContext,
  baseURL: string | undefined,
  name: string,
  reference: string,
) {
  const api = await sandboxApi(request, baseURL);
  const { status, body } = await api.post('/v1/distribution/onboard', {
    account_reference: reference,
    account_name: name,
    account_owner: { given_name: 'Maja', family_name: 'Doe', email: 'maja.franchisee@wtb.se', phone: '+49555555555' },
    products: [{ type: 'PAYMENT', merchant_category_code: '5812' }],
    channel: { 'physical-stores': [{ name: `${name} store 1` }, { name: `${name} store 2` }] },
  });
  expect(status, JSON.stringify(body)).toBe(200);
  const accountId = body.account_id as string;
  await expect
    .poll(async () => (await api.get(`/v1/accounts/${encodeURIComponent(accountId)}`)).body?.state, { timeout: 20_000 })
    .toBe('OPERATIONAL');
  return { api, accountId };
}

test('Sync from Klarna lists accounts onboarded elsewhere; search, state filters and live product changes work', async ({
  pageAs,
  request,
  baseURL,
}) => {
  test.setTimeout(90_000);
  await ensureKlarnaConnected(await pageAs('admin'), request, baseURL);
  const reference = unique('SYNC');
  const name = `Harbour Burgers ${reference}`;
  const { api, accountId } = await onboardAtKlarna(request, baseURL, name, reference);

  const operator = await pageAs('operator');
  await operator.goto('/merchants');
  const table = operator.getByRole('table', { name: 'Merchant accounts' });
  await expect(operator.getByRole('link', { name })).toHaveCount(0);
  await operator.getByRole('button', { name: 'Sync from Klarna' }).click();
  await expect(operator.getByText(/^Read \d+ accounts? from Klarna/)).toBeVisible({ timeout: 30_000 });
  const row = table.getByRole('row').filter({ hasText: name });
  await expect(row).toBeVisible();
  await expect(row.getByText('Operational')).toBeVisible();
  await expect(row.getByText('Enabled')).toBeVisible();
  await expect(row.getByRole('cell', { name: '2', exact: true })).toBeVisible();
  await expect(row).toContainText('5812');
  await expect(row.getByTitle('5812 – Eating places and restaurants')).toBeVisible();

  // Search by the reference finds this one only; a state filter that does not match finds none.
  await operator.getByLabel('Search').fill(reference);
  await operator.getByRole('button', { name: 'Apply' }).click();
  await expect(table.getByRole('row')).toHaveCount(2);
  await operator.getByLabel('Account state').selectOption('PARTIALLY_OPERATIONAL');
  await operator.getByRole('button', { name: 'Apply' }).click();
  await expect(operator.getByText('No merchant matches these filters.')).toBeVisible();
  await operator.getByLabel('Account state').selectOption('OPERATIONAL');
  await operator.getByRole('button', { name: 'Apply' }).click();
  await expect(table.getByRole('row').filter({ hasText: name })).toBeVisible();

  // Klarna disables the product (fraud): its webhook updates the open list without a reload.
  await operator.evaluate(() => ((window as unknown as { __noReload?: boolean }).__noReload = true));
  expect(
    (await api.control(`/accounts/${encodeURIComponent(accountId)}/product-state`, { state: 'DISABLED' })).status,
  ).toBe(200);
  await expect(table.getByRole('row').filter({ hasText: name }).getByText('Disabled')).toBeVisible({ timeout: 20_000 });
  expect(await operator.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
});

test('a viewer sees the merchants but neither syncs nor onboards', async ({ pageAs }) => {
  const viewer = await pageAs('viewer');
  await viewer.goto('/merchants');
  await expect(viewer.getByRole('heading', { name: 'Merchants', level: 1 })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Sync from Klarna' })).toHaveCount(0);
  await expect(viewer.getByRole('link', { name: 'Onboard merchant' })).toHaveCount(0);
});
