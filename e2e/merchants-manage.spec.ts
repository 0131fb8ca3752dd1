import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { expect, newSignedInUser, test } from './fixtures';
import { ensureKlarnaConnected, sandboxApi } from './klarna-setup';

/**
 * The merchant page (issue 4): the seed's Management API test cases 3–7 and the portal deep
 * link, each on its own account onboarded directly at the sandbox (as another system of the
 * partner would), managed here through the UI and checked at Klarna.
 */

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const merchantPath = (accountId: string) => `/merchants/${encodeURIComponent(accountId)}`;
const accountPath = (accountId: string) => `/v1/accounts/${encodeURIComponent(accountId)}`;

type Api = Awaited<ReturnType<typeof sandboxApi>>;
type Onboarded = { api: Api; accountId: string; name: string; reference: string };

/** Onboards a merchant at the sandbox and waits until Klarna has set it up (OPERATIONAL). */
async function onboardMerchant(
  request: APIRequestContext,
  baseURL: string | undefined,
  label: string,
  options: { wait?: boolean } = {},
): Promise<Onboarded> {
  const api = await sandboxApi(request, baseURL);
  const reference = unique('M');
  const name = `${label} ${reference}`;
  const { status, body } = await api.post('/v1/distribution/onboard', {
    account_reference: reference,
    account_name: name,
    account_owner: {
      given_name: 'Julia',
      family_name: 'Doe',
      email: 'julia.doe@coolbrand.example',
      phone: '+15555555555',
    },
    products: [{ type: 'PAYMENT', merchant_category_code: '5691' }],
    channel: { websites: [{ urls: [`https://${reference.toLowerCase()}.example`] }] },
  });
  expect(status, JSON.stringify(body)).toBe(200);
  const accountId = body.account_id as string;
  if (options.wait !== false) {
    await expect
      .poll(async () => (await api.get(accountPath(accountId))).body?.state, { timeout: 20_000 })
      .toBe('OPERATIONAL');
  }
  return { api, accountId, name, reference };
}

async function openMerchant(page: Page, merchant: Onboarded): Promise<void> {
  await page.goto(merchantPath(merchant.accountId));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(merchant.name);
  await expect(page.getByTestId('account-id')).toHaveText(merchant.accountId);
}

async function openTab(page: Page, name: string): Promise<Locator> {
  await page.getByRole('tab', { name, exact: true }).click();
  const panel = page.getByRole('tabpanel');
  await expect(panel).toBeVisible();
  return panel;
}

test.describe('merchant detail', () => {
  test.beforeEach(async ({ pageAs, request, baseURL }) => {
    await ensureKlarnaConnected(await pageAs('admin'), request, baseURL);
  });

  test('Management API test case 3: disable a payment product and revert it', async ({ pageAs, request, baseURL }) => {
    test.setTimeout(120_000);
    const merchant = await onboardMerchant(request, baseURL, 'Suspend Me');
    const operator = await pageAs('operator');
    await openMerchant(operator, merchant);
    let panel = await openTab(operator, 'Payment product');
    await expect(panel.getByText('Enabled', { exact: true })).toBeVisible();

    await panel.getByRole('button', { name: 'Disable payment product…' }).click();
    let dialog = operator.getByRole('dialog', { name: 'Disable the payment product?' });
    await expect(dialog).toContainText('new payment requests');
    await expect(dialog).toContainText('Post-purchase operations on existing payments');
    await dialog.getByRole('button', { name: 'Disable payment product' }).click();
    await expect(dialog.getByText('Say why (at least 3 characters)')).toBeVisible();
    await dialog.getByLabel('Reason').fill('Merchant breaks the partner terms (e2e)');
    await dialog.getByRole('button', { name: 'Disable payment product' }).click();
    await expect(dialog).toBeHidden();
    await expect(operator.getByText(`Payment product of ${merchant.name} disabled at Klarna.`)).toBeVisible();
    await expect(panel.getByText('Disabled', { exact: true })).toBeVisible();
    expect((await merchant.api.get(accountPath(merchant.accountId))).body.products[0].state).toBe('DISABLED');

    // Klarna's webhook reaches the dashboard and the page shows it without a reload.
    panel = await openTab(operator, 'Overview');
    const timeline = panel.getByRole('table', { name: 'Timeline' });
    await expect(
      timeline.getByRole('row').filter({ hasText: 'Klarna webhook' }).filter({ hasText: 'Payment product DISABLED' }),
    ).toBeVisible({ timeout: 30_000 });
    await expect(
      timeline
        .getByRole('row')
        .filter({ hasText: 'Dashboard' })
        .filter({ hasText: 'Merchant breaks the partner terms (e2e)' }),
    ).toBeVisible();

    panel = await openTab(operator, 'Payment product');
    await panel.getByRole('button', { name: 'Enable payment product…' }).click();
    dialog = operator.getByRole('dialog', { name: 'Enable the payment product?' });
    await dialog.getByLabel('Reason').fill('Terms clarified with the merchant');
    await dialog.getByRole('button', { name: 'Enable payment product' }).click();
    await expect(dialog).toBeHidden();
    await expect(panel.getByText('Enabled', { exact: true })).toBeVisible();
    expect((await merchant.api.get(accountPath(merchant.accountId))).body.products[0].state).toBe('ENABLED');
    panel = await openTab(operator, 'Overview');
    await expect(
      panel
        .getByRole('table', { name: 'Timeline' })
        .getByRole('row')
        .filter({ hasText: 'Klarna webhook' })
        .filter({ hasText: 'Payment product ENABLED' }),
    ).toBeVisible({ timeout: 30_000 });

    // The audit log keeps who disabled it and why.
    const admin = await pageAs('admin');
    await admin.goto('/settings/audit?action=merchants.disable_product');
    const entry = admin
      .getByRole('table', { name: 'Audit entries, newest first' })
      .getByRole('row')
      .filter({ hasText: merchant.accountId });
    await expect(entry).toContainText('merchants.disable_product');
    await expect(entry).toContainText('e2e-operator@example.com');
    await expect(entry).toContainText('reason: Merchant breaks the partner terms (e2e)');
  });

  test('Management API test case 4: configure, update and list channels', async ({ pageAs, request, baseURL }) => {
    test.setTimeout(120_000);
    const merchant = await onboardMerchant(request, baseURL, 'Ivette Croissanterie');
    const operator = await pageAs('operator');
    await openMerchant(operator, merchant);
    const panel = await openTab(operator, 'Channels');
    const table = panel.getByRole('table', { name: 'Channels' });
    await expect(table.getByRole('row')).toHaveCount(2);
    await expect(table.getByRole('row').filter({ hasText: 'Website' })).toContainText(
      `https://${merchant.reference.toLowerCase()}.example`,
    );

    // A physical store, with its address.
    await panel.getByRole('button', { name: 'Add channel' }).click();
    let dialog = operator.getByRole('dialog', { name: 'Add a channel' });
    await expect(dialog.getByLabel('Channel type').locator('option[value="WEBSITE"]')).toBeDisabled();
    await dialog.getByLabel('Channel type').selectOption('PHYSICAL_STORE');
    await dialog.getByLabel('Name', { exact: true }).fill('Ivette Croissanterie Joliette');
    const address = dialog.getByRole('group', { name: 'Store address' });
    await address.getByLabel('Street address', { exact: true }).fill('12 Quai de la Joliette');
    await address.getByLabel('Postal code').fill('13002');
    await address.getByLabel('City').fill('Marseille');
    await address.getByLabel('Country').fill('fr');
    await dialog.getByRole('button', { name: 'Add channel' }).click();
    await expect(dialog).toBeHidden();
    const store = table.getByRole('row').filter({ hasText: 'Physical store' });
    await expect(store).toContainText('Ivette Croissanterie Joliette');
    await expect(store).toContainText('13002 Marseille');

    // A mobile app whose store link is not a URL: Klarna's field error lands on that input.
    await panel.getByRole('button', { name: 'Add channel' }).click();
    dialog = operator.getByRole('dialog', { name: 'Add a channel' });
    await dialog.getByLabel('Channel type').selectOption('MOBILE_APP');
    await dialog.getByLabel('Name', { exact: true }).fill('Ivette app');
    await dialog.getByRole('button', { name: 'Add store link' }).click();
    await dialog.getByLabel('Store link 1', { exact: true }).fill('apps.example/ivette');
    await dialog.getByRole('button', { name: 'Add channel' }).click();
    await expect(dialog.getByText('must be an https URL such as https://example.com')).toBeVisible();
    await expect(dialog.getByLabel('Store link 1', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await dialog.getByLabel('Store link 1', { exact: true }).fill('https://apps.example/ivette');
    await dialog.getByRole('button', { name: 'Add channel' }).click();
    await expect(dialog).toBeHidden();
    const app = table.getByRole('row').filter({ hasText: 'Mobile app' });
    await expect(app).toContainText('https://apps.example/ivette');

    // Update the store's name.
    await store.getByRole('button', { name: 'Edit…' }).click();
    dialog = operator.getByRole('dialog', { name: 'Edit channel' });
    await expect(dialog.getByLabel('Name', { exact: true })).toHaveValue('Ivette Croissanterie Joliette');
    await dialog.getByLabel('Name', { exact: true }).fill('Ivette Croissanterie Port');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog).toBeHidden();
    await expect(table.getByRole('row').filter({ hasText: 'Physical store' })).toContainText(
      'Ivette Croissanterie Port',
    );

    // Klarna lists what the page shows.
    const listed = (await merchant.api.get(`${accountPath(merchant.accountId)}/channels`)).body.channels as {
      type: string;
      name: string | null;
    }[];
    expect(listed.map((c) => c.type).sort()).toEqual(['MOBILE_APP', 'PHYSICAL_STORE', 'WEBSITE']);
    expect(listed.find((c) => c.type === 'PHYSICAL_STORE')?.name).toBe('Ivette Croissanterie Port');

    // Delete down to one channel; Klarna refuses to delete the last one and says why.
    for (const type of ['Mobile app', 'Physical store']) {
      await table.getByRole('row').filter({ hasText: type }).getByRole('button', { name: 'Delete…' }).click();
      dialog = operator.getByRole('dialog', { name: /^Delete the / });
      await dialog.getByRole('button', { name: 'Delete channel' }).click();
      await expect(dialog).toBeHidden();
      await expect(table.getByRole('row').filter({ hasText: type })).toHaveCount(0);
    }
    await table.getByRole('row').filter({ hasText: 'Website' }).getByRole('button', { name: 'Delete…' }).click();
    dialog = operator.getByRole('dialog', { name: /^Delete the / });
    await expect(dialog).toContainText('only channel');
    await dialog.getByRole('button', { name: 'Delete channel' }).click();
    await expect(dialog.getByRole('alert')).toContainText('an account must have at least one channel');
    await expect(dialog.getByRole('alert')).toContainText('Klarna error id:');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(table.getByRole('row').filter({ hasText: 'Website' })).toHaveCount(1);
  });

  test('Management API test case 5: update and list channel collections', async ({ pageAs, request, baseURL }) => {
    test.setTimeout(120_000);
    const merchant = await onboardMerchant(request, baseURL, 'CoolBrand');
    const reference = unique('coolbrand').toLowerCase();
    const operator = await pageAs('operator');
    await openMerchant(operator, merchant);
    let panel = await openTab(operator, 'Channel collections');
    await expect(panel.getByText('No channel collections yet.')).toBeVisible();

    await panel.getByRole('button', { name: 'Add channel collection' }).click();
    let dialog = operator.getByRole('dialog', { name: 'Add a channel collection' });
    await dialog.getByLabel('Collection reference').fill(reference);
    await dialog.getByLabel('Display name').fill('CoolBrand');
    await dialog.getByLabel('Brand colour (optional)').fill('#ffb3c7');
    await dialog.getByLabel('Support email (optional)').fill('support@coolbrand.example');
    await dialog.getByLabel('Support phone (optional)').fill('+15555555555');
    await dialog.getByRole('button', { name: 'Add social link' }).click();
    await dialog.getByLabel('Social link 1 platform').selectOption('INSTAGRAM');
    await dialog.getByLabel('Social link 1 URL').fill('https://instagram.example/coolbrand');
    await dialog.getByRole('button', { name: 'Add channel collection' }).click();
    await expect(dialog).toBeHidden();
    const collections = panel.getByRole('table', { name: 'Channel collections' });
    let row = collections.getByRole('row').filter({ hasText: reference });
    await expect(row).toContainText('CoolBrand');
    await expect(row).toContainText('support@coolbrand.example');
    await expect(row).toContainText('1 link');
    await expect(row).toContainText('No channel');

    // Assign it to the website.
    panel = await openTab(operator, 'Channels');
    const website = panel.getByRole('table', { name: 'Channels' }).getByRole('row').filter({ hasText: 'Website' });
    await website.getByRole('button', { name: 'Edit…' }).click();
    dialog = operator.getByRole('dialog', { name: 'Edit channel' });
    await dialog.getByLabel('Channel collection').selectOption(reference);
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog).toBeHidden();
    await expect(website).toContainText(reference);

    // Edit it: a new display name and a second social link.
    panel = await openTab(operator, 'Channel collections');
    row = panel.getByRole('table', { name: 'Channel collections' }).getByRole('row').filter({ hasText: reference });
    await expect(row).toContainText('1 channel');
    await row.getByRole('button', { name: 'Edit…' }).click();
    dialog = operator.getByRole('dialog', { name: `Edit channel collection ${reference}` });
    await expect(dialog.getByLabel('Display name')).toHaveValue('CoolBrand');
    await expect(dialog.getByLabel('Social link 1 URL')).toHaveValue('https://instagram.example/coolbrand');
    await dialog.getByLabel('Display name').fill('CoolBrand Italia');
    await dialog.getByRole('button', { name: 'Add social link' }).click();
    await dialog.getByLabel('Social link 2 platform').selectOption('FACEBOOK');
    await dialog.getByLabel('Social link 2 URL').fill('https://facebook.example/coolbrand');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toContainText('CoolBrand Italia');
    await expect(row).toContainText('2 links');
    const atKlarna = (
      await merchant.api.get(`${accountPath(merchant.accountId)}/channel-collections/${encodeURIComponent(reference)}`)
    ).body;
    expect(atKlarna.branding).toMatchObject({ display_name: 'CoolBrand Italia', brand_color: '#FFB3C7' });
    expect(atKlarna.social_links).toHaveLength(2);

    // In use: Klarna refuses the delete and the dialog says why.
    await row.getByRole('button', { name: 'Delete…' }).click();
    dialog = operator.getByRole('dialog', { name: `Delete channel collection ${reference}?` });
    await dialog.getByRole('button', { name: 'Delete collection' }).click();
    await expect(dialog.getByRole('alert')).toContainText('unassign it first');
    await expect(dialog.getByRole('alert')).toContainText('Klarna error id:');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Unassigned, it can go.
    panel = await openTab(operator, 'Channels');
    await website.getByRole('button', { name: 'Edit…' }).click();
    dialog = operator.getByRole('dialog', { name: 'Edit channel' });
    await dialog.getByLabel('Channel collection').selectOption('');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog).toBeHidden();
    await expect(website).not.toContainText(reference);
    panel = await openTab(operator, 'Channel collections');
    await panel
      .getByRole('table', { name: 'Channel collections' })
      .getByRole('row')
      .filter({ hasText: reference })
      .getByRole('button', { name: 'Delete…' })
      .click();
    dialog = operator.getByRole('dialog', { name: `Delete channel collection ${reference}?` });
    await dialog.getByRole('button', { name: 'Delete collection' }).click();
    await expect(dialog).toBeHidden();
    await expect(panel.getByText('No channel collections yet.')).toBeVisible();
  });

  test('Management API test case 6: fetch and update account information', async ({ pageAs, request, baseURL }) => {
    test.setTimeout(120_000);
    // Opened while Klarna is still setting the account up: the page says so and updates by itself.
    const merchant = await onboardMerchant(request, baseURL, 'John Doe Steakhouse', { wait: false });
    const operator = await pageAs('operator');
    await operator.goto(merchantPath(merchant.accountId));
    await expect(operator.getByRole('heading', { level: 1 })).toHaveText(merchant.name);
    const edit = operator.getByRole('button', { name: 'Edit account details…' });
    await expect(edit).toBeEnabled({ timeout: 30_000 });
    await expect(operator.getByText('Klarna is still setting this account up')).toBeHidden();

    const panel = operator.getByRole('tabpanel');
    await expect(panel).toContainText(merchant.reference);
    await expect(panel).toContainText('julia.doe@coolbrand.example');
    await expect(panel).toContainText('5691 – ');

    const renamed = `${merchant.name} Renamed`;
    const newReference = unique('R');
    await edit.click();
    let dialog = operator.getByRole('dialog', { name: 'Edit account details' });
    await expect(dialog.getByLabel('Account name')).toHaveValue(merchant.name);
    await expect(dialog.getByLabel('Email')).toHaveValue('julia.doe@coolbrand.example');
    // A bad email comes back on its field and nothing is changed.
    await dialog.getByLabel('Email').fill('not-an-email');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog.getByText('must be an email address')).toBeVisible();
    await expect(dialog.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');

    await dialog.getByLabel('Account name').fill(renamed);
    await dialog.getByLabel('Account reference').fill(newReference);
    await dialog.getByLabel('Email').fill('julia@coolbrand.example');
    await dialog.getByLabel('Phone').fill('+15555550100');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog).toBeHidden();
    await expect(operator.getByText('Account details saved at Klarna.')).toBeVisible();
    await expect(operator.getByRole('heading', { level: 1 })).toHaveText(renamed);
    await expect(panel).toContainText(newReference);
    await expect(panel).toContainText('julia@coolbrand.example');
    await expect(panel.getByRole('table', { name: 'Timeline' })).toContainText('Account details updated');

    // Klarna has it, and only the changed owner fields were replaced.
    const account = (await merchant.api.get(accountPath(merchant.accountId))).body;
    expect(account).toMatchObject({
      account_name: renamed,
      account_reference: newReference,
      account_owner: {
        given_name: 'Julia',
        family_name: 'Doe',
        email: 'julia@coolbrand.example',
        phone: '+15555550100',
      },
    });

    // Saving without a change sends nothing.
    await edit.click();
    dialog = operator.getByRole('dialog', { name: 'Edit account details' });
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog.getByText('Nothing changed')).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // The price plan Klarna gave the MCC, with the seed's rate units (fixed in minor units, variable percent × 1 000 000).
    const config = await openTab(operator, 'Configuration');
    await expect(config).toContainText('Standard retail');
    const us = config.getByRole('row').filter({ hasText: 'USD' }).filter({ hasText: 'Any other' });
    await expect(us).toContainText('0.30 USD');
    await expect(us).toContainText('2.99 %');
  });

  test('Management API test case 7: fetch and update the business information', async ({
    pageAs,
    request,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const merchant = await onboardMerchant(request, baseURL, 'John Doe LLC');
    const operator = await pageAs('operator');
    await openMerchant(operator, merchant);
    const panel = await openTab(operator, 'Business information');
    await expect(panel.getByText('Klarna holds no business information for this account yet.')).toBeVisible();

    await panel.getByRole('button', { name: 'Edit business information…' }).click();
    let dialog = operator.getByRole('dialog', { name: 'Edit business information' });
    await dialog.getByLabel('Business name').fill('John Doe LLC');
    await dialog.getByLabel('Business entity type').selectOption('LIMITED_LIABILITY_COMPANY');
    await dialog.getByLabel('Registration authority (optional)', { exact: true }).fill('Ohio');
    await dialog.getByLabel('Registration number (optional)', { exact: true }).fill('12345678');
    await dialog.getByLabel('Tax registration number (optional)', { exact: true }).fill('999-999-999');
    await dialog.getByLabel('Financial registration number (optional)', { exact: true }).fill('123-456-789');
    const operating = dialog.getByRole('group', { name: 'Operating address' });
    await operating.getByLabel('Street address', { exact: true }).fill('800 N. High St');
    await operating.getByLabel('Street address line 2 (optional)').fill('Ste. 400');
    await operating.getByLabel('Postal code').fill('43215');
    await operating.getByLabel('City').fill('Columbus');
    await operating.getByLabel('Region (optional)').fill('OH');
    await operating.getByLabel('Country').fill('US');
    await dialog.getByRole('button', { name: 'Copy the operating address to the registration address' }).click();
    await expect(dialog.getByRole('group', { name: 'Registration address' }).getByLabel('City')).toHaveValue(
      'Columbus',
    );
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog).toBeHidden();

    await expect(panel).toContainText('John Doe LLC');
    await expect(panel).toContainText('Limited liability company');
    await expect(panel).toContainText('999-999-999');
    await expect(panel).toContainText('800 N. High St');
    await expect(panel).toContainText('43215 Columbus OH');
    const businessPath = `${accountPath(merchant.accountId)}/business-information`;
    expect((await merchant.api.get(businessPath)).body).toMatchObject({
      business_name: 'John Doe LLC',
      business_entity_type: 'LIMITED_LIABILITY_COMPANY',
      registration_authority: 'Ohio',
      registration_number: '12345678',
      tax_registration_number: '999-999-999',
      financial_registration_number: '123-456-789',
      operating_address: {
        street_address: '800 N. High St',
        street_address2: 'Ste. 400',
        postal_code: '43215',
        city: 'Columbus',
        region: 'OH',
        country: 'US',
      },
      registration_address: { street_address: '800 N. High St', postal_code: '43215', city: 'Columbus', country: 'US' },
    });

    // Update one detail fetched back from Klarna; a bad country is refused on its field.
    await panel.getByRole('button', { name: 'Edit business information…' }).click();
    dialog = operator.getByRole('dialog', { name: 'Edit business information' });
    await expect(dialog.getByLabel('Business name')).toHaveValue('John Doe LLC');
    await dialog.getByLabel('Tax registration number (optional)', { exact: true }).fill('999-999-000');
    await dialog.getByRole('group', { name: 'Registration address' }).getByLabel('Country').fill('USA');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog.getByText('must be a two-letter ISO 3166 country code such as US')).toBeVisible();
    await dialog.getByRole('group', { name: 'Registration address' }).getByLabel('Country').fill('US');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog).toBeHidden();
    await expect(panel).toContainText('999-999-000');
    expect((await merchant.api.get(businessPath)).body.tax_registration_number).toBe('999-999-000');
  });

  test('the Klarna portal opens through a one-time deep link and a second use is refused', async ({
    pageAs,
    request,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const merchant = await onboardMerchant(request, baseURL, 'Portal Shop');
    const admin = await pageAs('admin');
    await openMerchant(admin, merchant);
    await expect(admin.getByText('valid for 60 seconds')).toBeVisible();
    const [portal] = await Promise.all([
      admin.context().waitForEvent('page'),
      admin.getByRole('button', { name: 'Open Klarna portal' }).click(),
    ]);
    await portal.waitForURL(/\/portal\/deep-link\//);
    await expect(portal.getByRole('heading', { name: 'Welcome to the Klarna portal' })).toBeVisible();
    await expect(portal.locator('body')).toContainText(merchant.accountId);
    await expect(portal.locator('body')).toContainText(merchant.name);
    // The user reference is the user's internal id, never a personal identifier like an email.
    const userReference =
      (
        await portal
          .locator('dt', { hasText: 'User reference' })
          .locator('xpath=following-sibling::dd[1]')
          .textContent()
      )?.trim() ?? '';
    expect(userReference).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(userReference).not.toContain('@');

    await portal.reload();
    await expect(portal.locator('body')).toContainText('already been used');
    await portal.close();

    // Each click asks Klarna for a new link.
    const [second] = await Promise.all([
      admin.context().waitForEvent('page'),
      admin.getByRole('button', { name: 'Open Klarna portal' }).click(),
    ]);
    await second.waitForURL(/\/portal\/deep-link\//);
    await expect(second.getByRole('heading', { name: 'Welcome to the Klarna portal' })).toBeVisible();
    expect(second.url()).not.toBe(portal.url());
  });

  test('a viewer sees the merchant but cannot disable the product (the server refuses)', async ({
    pageAs,
    browser,
    request,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const merchant = await onboardMerchant(request, baseURL, 'Read Only');
    const viewer = await pageAs('viewer');
    await openMerchant(viewer, merchant);
    await expect(viewer.getByRole('button', { name: 'Open Klarna portal' })).toHaveCount(0);
    await expect(viewer.getByRole('button', { name: 'Edit account details…' })).toHaveCount(0);
    let panel = await openTab(viewer, 'Payment product');
    await expect(panel.getByText('Enabled', { exact: true })).toBeVisible();
    await expect(panel.getByRole('button', { name: /payment product…/ })).toHaveCount(0);
    panel = await openTab(viewer, 'Channels');
    await expect(panel.getByRole('table', { name: 'Channels' }).getByRole('row')).toHaveCount(2);
    await expect(panel.getByRole('button', { name: 'Add channel' })).toHaveCount(0);

    // An operator with the page open is demoted; the button they still see is refused by the server.
    const admin = await pageAs('admin');
    const email = `${unique('demoted')}@example.com`;
    const { page: operator } = await newSignedInUser(admin, browser, { email, name: 'Dora Demoted', role: 'operator' });
    await openMerchant(operator, merchant);
    panel = await openTab(operator, 'Payment product');
    const disable = panel.getByRole('button', { name: 'Disable payment product…' });
    await expect(disable).toBeEnabled();

    await admin.goto('/settings/users');
    await admin.getByRole('button', { name: `Actions for ${email}` }).click();
    await admin.getByRole('menuitem', { name: 'Change role…' }).click();
    const roleDialog = admin.getByRole('dialog', { name: 'Change role of Dora Demoted' });
    await roleDialog.getByLabel('Role').selectOption('viewer');
    await roleDialog.getByRole('button', { name: 'Save role' }).click();
    await expect(admin.getByTestId(`user-row-${email}`)).toContainText('Viewer');

    await disable.click();
    const dialog = operator.getByRole('dialog', { name: 'Disable the payment product?' });
    await dialog.getByLabel('Reason').fill('Should not be allowed');
    await dialog.getByRole('button', { name: 'Disable payment product' }).click();
    await expect(dialog.getByRole('alert')).toContainText('may not change merchants at Klarna');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await merchant.api.get(accountPath(merchant.accountId))).body.products[0].state).toBe('ENABLED');
    await operator.reload();
    panel = await openTab(operator, 'Payment product');
    await expect(panel.getByText('Enabled', { exact: true })).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Disable payment product…' })).toHaveCount(0);
  });

  test('a product terminated by Klarna shows why it cannot be enabled', async ({ pageAs, request, baseURL }) => {
    const merchant = await onboardMerchant(request, baseURL, 'Terminated');
    const terminated = await merchant.api.control(`/accounts/${encodeURIComponent(merchant.accountId)}/product-state`, {
      state: 'TERMINATED',
    });
    expect(terminated.status, JSON.stringify(terminated.body)).toBe(200);
    const operator = await pageAs('operator');
    await openMerchant(operator, merchant);
    const panel = await openTab(operator, 'Payment product');
    await expect(panel.getByText('Terminated', { exact: true })).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Enable payment product…' })).toBeDisabled();
    await expect(
      panel.getByText(/Terminated by Klarna \(usually for fraud\): the product can be neither enabled nor disabled/),
    ).toBeVisible();
  });

  test('an unknown account shows a not-found page', async ({ pageAs }) => {
    const viewer = await pageAs('viewer');
    await viewer.goto(merchantPath('krn:partner:global:account:test:NOSUCH00'));
    await expect(viewer.getByRole('heading', { name: 'Merchant account not found' })).toBeVisible();
  });
});
