import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectTableFitsCard } from './table-fit';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
}

test.describe('app shell', () => {
  test('the sign-in page has no serious accessibility violations @smoke', async ({ page }) => {
    await page.goto('/sign-in');
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });

  // One test per page and theme (axe takes seconds on a big page; twelve in one test ran past
  // any fixed timeout on a loaded machine), so the two workers share them.
  for (const theme of ['light', 'dark'] as const) {
    for (const path of [
      '/',
      '/settings/users',
      '/settings/audit',
      '/account',
      '/merchants',
      '/payments',
      '/payments/links/new',
      '/settlements',
      '/settings/api-credentials',
      '/webhooks',
      '/webhooks/events',
      '/developers/api-requests',
    ]) {
      test(`the shell has no serious accessibility violations (${theme}) on ${path}`, async ({ pageAs }) => {
        const page = await pageAs('admin');
        await page.emulateMedia({ colorScheme: theme });
        await page.goto(path);
        await expect(page.locator('main h1').first()).toBeVisible();
        expect(await seriousViolations(page), path).toEqual([]);
      });
    }
  }

  test('keyboard: skip link, then the sidebar is reachable with Tab', async ({ pageAs }) => {
    const page = await pageAs('viewer');
    await page.goto('/');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await expect(skip).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('main')).toBeFocused();
    await page.goto('/');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' })).toBeFocused();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/merchants$/);
  });

  test('on a phone the sidebar becomes a menu', async ({ pageAs }) => {
    const page = await pageAs('viewer');
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto('/');
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
    await expect(page.getByLabel(/^Environment: SANDBOX/)).toBeVisible();
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('dialog').getByRole('link', { name: 'Payments' }).click();
    await expect(page.getByRole('heading', { name: 'Payments', level: 1 })).toBeVisible();
    await expect(page.getByRole('dialog')).toBeHidden();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });

  // A screen-reader-only label inside a table is positioned against the nearest positioned
  // ancestor: the table's scroll box must be it, or the label widens the whole page.
  for (const path of [
    '/settings/audit',
    '/webhooks/events',
    '/developers/api-requests',
    '/settings/users',
    '/webhooks',
  ]) {
    test(`on a 390 px phone ${path} scrolls its table, not the page`, async ({ pageAs }) => {
      const page = await pageAs('admin');
      await page.setViewportSize({ width: 390, height: 800 });
      await page.goto(path);
      await expect(page.getByRole('table').first()).toBeVisible();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
    });
  }

  test('the theme toggle switches between light and dark', async ({ pageAs }) => {
    const page = await pageAs('viewer');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('/');
    await page.getByRole('button', { name: /Switch to light/ }).click();
    await expect(page.locator('html')).toHaveClass(/light/);
    await page.getByRole('button', { name: /Switch to dark/ }).click();
    await expect(page.locator('html')).toHaveClass(/dark/);
    await page.reload();
    await expect(page.locator('html')).toHaveClass(/dark/);
  });
});

test.describe('audit log', () => {
  test('an admin filters the log by action and actor', async ({ pageAs }) => {
    const page = await pageAs('admin');
    await page.goto('/settings/audit');
    // The whole log fits its card; on a phone an entry's time, action and outcome are in view.
    const table = page.getByRole('table', { name: 'Audit entries, newest first' });
    const first = table.locator('tbody tr').first();
    await expectTableFitsCard(
      page,
      table,
      [0, 2, 4].map((i) => first.locator('td').nth(i)),
    );
    await page.getByLabel('Action').selectOption('auth.sign_in');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/action=auth\.sign_in/);
    const rows = page.getByRole('table', { name: 'Audit entries, newest first' }).locator('tbody tr');
    await expect(rows.first()).toBeVisible();
    for (const text of await rows.allTextContents()) expect(text).toContain('auth.sign_in');

    await page.getByLabel('Actor').selectOption({ label: 'e2e-viewer@example.com' });
    await page.getByRole('button', { name: 'Apply' }).click();
    for (const text of await rows.allTextContents()) expect(text).toContain('e2e-viewer@example.com');
    await page.getByLabel('From (UTC)').fill('2001-01-01');
    await page.getByLabel('To (UTC)').fill('2001-01-02');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByText('No audit entries match these filters.')).toBeVisible();
  });

  test('operators cannot read it', async ({ pageAs }) => {
    const page = await pageAs('operator');
    await page.goto('/settings/audit');
    await expect(page.getByText('Your role (Operator) may not read the audit log; it needs Admin.')).toBeVisible();
  });
});
