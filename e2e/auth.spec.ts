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
    for (const item of [
      'Overview',
      'Merchants',
      'Payments',
      'Settlements',
      'Virtual cards',
      'Endpoints & keys',
      'Event log',
      'API request log',
      'Users',
      'Audit log',
      'API credentials',
    ]) {
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

  // The exact link, and the usual variants: each must land on the dashboard, never off-origin.
  for (const callbackUrl of [
    '%2F%09%2Fevil.example%2Fphish',
    '//evil.example',
    '%2F%2Fevil.example',
    '%2F%5Cevil.example',
    '/%5Cevil.example',
    'https://evil.example',
    'https%3A%2F%2Fevil.example%2F',
    '%2F%0A%2Fevil.example',
  ]) {
    test(`a callbackUrl of ${callbackUrl} lands on the dashboard, not off-origin`, async ({ browser }, testInfo) => {
      const context = await browser.newContext();
      const offOrigin: string[] = [];
      await context.route(
        (url) => url.hostname.endsWith('evil.example'),
        (route) => {
          offOrigin.push(route.request().url());
          return route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Phished</h1>' });
        },
      );
      const page = await context.newPage();
      const { email, password } = demoAdmin(testInfo.project.name);
      await page.goto(`/sign-in?callbackUrl=${callbackUrl}`);
      await submitCredentials(page, email, password);
      await expect(page.getByRole('heading', { name: 'Welcome, Demo Admin' })).toBeVisible();
      const landed = new URL(page.url());
      expect(landed.origin).toBe(new URL(testInfo.project.use.baseURL!).origin);
      expect(landed.pathname).toBe('/');
      expect(offOrigin).toEqual([]);
      await context.close();
    });
  }

  test('a page the role may not open answers HTTP 403 with the reason', async ({ pageAs }) => {
    const viewer = await pageAs('viewer');
    for (const path of ['/settings/users', '/settings/audit', '/developers/api-requests']) {
      const response = await viewer.goto(path);
      expect(response?.status(), path).toBe(403);
      await expect(viewer.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
    }
    await expect(
      viewer.getByText('Your role (Viewer) may not read the API request log; it needs Operator.'),
    ).toBeVisible();
    await viewer.getByRole('link', { name: 'Back to the overview' }).click();
    await expect(viewer.getByRole('heading', { name: /^Welcome,/ })).toBeVisible();
    expect((await viewer.goto('/payments'))?.status()).toBe(200);
  });
});
