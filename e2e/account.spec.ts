import { randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { expect, newSignedInUser, submitCredentials, test } from './fixtures';

// What an authenticator app would show for this seed at time `at`.
const codeAt = (secret: string, at: number) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at });

test.describe('your account', () => {
  // These walk a whole user life cycle (create, first sign-in, enrol, sign in again).
  test.describe.configure({ timeout: 60_000 });

  test('enrol in two-step sign-in with a QR code, then sign in with a code', async ({ pageAs, browser }) => {
    const email = `totp-${randomUUID().slice(0, 8)}@example.com`;
    const { page, password } = await newSignedInUser(await pageAs('admin'), browser, { email, name: 'Tove Totp' });

    await page.goto('/account');
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    await expect(
      page.getByRole('img', { name: 'QR code to add this dashboard to an authenticator app' }),
    ).toBeVisible();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();

    await page.getByLabel('Code from the app').fill(codeAt(secret, Date.now() - 120_000));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await expect(page.getByText('That code does not match.')).toBeVisible();

    await page.getByLabel('Code from the app').fill(codeAt(secret, Date.now()));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await expect(page.getByText('Two-step sign-in is on.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Turn off two-step sign-in' })).toBeVisible();

    // Sign out and back in: the password alone is not enough now.
    await page.getByRole('button', { name: /^Account menu for/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await submitCredentials(page, email, password);
    const codeField = page.getByLabel('Authentication code');
    await expect(codeField).toBeFocused();
    await codeField.fill('000000' === codeAt(secret, Date.now()) ? '111111' : '000000');
    await page.getByRole('button', { name: 'Verify code' }).click();
    await expect(page.getByRole('main').getByRole('alert')).toContainText('That code is not valid.');
    // The enrolment used the current time step; the next one is within the accepted drift.
    await codeField.fill(codeAt(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify code' }).click();
    await expect(page.getByRole('heading', { name: 'Welcome, Tove Totp' })).toBeVisible();

    // Turning it off needs the password.
    await page.goto('/account');
    await page.getByLabel('Password', { exact: true }).fill('not my password at all');
    await page.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
    await expect(page.getByText('Your password is not correct.')).toBeVisible();
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
    await expect(page.getByText('Two-step sign-in is off.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Set up two-step sign-in' })).toBeVisible();
    await page.context().close();
  });

  test('an admin removes the two-step sign-in of a user who lost their phone', async ({ pageAs, browser }) => {
    const admin = await pageAs('admin');
    const email = `lost-${randomUUID().slice(0, 8)}@example.com`;
    const { page, password } = await newSignedInUser(admin, browser, { email, name: 'Lena Lostphone' });
    await page.goto('/account');
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    await page.getByLabel('Code from the app').fill(codeAt(secret, Date.now()));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await expect(page.getByRole('button', { name: 'Turn off two-step sign-in' })).toBeVisible();

    await admin.goto('/settings/users');
    const row = admin.getByTestId(`user-row-${email}`);
    await expect(row.getByRole('cell').nth(3)).toHaveText('On');
    await row.getByRole('button', { name: `Actions for ${email}` }).click();
    await admin.getByRole('menuitem', { name: 'Remove two-step sign-in…' }).click();
    await admin
      .getByRole('dialog', { name: 'Remove two-step sign-in of Lena Lostphone?' })
      .getByRole('button', { name: 'Remove two-step sign-in' })
      .click();
    await expect(row.getByRole('cell').nth(3)).toHaveText('Off');

    // Their old session ended; the password alone signs them in now.
    await page.goto('/account');
    await expect(page).toHaveURL(/\/sign-in/);
    await submitCredentials(page, email, password);
    await expect(page.getByRole('heading', { name: 'Your account', level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Set up two-step sign-in' })).toBeVisible();
    await page.context().close();
  });

  test('change your own password: signed out, and only the new one works', async ({ pageAs, browser }) => {
    const email = `pw-${randomUUID().slice(0, 8)}@example.com`;
    const { page, password } = await newSignedInUser(await pageAs('admin'), browser, { email, name: 'Paula Password' });
    await page.goto('/account');
    await page.getByLabel('Current password').fill('not my password at all');
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('Repeat new password').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByText('Your current password is not correct.')).toBeVisible();

    await page.getByLabel('Current password').fill(password);
    await page.getByLabel('Repeat new password').fill('a different passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByText('The two new passwords differ.')).toBeVisible();

    await page.getByLabel('Repeat new password').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await submitCredentials(page, email, password);
    await expect(page.getByRole('main').getByRole('alert')).toHaveText('Wrong email or password.');
    await submitCredentials(page, email, 'a brand new passphrase');
    await expect(page.getByRole('heading', { name: 'Welcome, Paula Password' })).toBeVisible();
    await page.context().close();
  });
});
