import { randomUUID } from 'node:crypto';
import type { Browser, Page } from '@playwright/test';
import { expect, newSignedInUser, submitCredentials, test } from './fixtures';

// Each test signs its own new users in and out: ending the shared fixture sessions would break other specs.
// Several sign-ins per test (argon2 on a shared machine): a generous timeout.
test.describe.configure({ timeout: 120_000 });

const uniqueEmail = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}@example.com`;

async function signInElsewhere(browser: Browser, email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/sign-in');
  await submitCredentials(page, email, password);
  await expect(page.getByRole('heading', { name: /^Welcome,/ })).toBeVisible();
  return page;
}

async function signOutViaMenu(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Account menu for/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

test('after sign-out the saved cookie is refused by a page, a route handler and a server action', async ({
  pageAs,
  browser,
}) => {
  const email = uniqueEmail('signout');
  const { page, password } = await newSignedInUser(await pageAs('admin'), browser, {
    email,
    name: 'Sid Signout',
    role: 'operator',
  });

  // While signed in: capture how the browser calls a mutating server action (change password), without sending it.
  await page.goto('/account');
  let captured: { url: string; headers: Record<string, string>; body: string } | null = null;
  await page.route('**/account', async (route) => {
    const request = route.request();
    if (request.method() === 'POST' && request.headers()['next-action']) {
      captured = { url: request.url(), headers: request.headers(), body: request.postData() ?? '' };
      await route.abort();
    } else await route.continue();
  });
  await page.getByLabel('Current password').fill(password);
  await page.getByLabel('New password', { exact: true }).fill('a replayed new passphrase');
  await page.getByLabel('Repeat new password').fill('a replayed new passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect.poll(() => captured).not.toBeNull();
  const call = captured!;
  await page.unroute('**/account');

  // Save the cookie, and show it works before signing out.
  const saved = await page.context().cookies();
  const replay = await browser.newContext();
  await replay.addCookies(saved);
  expect((await replay.request.get('/api/payments/version')).status()).toBe(200);

  await signOutViaMenu(page);

  // The same cookie, replayed: signed out everywhere.
  const replayPage = await replay.newPage();
  await replayPage.goto('/payments');
  await expect(replayPage).toHaveURL(/\/sign-in\?callbackUrl=%2Fpayments$/);
  const handler = await replay.request.get('/api/payments/version');
  expect(handler.status()).toBe(401);
  expect(await handler.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  const action = await replay.request.post(call.url, {
    headers: {
      'next-action': call.headers['next-action']!,
      'content-type': call.headers['content-type'] ?? 'text/plain;charset=UTF-8',
      accept: 'text/x-component',
    },
    data: call.body,
  });
  const text = await action.text();
  expect(text).toContain('UNAUTHENTICATED');
  expect(text).toContain('Your session has ended. Sign in again.');

  // The action changed nothing: the old password still signs in.
  await replayPage.goto('/sign-in');
  await submitCredentials(replayPage, email, password);
  await expect(replayPage.getByRole('heading', { name: 'Welcome, Sid Signout' })).toBeVisible();
  await replay.close();
  await page.context().close();
});

test('Your account lists active sessions and signs out one, then all the others', async ({ pageAs, browser }) => {
  const email = uniqueEmail('sessions');
  const { page, password } = await newSignedInUser(await pageAs('admin'), browser, { email, name: 'Sana Sessions' });
  const laptop = await signInElsewhere(browser, email, password);

  await page.goto('/account');
  const list = page.getByRole('list', { name: 'Active sessions' });
  await expect(list.getByTestId('session-row')).toHaveCount(2);
  await expect(list.getByTestId('session-row').first()).toContainText('This browser');
  await expect(list.getByTestId('session-row').first()).toContainText(/last seen .* \(UTC\)/);

  // One session: the other row's own button.
  await list.getByTestId('session-row').nth(1).getByRole('button', { name: 'Sign out' }).click();
  await page
    .getByRole('dialog', { name: /^Sign out .*\?$/ })
    .getByRole('button', { name: 'Sign out that session' })
    .click();
  await expect(page.getByText(/^Signed out .+\.$/)).toBeVisible();
  await expect(list.getByTestId('session-row')).toHaveCount(1);
  await laptop.goto('/account');
  await expect(laptop).toHaveURL(/\/sign-in\?callbackUrl=%2Faccount$/);

  // All the others at once.
  const phone = await signInElsewhere(browser, email, password);
  const tablet = await signInElsewhere(browser, email, password);
  await page.reload();
  await expect(list.getByTestId('session-row')).toHaveCount(3);
  await page.getByRole('button', { name: 'Sign out other sessions' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sign out all your other sessions?' });
  await expect(dialog).toContainText('(2 now)');
  await dialog.getByRole('button', { name: 'Sign out other sessions' }).click();
  await expect(page.getByText('Your other sessions are signed out.')).toBeVisible();
  await expect(list.getByTestId('session-row')).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Sign out other sessions' })).toBeDisabled();
  for (const other of [phone, tablet]) {
    await other.goto('/');
    await expect(other).toHaveURL(/\/sign-in$/);
  }
  // This browser stays signed in.
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Welcome, Sana Sessions' })).toBeVisible();
  for (const p of [page, laptop, phone, tablet]) await p.context().close();
});

test('an admin ends all sessions of a user, with confirmation, and it is audited', async ({ pageAs, browser }) => {
  const admin = await pageAs('admin');
  const email = uniqueEmail('ended');
  const { page } = await newSignedInUser(admin, browser, { email, name: 'Enzo Ended' });

  await admin.goto('/settings/users');
  await admin
    .getByTestId(`user-row-${email}`)
    .getByRole('button', { name: `Actions for ${email}` })
    .click();
  await admin.getByRole('menuitem', { name: 'End all sessions…' }).click();
  const dialog = admin.getByRole('dialog', { name: 'End all sessions of Enzo Ended?' });
  await expect(dialog).toContainText(`Every browser signed in as ${email} is signed out at once`);
  await dialog.getByRole('button', { name: 'End all sessions' }).click();
  await expect(admin.getByText(`Ended 1 session of ${email}.`)).toBeVisible();

  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await admin.goto('/settings/audit');
  const log = admin.getByRole('table', { name: 'Audit entries, newest first' });
  await expect(
    log.getByRole('row').filter({ hasText: 'users.end_sessions' }).filter({ hasText: email }).first(),
  ).toBeVisible();
  await page.context().close();
});
