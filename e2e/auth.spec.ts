import { randomUUID } from 'node:crypto';
import { demoAdmin, expect, submitCredentials, test } from './fixtures';

test.describe('sign-in', () => {
  test('the demo admin signs in and sees the shell @smoke', async ({ page }, testInfo) => {
    const { email, password } = demoAdmin(testInfo.project.name);
    await page.goto('/');
    await expect(page).toHaveURL(/\/sign-in$/);
    await submitCredentials(page, email, password);

    await expect(page.getByRole('heading', { name: 'Welcome, Demo Admin' })).toBeVisible();
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const item of ['Overview', 'Merchants', 'Payments', 'Settlements', 'Virtual cards', 'Endpoints & keys', 'Event log', 'API request log', 'Users', 'Audit log', 'API credentials']) {
      await expect(nav.getByRole('link', { name: item, exact: true })).toBeVisible();
    }
    await expect(page.getByLabel(/^Environment: SANDBOX/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Account menu for Demo Admin' })).toBeVisible();
  });

  test('a wrong password gets a clear error and no session @smoke', async ({ page }, testInfo) => {
    const { email } = demoAdmin(testInfo.project.name);
    await page.goto('/sign-in');
    await submitCredentials(page, email, 'definitely not the password');
    await expect(page.getByRole('main').getByRole('alert')).toHaveText('Wrong email or password.');
    await page.goto('/settings/users');
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fsettings%2Fusers$/);
  });

  test('six rapid wrong attempts are throttled with the time to wait', async ({ page }) => {
    const email = `throttle-${randomUUID()}@example.com`;
    await page.goto('/sign-in');
    for (let i = 1; i <= 5; i++) {
      await submitCredentials(page, email, `wrong password number ${i}`);
      await expect(page.getByRole('main').getByRole('alert')).toHaveText('Wrong email or password.');
    }
    await submitCredentials(page, email, 'wrong password number 6');
    await expect(page.getByRole('main').getByRole('alert')).toHaveText(/^Too many attempts, try again in \d+ s\.$/);
    const seconds = Number((await page.getByRole('main').getByRole('alert').textContent())!.match(/in (\d+) s/)![1]);
    expect(seconds).toBeGreaterThan(800);
    expect(seconds).toBeLessThanOrEqual(900);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  });

  test('signing in returns to the page asked for', async ({ page }, testInfo) => {
    const { email, password } = demoAdmin(testInfo.project.name);
    await page.goto('/settings/audit');
    await expect(page).toHaveURL(/callbackUrl=%2Fsettings%2Faudit/);
    await submitCredentials(page, email, password);
    await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
    await expect(page).toHaveURL(/\/settings\/audit$/);
  });

  test('sign out ends the session', async ({ pageAs }) => {
    // A session of its own: signing out the shared admin session would break other specs.
    const page = await pageAs('operator');
    await page.goto('/');
    await page.getByRole('button', { name: /^Account menu for/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/sign-in$/);
  });
});
