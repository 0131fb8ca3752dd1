import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, storageStatePath, test } from './fixtures';
import { ensureKlarnaConnected, sandboxApi } from './klarna-setup';

// The wizard end to end against the sandbox (seed, "Account structure use cases" and Management
// API test cases 2 and 9). The tests share the connection made first; names are unique per run
// because the database lives for the whole run.
test.describe.configure({ mode: 'serial' });

const run = Date.now().toString(36);
const SEED_PROFILE = 'Klarna payments – all payment methods';

type Owner = { given: string; family: string; email: string; phone: string };
type Account = { name: string; reference: string; owner?: Owner };

test.beforeAll(async ({ browser, playwright }, testInfo) => {
  const baseURL = testInfo.project.use.baseURL;
  const context = await browser.newContext({ storageState: storageStatePath(testInfo.project.name, 'admin'), baseURL });
  const request = await playwright.request.newContext();
  await ensureKlarnaConnected(await context.newPage(), request, baseURL);
  await request.dispose();
  await context.close();
});

const main = (page: Page) => page.getByRole('main');
const stepHeading = (page: Page, title: string) =>
  main(page).getByRole('heading', { level: 2, name: title, exact: true });
const next = (page: Page) => main(page).getByRole('button', { name: 'Next' }).click();

async function expectStep(page: Page, title: string) {
  await expect(stepHeading(page, title)).toBeVisible();
  await expect(
    main(page).getByRole('navigation', { name: 'Onboarding steps' }).locator('[aria-current="step"]'),
  ).toContainText(title);
}

async function fillAccount(page: Page, account: Account) {
  await expectStep(page, 'Account');
  const m = main(page);
  await m.getByLabel('Account name', { exact: true }).fill(account.name);
  await m.getByLabel('Account reference', { exact: true }).fill(account.reference);
  if (account.owner) {
    await m.getByLabel('Given name', { exact: true }).fill(account.owner.given);
    await m.getByLabel('Family name', { exact: true }).fill(account.owner.family);
    await m.getByLabel('Email', { exact: true }).fill(account.owner.email);
    await m.getByLabel('Phone', { exact: true }).fill(account.owner.phone);
  }
  await next(page);
}

/** Picks the code with the keyboard: type into the filter, Enter takes the first match. */
async function pickMcc(page: Page, filter: string, code: string) {
  await expectStep(page, 'Payment product');
  const m = main(page);
  await m.getByLabel('Find a merchant category code').fill(filter);
  await m.getByLabel('Find a merchant category code').press('Enter');
  await expect(m.getByLabel('Merchant category code', { exact: true })).toHaveValue(code);
}

async function addStores(page: Page, names: string[]) {
  const m = main(page);
  for (const [i, name] of names.entries()) {
    await m.getByRole('button', { name: 'Add physical store' }).click();
    await m
      .getByRole('group', { name: `Physical store ${i + 1}` })
      .getByLabel('Store name')
      .fill(name);
  }
}

/** On the review step: the body shown is what is sent; then submit and read the new account id. */
async function onboard(page: Page, expectInBody: string[]): Promise<string> {
  await expectStep(page, 'Review');
  const body = main(page).getByRole('figure', { name: /Request body/ });
  for (const text of expectInBody) await expect(body).toContainText(text);
  await expect(body).not.toContainText('""');
  await main(page).getByRole('button', { name: 'Onboard merchant' }).click();
  const heading = main(page).getByRole('heading', { name: /^Klarna created account / });
  await expect(heading).toBeVisible({ timeout: 20_000 });
  const accountId = (await heading.textContent())!.replace('Klarna created account ', '').trim();
  expect(accountId).toMatch(/^krn:partner:global:account:/);
  return accountId;
}

/**
 * On the merchants list: the accounts are listed, the one just onboarded still "Setting up"
 * (the E2E sandbox finishes 6 s after onboarding), and each turns "Operational" by itself, as
 * Klarna's webhook arrives, without a reload.
 */
async function expectTurnsOperational(page: Page, names: string[]) {
  const table = main(page).getByRole('table', { name: 'Merchant accounts' });
  await expect(
    table
      .getByRole('row')
      .filter({ hasText: names.at(-1)! })
      .getByText('Setting up', { exact: true }),
  ).toBeVisible({ timeout: 5_000 });
  // A mark on the window: a reload (or any full navigation) would drop it.
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
  for (const name of names) await expect(table.getByRole('row').filter({ hasText: name })).toBeVisible();
  for (const name of names)
    await expect(
      table.getByRole('row').filter({ hasText: name }).getByText('Operational', { exact: true }),
    ).toBeVisible({ timeout: 25_000 });
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
}

/** Every account the sandbox holds for this partner (Klarna's own view, not the dashboard's cache). */
async function klarnaAccounts(
  request: APIRequestContext,
  baseURL: string | undefined,
): Promise<{ account_id: string; account_name: string; state: string }[]> {
  const api = await sandboxApi(request, baseURL);
  const all: { account_id: string; account_name: string; state: string }[] = [];
  let after = '';
  for (;;) {
    const page = await api.get(`/v1/accounts?limit=100${after ? `&starting_after=${encodeURIComponent(after)}` : ''}`);
    expect(page.status).toBe(200);
    all.push(...page.body.accounts);
    if (!page.body.has_more || page.body.accounts.length === 0) return all;
    after = page.body.accounts.at(-1).account_id;
  }
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).include('main').analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
}

test('Management API test case 2: onboard a single-store retailer (CoolBrand) with its business information, and see it become operational', async ({
  pageAs,
  request,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const admin = await pageAs('admin');
  const name = `CoolBrand ${run}`;
  await admin.goto('/merchants/onboard');
  await fillAccount(admin, {
    name,
    reference: `M1237861${run}`,
    owner: { given: 'Julia', family: 'Doe', email: 'julia.doe@coolbrand.example', phone: '+15555555555' },
  });

  // Business information (seed, "Sample business data"): CoolBrand is registered where it operates, in Milan.
  await expectStep(admin, 'Business information');
  const m = main(admin);
  await m.getByLabel('Business name').fill('CoolBrand S.r.l.');
  await m.getByLabel('Business entity type').selectOption('LIMITED_LIABILITY_COMPANY');
  await m.getByLabel('Registration number (optional)', { exact: true }).fill('MI-1234567');
  const operating = m.getByRole('group', { name: 'Operating address' });
  await operating.getByLabel('Street address', { exact: true }).fill('Via Monte Napoleone 8');
  await operating.getByLabel('Postal code').fill('20121');
  await operating.getByLabel('City').fill('Milano');
  await operating.getByLabel('Country').fill('it');
  await expect(operating.getByLabel('Country')).toHaveValue('IT');
  await next(admin);

  await pickMcc(admin, '5691', '5691');
  await expect(m.getByText("Chosen: 5691 – Men's and women's clothing stores")).toBeVisible();
  await m.getByLabel('Distribution profile').selectOption({ label: SEED_PROFILE });
  await next(admin);

  // Next without a channel is refused on this step, with the rule's message.
  await expectStep(admin, 'Channels');
  await next(admin);
  await expect(m.getByText('needs at least one channel: a website, a physical store or a mobile app')).toBeVisible();
  await expectStep(admin, 'Channels');
  await m.getByRole('button', { name: 'Add website' }).click();
  await expect(m.getByRole('button', { name: 'Add website' })).toBeDisabled();
  await m.getByLabel('Website URL 1').fill('https://coolbrand.example');
  await next(admin);

  await expectStep(admin, 'Settlement');
  await expect(m.getByLabel('Settlement configuration')).toHaveValue('');
  await next(admin);

  const accountId = await onboard(admin, [
    '"merchant_category_code": "5691"',
    '"https://coolbrand.example"',
    '"business_name": "CoolBrand S.r.l."',
    '"country": "IT"',
  ]);
  await expect(main(admin).getByRole('figure')).toHaveCount(0);
  await expect(
    main(admin)
      .getByText('Setting up')
      .or(main(admin).getByText('Operational', { exact: true })),
  ).toBeVisible();

  // Klarna holds what was sent (test case 2: "validate all the account and business info … are sent").
  const api = await sandboxApi(request, baseURL);
  const business = await api.get(`/v1/accounts/${encodeURIComponent(accountId)}/business-information`);
  expect(business.body).toMatchObject({
    business_name: 'CoolBrand S.r.l.',
    business_entity_type: 'LIMITED_LIABILITY_COMPANY',
    registration_number: 'MI-1234567',
  });

  await main(admin).getByRole('link', { name: 'Open merchants list' }).click();
  await expect(admin).toHaveURL(/\/merchants$/);
  await expectTurnsOperational(admin, [name]);
});

test('Management API test case 2: onboard a multi-channel merchant (Ivette Croissanterie): one website and two physical stores', async ({
  pageAs,
}) => {
  test.setTimeout(120_000);
  const admin = await pageAs('admin');
  const name = `Ivette Croissanterie ${run}`;
  await admin.goto('/merchants/onboard');
  await fillAccount(admin, {
    name,
    reference: `M1237899${run}`,
    owner: { given: 'Ivette', family: 'Doe', email: 'ivette@ivettecroissanterie.example', phone: '+49555555555' },
  });
  await expectStep(admin, 'Business information');
  await next(admin); // left empty: not sent

  await pickMcc(admin, 'bakeries', '5462');
  await next(admin);

  await expectStep(admin, 'Channels');
  const m = main(admin);
  await m.getByRole('button', { name: 'Add website' }).click();
  await m.getByLabel('Website URL 1').fill('https://ivettecroissanterie.example');
  await addStores(admin, ['Ivette Croissanterie Joliette', 'Ivette Croissanterie Port']);
  // The Port store's address, in Marseille.
  const port = m.getByRole('group', { name: 'Physical store 2' });
  await port.getByLabel('Add the store’s address').check();
  await port.getByLabel('Street address', { exact: true }).fill('Quai du Port 12');
  await port.getByLabel('Postal code').fill('13002');
  await port.getByLabel('City').fill('Marseille');
  await port.getByLabel('Country').fill('FR');
  await next(admin);

  await expectStep(admin, 'Settlement');
  await m.getByLabel('Settlement configuration').selectOption({ label: 'Global payouts' });
  const chosen = m.getByRole('region', { name: 'Chosen settlement configuration' });
  await expect(chosen).toContainText('Daily, 2 days after capture');
  await expect(chosen).toContainText('Sandbox Acquiring Partner B.V.');
  await expect(chosen).toContainText('EUR');
  await next(admin);

  await onboard(admin, [
    '"physical-stores"',
    '"Ivette Croissanterie Joliette"',
    '"city": "Marseille"',
    '"settlement_configuration_id"',
    '"merchant_category_code": "5462"',
  ]);
  await main(admin).getByRole('link', { name: 'Open merchants list' }).click();
  await expectTurnsOperational(admin, [name]);
});

test("Management API test case 2: onboard a franchise as several accounts (William's Top Burger): one per franchisee, Vera with four stores", async ({
  pageAs,
}) => {
  test.setTimeout(120_000);
  const admin = await pageAs('admin');
  const m = main(admin);
  const names = { maja: `Maja WTB ${run}`, liam: `Liam WTB ${run}`, vera: `Vera WTB ${run}` };
  await admin.goto('/merchants/onboard');
  await fillAccount(admin, {
    name: names.maja,
    reference: `M1237899${run}`,
    owner: { given: 'Maja', family: 'Doe', email: 'maja.franchisee@wtb.example', phone: '+49555555555' },
  });
  await expectStep(admin, 'Business information');
  await m.getByLabel('Business name').fill("William's Top Burger AB");
  await m.getByLabel('Business entity type').selectOption('CORPORATION');
  await next(admin);
  await expectStep(admin, 'Payment product');
  await m.getByLabel('Merchant category code', { exact: true }).selectOption('5812');
  await m.getByLabel('Distribution profile').selectOption({ label: SEED_PROFILE });
  await next(admin);
  await expectStep(admin, 'Channels');
  await addStores(admin, ['Maja WTB']);
  await next(admin);
  await next(admin);
  await onboard(admin, ['"Maja WTB"', '"merchant_category_code": "5812"']);

  // The next franchisee: same business and product, a new name, reference, owner and channels.
  let previousEmail = 'maja.franchisee@wtb.example';
  for (const [owner, stores] of [
    ['Liam', ['Liam WTB']],
    ['Vera', ['Vera WTB #1', 'Vera WTB #2', 'Vera WTB #3', 'Vera WTB #4']],
  ] as const) {
    await m.getByRole('button', { name: 'Onboard another account for this business' }).click();
    await expect(admin).toHaveURL(/\/merchants\/onboard\?draft=[0-9a-f-]{36}$/);
    await expectStep(admin, 'Account');
    await expect(m.getByLabel('Account name', { exact: true })).toHaveValue('');
    await expect(m.getByLabel('Account reference', { exact: true })).toHaveValue('');
    await expect(m.getByLabel('Email', { exact: true })).toHaveValue(previousEmail);
    previousEmail = `${owner.toLowerCase()}.franchisee@wtb.example`;
    await m.getByLabel('Given name', { exact: true }).fill(owner);
    await m.getByLabel('Email', { exact: true }).fill(previousEmail);
    await fillAccount(admin, { name: owner === 'Liam' ? names.liam : names.vera, reference: `M1237899${run}` });
    await expect(m.getByLabel('Business name')).toHaveValue("William's Top Burger AB");
    await next(admin);
    await expect(m.getByLabel('Merchant category code', { exact: true })).toHaveValue('5812');
    await next(admin);
    await expectStep(admin, 'Channels');
    await expect(m.getByRole('group', { name: /Physical store/ })).toHaveCount(0);
    await addStores(admin, [...stores]);
    await next(admin);
    await next(admin);
    await onboard(admin, [`"given_name": "${owner}"`, ...stores.map((s) => `"${s}"`)]);
  }

  await m.getByRole('link', { name: 'Open merchants list' }).click();
  await expectTurnsOperational(admin, [names.maja, names.liam, names.vera]);
});

test("Management API test case 9: Klarna's validation error lands on the right field, and nothing is created", async ({
  pageAs,
  request,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const admin = await pageAs('admin');
  const m = main(admin);
  const name = `Collection too early ${run}`;
  await admin.goto('/merchants/onboard');
  await fillAccount(admin, {
    name,
    reference: `M9${run}`,
    owner: { given: 'John', family: 'Doe', email: 'john.doe@example.com', phone: '+18445527621' },
  });
  await next(admin);
  await pickMcc(admin, 'restaurants', '5812');
  await next(admin);
  await addStores(admin, ['Main street', 'Harbour']);
  // Well formed, so it passes this side's checks; Klarna refuses it because the new account has no collections yet.
  const harbour = m.getByRole('group', { name: 'Physical store 2' });
  await harbour.getByLabel('Channel collection reference').fill('harbour-brand');
  await next(admin);
  await next(admin);
  await expectStep(admin, 'Review');
  await expect(m.getByRole('figure', { name: /Request body/ })).toContainText(
    '"collection_reference": "harbour-brand"',
  );
  await m.getByRole('button', { name: 'Onboard merchant' }).click();

  // Back on Channels, the message under the very input, and Klarna's message with its error id above.
  await expectStep(admin, 'Channels');
  const alert = m.getByRole('alert').filter({ hasText: 'Klarna did not onboard the merchant' });
  await expect(alert).toContainText('channel.physical-stores[1].collection_reference');
  await expect(alert).toContainText(/Klarna error id: \S+/);
  const input = m.getByRole('group', { name: 'Physical store 2' }).getByLabel('Channel collection reference');
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(input).toHaveAccessibleDescription(/a new account has no channel collections yet/);
  await expect(input).toBeFocused();
  await expect(
    m.getByRole('group', { name: 'Physical store 1' }).getByLabel('Channel collection reference'),
  ).not.toHaveAttribute('aria-invalid', 'true');

  // Nothing was created at Klarna.
  expect((await klarnaAccounts(request, baseURL)).filter((a) => a.account_name === name)).toEqual([]);

  // Editing the field clears its error.
  await input.fill('');
  await expect(input).not.toHaveAttribute('aria-invalid', 'true');
});

// Klarna replays the first definitive answer for a key, a refusal included; the onboarding key
// covers the draft and its body (lib/merchants/service.ts), so the fixed draft is a new intent.
test('after Klarna refused a draft, fixing the field onboards the same draft', async ({ pageAs, request, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await pageAs('admin');
  const m = main(admin);
  const name = `Fixed after refusal ${run}`;
  await admin.goto('/merchants/onboard');
  await fillAccount(admin, {
    name,
    reference: `MF${run}`,
    owner: { given: 'John', family: 'Doe', email: 'john.doe@example.com', phone: '+18445527621' },
  });
  await next(admin);
  await pickMcc(admin, 'restaurants', '5812');
  await next(admin);
  await addStores(admin, ['Harbour']);
  const input = m.getByRole('group', { name: 'Physical store 1' }).getByLabel('Channel collection reference');
  await input.fill('harbour-brand');
  await next(admin);
  await next(admin);
  await m.getByRole('button', { name: 'Onboard merchant' }).click();
  await expect(input).toHaveAccessibleDescription(/a new account has no channel collections yet/);

  await input.fill('');
  await m.getByRole('button', { name: /Review/ }).click();
  await m.getByRole('button', { name: 'Onboard merchant' }).click();
  await expect(m.getByRole('heading', { name: /^Klarna created account / })).toBeVisible({ timeout: 20_000 });
  expect((await klarnaAccounts(request, baseURL)).filter((a) => a.account_name === name)).toHaveLength(1);
});

test('a draft survives a reload: the same values at the same step', async ({ pageAs }) => {
  test.setTimeout(60_000);
  const admin = await pageAs('admin');
  const m = main(admin);
  const name = `Draft ${run}`;
  await admin.goto('/merchants/onboard');
  expect(await seriousViolations(admin)).toEqual([]);
  await fillAccount(admin, {
    name,
    reference: `MD${run}`,
    owner: { given: 'Julia', family: 'Doe', email: 'julia@draft.example', phone: '+15555555555' },
  });
  await expectStep(admin, 'Business information');
  await m.getByLabel('Business name').fill('Draft Holdings');
  const status = m.getByRole('status').filter({ hasText: /^(Saved at|Saving…|Unsaved changes|Not saved)/ });
  await expect(status).toHaveText(/^Saved at \d\d:\d\d:\d\d UTC$/);
  await expect(admin).toHaveURL(/\/merchants\/onboard\?draft=[0-9a-f-]{36}$/);
  const url = admin.url();

  await admin.reload();
  expect(admin.url()).toBe(url);
  await expectStep(admin, 'Business information');
  await expect(m.getByLabel('Business name')).toHaveValue('Draft Holdings');
  await main(admin).getByRole('button', { name: 'Back' }).click();
  await expectStep(admin, 'Account');
  await expect(m.getByLabel('Account name', { exact: true })).toHaveValue(name);
  await expect(m.getByLabel('Email', { exact: true })).toHaveValue('julia@draft.example');
  await expect(m.getByLabel('Phone', { exact: true })).toHaveValue('+15555555555');

  // The explicit button saves too, and the steps are reachable from the step list by keyboard.
  await m.getByRole('button', { name: 'Save draft' }).click();
  await expect(status).toHaveText(/^Saved at /);
  await m.getByRole('button', { name: /Channels/ }).focus();
  await admin.keyboard.press('Enter');
  await expectStep(admin, 'Channels');
  expect(await seriousViolations(admin)).toEqual([]);

  // An unknown draft says so.
  await admin.goto('/merchants/onboard?draft=00000000-0000-4000-8000-000000000000');
  await expect(m.getByText('This onboarding draft does not exist')).toBeVisible();
});

test('a double click on "Onboard merchant" creates one account', async ({ pageAs, request, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await pageAs('admin');
  const m = main(admin);
  const name = `Double click ${run}`;
  await admin.goto('/merchants/onboard');
  await fillAccount(admin, {
    name,
    reference: `MX${run}`,
    owner: { given: 'John', family: 'Doe', email: 'john.doe@example.com', phone: '+18445527621' },
  });
  await next(admin);
  await pickMcc(admin, '5411', '5411');
  await next(admin);
  await m.getByRole('button', { name: 'Add mobile app' }).click();
  await m.getByRole('group', { name: 'Mobile app 1' }).getByLabel('App name').fill('Double click app');
  await next(admin);
  await next(admin);
  await expectStep(admin, 'Review');
  await m.getByRole('button', { name: 'Onboard merchant' }).dblclick();
  await expect(m.getByRole('heading', { name: /^Klarna created account / })).toBeVisible({ timeout: 20_000 });

  expect((await klarnaAccounts(request, baseURL)).filter((a) => a.account_name === name)).toHaveLength(1);
  // Reopening the onboarded draft shows the account, never the wizard again.
  await admin.reload();
  await expect(m.getByRole('heading', { name: /^Klarna created account / })).toBeVisible();
  await expect(m.getByRole('button', { name: 'Onboard merchant' })).toHaveCount(0);
  await admin.goto('/merchants');
  await expect(
    m.getByRole('table', { name: 'Merchant accounts' }).getByRole('row').filter({ hasText: name }),
  ).toHaveCount(1);
});

test('a viewer and an operator are refused the wizard', async ({ pageAs }) => {
  for (const role of ['viewer', 'operator'] as const) {
    const page = await pageAs(role);
    await page.goto('/merchants/onboard');
    await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
    await expect(page.getByText(/may not onboard merchants/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Onboard merchant' })).toHaveCount(0);
  }
});
