import { randomUUID } from 'node:crypto';
import { addUserViaUi, demoAdmin, expect, submitCredentials, test } from './fixtures';

const uniqueEmail = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}@example.com`;

test.describe('user management', () => {
  test('an admin adds a user, who signs in with the one-time password and sets their own', async ({
    pageAs,
    browser,
  }) => {
    const admin = await pageAs('admin');
    const email = uniqueEmail('new-operator');
    const oneTimePassword = await addUserViaUi(admin, { email, name: 'Nia Newcomer', role: 'operator' });
    expect(oneTimePassword).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    const row = admin.getByTestId(`user-row-${email}`);
    await expect(row).toContainText('Operator');
    await expect(row).toContainText('Must set password');

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto('/sign-in');
    await submitCredentials(page, email, oneTimePassword);
    await expect(page.getByText('Choose your own password')).toBeVisible();
    await page.getByLabel('New password').fill('short');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await expect(page.getByText('Use at least 14 characters (this has 5).')).toBeVisible();
    await page.getByLabel('New password').fill('my very own passphrase');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Welcome, Nia Newcomer' })).toBeVisible();
    await context.close();

    await admin.reload();
    await expect(row).toContainText('Active');
  });

  test('a duplicate email is refused on the email field', async ({ pageAs }) => {
    const admin = await pageAs('admin');
    await admin.goto('/settings/users');
    await admin.getByRole('button', { name: 'Add user' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Add a user' });
    await dialog.getByLabel('Email').fill('e2e-viewer@example.com');
    await dialog.getByLabel('Name').fill('Someone');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await expect(dialog.getByText('A user with this email already exists.')).toBeVisible();
    await dialog.getByLabel('Email').fill('not-an-email');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await expect(dialog.getByText('Enter an email address such as name@example.com')).toBeVisible();
  });

  test('an admin changes a role, disables, re-enables and resets a password; each is audited', async ({
    pageAs,
    browser,
  }) => {
    // Five dialogs, a sign-in attempt and the audit log: more than the default 30 s on a busy machine.
    test.setTimeout(60_000);
    const admin = await pageAs('admin');
    const email = uniqueEmail('managed');
    await addUserViaUi(admin, { email, name: 'Manny Managed' });
    const row = admin.getByTestId(`user-row-${email}`);
    const actions = row.getByRole('button', { name: `Actions for ${email}` });

    await actions.click();
    await admin.getByRole('menuitem', { name: 'Change role…' }).click();
    let dialog = admin.getByRole('dialog', { name: 'Change role of Manny Managed' });
    await dialog.getByLabel('Role').selectOption('operator');
    await dialog.getByRole('button', { name: 'Save role' }).click();
    await expect(row).toContainText('Operator');

    await actions.click();
    await admin.getByRole('menuitem', { name: 'Reset password…' }).click();
    dialog = admin.getByRole('dialog', { name: 'Reset password of Manny Managed?' });
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    const newPassword = (await dialog.getByTestId('secret-value').textContent())!.trim();
    await dialog.getByRole('button', { name: 'Done' }).click();

    await actions.click();
    await admin.getByRole('menuitem', { name: 'Disable…' }).click();
    await admin
      .getByRole('dialog', { name: 'Disable Manny Managed?' })
      .getByRole('button', { name: 'Disable user' })
      .click();
    await expect(row).toContainText('Disabled');

    // A disabled user cannot sign in, even with the right password.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto('/sign-in');
    await submitCredentials(page, email, newPassword);
    await expect(page.getByRole('main').getByRole('alert')).toHaveText(
      'This account is disabled. Ask an admin to enable it again.',
    );
    await context.close();

    await actions.click();
    await admin.getByRole('menuitem', { name: 'Enable…' }).click();
    await admin
      .getByRole('dialog', { name: 'Enable Manny Managed?' })
      .getByRole('button', { name: 'Enable user' })
      .click();
    await expect(row).not.toContainText('Disabled');

    await admin.goto('/settings/audit');
    const log = admin.getByRole('table', { name: 'Audit entries, newest first' });
    for (const action of [
      'users.enable',
      'users.disable',
      'users.reset_password',
      'users.change_role',
      'users.create',
    ]) {
      await expect(log.getByRole('row').filter({ hasText: action }).filter({ hasText: email }).first()).toBeVisible();
    }
  });

  test('an admin cannot disable their own account', async ({ pageAs }, testInfo) => {
    const admin = await pageAs('admin');
    await admin.goto('/settings/users');
    const { email } = demoAdmin(testInfo.project.name);
    await admin.getByRole('button', { name: `Actions for ${email}` }).click();
    await expect(admin.getByRole('menuitem', { name: 'Disable…' })).toHaveAttribute('aria-disabled', 'true');
  });
});

test.describe('a viewer', () => {
  test('sees no Users link and is refused the Users page', async ({ pageAs }) => {
    const viewer = await pageAs('viewer');
    await viewer.goto('/');
    const nav = viewer.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Payments' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
    await viewer.goto('/settings/users');
    await expect(viewer.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
    await expect(viewer.getByText('Your role (Viewer) may not manage users; it needs Admin.')).toBeVisible();
    await expect(viewer.getByRole('table')).toHaveCount(0);
  });

  test('is refused by the server when calling the user-management action directly', async ({ pageAs }) => {
    // Capture how the browser calls the change-role server action, as an admin would.
    const admin = await pageAs('admin');
    await admin.goto('/settings/users');
    const target = 'e2e-operator@example.com';
    await admin.getByRole('button', { name: `Actions for ${target}` }).click();
    await admin.getByRole('menuitem', { name: 'Change role…' }).click();
    const dialog = admin.getByRole('dialog', { name: /^Change role of/ });
    await dialog.getByLabel('Role').selectOption('admin');
    // Stop the admin's own call before it reaches the server: only its shape is needed.
    let captured: { url: string; headers: Record<string, string>; body: string } | null = null;
    await admin.route('**/settings/users', async (route) => {
      const request = route.request();
      if (request.method() === 'POST' && request.headers()['next-action']) {
        captured = { url: request.url(), headers: request.headers(), body: request.postData() ?? '' };
        await route.abort();
      } else await route.continue();
    });
    await dialog.getByRole('button', { name: 'Save role' }).click();
    await expect.poll(() => captured).not.toBeNull();
    const call = captured!;
    expect(call.body).toContain('"role":"admin"');

    // Replay it with the viewer's session.
    const viewer = await pageAs('viewer');
    await viewer.goto('/');
    const response = await viewer.request.post(call.url, {
      headers: {
        'next-action': call.headers['next-action']!,
        'content-type': call.headers['content-type'] ?? 'text/plain;charset=UTF-8',
        accept: 'text/x-component',
      },
      data: call.body,
    });
    const text = await response.text();
    expect(text).toContain('FORBIDDEN');
    expect(text).toContain('Your role (Viewer) may not manage users');

    // Nothing changed, and the attempt is on record.
    await admin.unroute('**/settings/users');
    await admin.goto('/settings/users');
    await expect(admin.getByTestId(`user-row-${target}`)).toContainText('Operator');
    await admin.goto('/settings/audit?action=access.denied');
    await expect(
      admin
        .getByRole('row')
        .filter({ hasText: 'e2e-viewer@example.com' })
        .filter({ hasText: 'changeUserRole' })
        .first(),
    ).toBeVisible();
  });
});
