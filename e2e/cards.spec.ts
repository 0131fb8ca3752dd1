import { readFileSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { expect, FIXTURE_PASSWORD, fixtureUsers, submitCredentials, test } from './fixtures';
import { ensureKlarnaConnected, sandboxUrl } from './klarna-setup';

/**
 * Virtual cards (issue 16), through the UI against the embedded sandbox: an admin generates and
 * enrols a key; an operator creates a promise and a settlement and sees the cards masked; a
 * reveal is refused by the server until the operator re-enters their password, and refused to a
 * viewer whatever they send; an order's cancellation is PENDING, then CANCELLED once the
 * sandbox clock has passed check_after.
 */

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** An operator signed in afresh (a session that has not stepped up yet). */
async function freshOperator(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const page = await (await browser.newContext({ baseURL })).newPage();
  await page.goto('/sign-in');
  await submitCredentials(page, fixtureUsers.operator, FIXTURE_PASSWORD);
  await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
  return page;
}

test.describe('virtual cards', () => {
  test.describe.configure({ mode: 'serial' });

  test('key, promise, settlement with masked cards, step-up reveal, cancellation', async ({
    pageAs,
    browser,
    request,
    baseURL,
  }) => {
    test.setTimeout(180_000);
    const admin = await pageAs('admin');
    await ensureKlarnaConnected(admin, request, baseURL);

    await test.step('an admin generates a 2048-bit key and enrols it in the sandbox', async () => {
      await admin.goto('/virtual-cards/keys');
      const label = unique('E2E key');
      await admin.getByRole('button', { name: 'Generate key' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Generate a key pair' });
      await dialog.getByLabel('Name').fill(label);
      await dialog.getByLabel('Size').selectOption('2048');
      await dialog.getByRole('button', { name: 'Generate' }).click();
      await expect(dialog).toBeHidden();
      const row = admin.getByRole('row').filter({ hasText: label });
      await expect(row.getByText('Not enrolled')).toBeVisible();
      await row.getByRole('button', { name: `Enrol key ${label}` }).click();
      const enrol = admin.getByRole('dialog', { name: `Enrol key “${label}”` });
      await enrol.getByRole('button', { name: 'Enrol' }).click();
      await expect(enrol).toBeHidden();
      await expect(row.getByText('Active')).toBeVisible();
      await row.getByRole('button', { name: `Public key of ${label}` }).click();
      await expect(admin.getByRole('dialog', { name: /Public key of/ })).toContainText('"kty": "RSA"');
    });

    const operator = await freshOperator(browser, baseURL);
    const orderId = unique('order');

    await test.step('an operator creates a promise; a second one for the order says it replaces the first', async () => {
      await operator.goto('/virtual-cards');
      for (const [i, amount] of ['12.50', '30.00'].entries()) {
        await operator.getByRole('button', { name: 'New promise' }).click();
        const dialog = operator.getByRole('dialog', { name: 'Create a card promise' });
        await dialog.getByLabel('Order id').fill(orderId);
        if (i === 1) await expect(dialog.getByText(/has an open promise .* replaces it/)).toBeVisible();
        await dialog.getByLabel('Card 1 amount').fill(amount);
        await dialog.getByLabel('Reference').first().fill(`seller-a-${i}`);
        await dialog.getByRole('button', { name: 'Add a card' }).click();
        await dialog.getByLabel('Card 2 amount').fill('5');
        await dialog.getByLabel('Reference').nth(1).fill(`seller-b-${i}`);
        await dialog.getByRole('button', { name: 'Create promise' }).click();
        await expect(dialog).toBeHidden();
        if (i === 1) await expect(operator.getByText(/it replaces promise/)).toBeVisible();
        await operator.reload();
      }
      const rows = operator.getByRole('row').filter({ hasText: orderId });
      await expect(rows.filter({ hasText: 'Replaced' })).toHaveCount(1);
      await expect(rows.filter({ hasText: 'Open' })).toHaveCount(1);
    });

    await test.step('the operator settles the order; the cards show masked', async () => {
      await operator.getByRole('button', { name: 'New settlement' }).click();
      const dialog = operator.getByRole('dialog', { name: 'Create a card settlement' });
      await dialog.getByLabel('Order id').fill(orderId);
      await dialog.getByRole('button', { name: 'Create settlement' }).click();
      await expect(dialog).toBeHidden();
      await expect(operator.getByText('2 cards issued.')).toBeVisible();
      await operator.goto('/virtual-cards?tab=settlements');
      await operator.getByRole('link', { name: orderId }).click();
      await expect(operator.getByRole('heading', { name: `Card settlement for order ${orderId}` })).toBeVisible();
      const cards = operator.getByRole('table', { name: 'Cards of this settlement, masked' });
      await expect(cards.getByRole('row')).toHaveCount(3);
      await expect(cards.getByText(/^\d{6} •••••• \d{4}$/)).toHaveCount(2);
      await expect(cards).toContainText('30.00 EUR');
    });

    const masked = (await operator
      .getByRole('table', { name: 'Cards of this settlement, masked' })
      .getByText(/^\d{6} •••••• \d{4}$/)
      .first()
      .textContent())!;
    const [bin, , last4] = masked.split(' ');

    let revealCall: { url: string; headers: Record<string, string>; body: string } | null = null;
    await test.step('reveal is refused by the server without a step-up, then shown after the password', async () => {
      operator.on('request', (r) => {
        if (
          r.method() === 'POST' &&
          r.headers()['next-action'] &&
          (r.postData() ?? '').includes('cardId') &&
          !revealCall
        )
          revealCall = { url: r.url(), headers: r.headers(), body: r.postData() ?? '' };
      });
      await operator.getByRole('button', { name: `Reveal card ${masked}` }).click();
      const dialog = operator.getByRole('dialog', { name: `Reveal card ${masked}` });
      await expect(dialog.getByLabel('Password or authenticator code')).toBeVisible();
      await expect(dialog.getByTestId('revealed-card')).toHaveCount(0);
      await dialog.getByLabel('Password or authenticator code').fill('not my password');
      await dialog.getByRole('button', { name: 'Confirm and reveal' }).click();
      await expect(dialog.getByText('Your password is not correct.').first()).toBeVisible();
      await dialog.getByLabel('Password or authenticator code').fill(FIXTURE_PASSWORD);
      await dialog.getByRole('button', { name: 'Confirm and reveal' }).click();
      const shown = dialog.getByTestId('revealed-card');
      await expect(shown).toBeVisible();
      const number = (await shown.getByLabel('Card number').textContent())!.replace(/\s/g, '');
      expect(number.startsWith(bin!)).toBe(true);
      expect(number.endsWith(last4!)).toBe(true);
      await expect(shown.getByLabel('CVV')).toHaveText(/^\d{3}$/);
      await expect(shown.getByRole('timer')).toHaveText(/Hidden in \d+ s/);
    });

    await test.step('a viewer sees masked cards only, and the server refuses their reveal', async () => {
      const viewer = await pageAs('viewer');
      await viewer.goto(operator.url());
      await expect(viewer.getByText(/^\d{6} •••••• \d{4}$/)).toHaveCount(2);
      await expect(viewer.getByRole('button', { name: /^Reveal card/ })).toHaveCount(0);
      expect(revealCall).not.toBeNull();
      const call = revealCall!;
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
      expect(text).not.toMatch(/"pan"/);
    });

    await test.step('cancellation: PENDING, then CANCELLED after the sandbox clock passes check_after', async () => {
      await operator.goto('/virtual-cards?tab=cancellations');
      await operator.getByRole('button', { name: 'Cancel an order' }).click();
      const dialog = operator.getByRole('dialog', { name: "Request an order's cancellation" });
      await dialog.getByLabel('Order id').fill(orderId);
      await dialog.getByRole('button', { name: 'Request cancellation' }).click();
      await expect(dialog).toBeHidden();
      await expect(operator.getByText(/Cancellation pending; Klarna decides after/)).toBeVisible();
      await operator.goto('/virtual-cards?tab=cancellations');
      const row = operator.getByRole('row').filter({ hasText: orderId });
      await expect(row.getByText('Pending')).toBeVisible();

      const advanced = await request.post(`${sandboxUrl(baseURL)}/_sandbox/clock`, { data: { advance_seconds: 601 } });
      expect(advanced.ok()).toBe(true);
      try {
        await row.getByRole('button', { name: 'Check now' }).click();
        await expect(operator.getByText(`Order ${orderId}: cancelled.`)).toBeVisible();
        await operator.reload();
        await expect(operator.getByRole('row').filter({ hasText: orderId }).getByText('Cancelled')).toBeVisible();
      } finally {
        await request.post(`${sandboxUrl(baseURL)}/_sandbox/clock`, { data: { now: new Date().toISOString() } });
      }
    });
  });

  test('an admin imports a PEM private key (one that is not a key is refused at its field) and retires it', async ({
    pageAs,
  }) => {
    const admin = await pageAs('admin');
    await admin.goto('/virtual-cards/keys');
    const label = unique('Imported key');
    await admin.getByRole('button', { name: 'Import key' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Import a private key' });
    await dialog.getByLabel('Name').fill(label);
    const pem = dialog.getByLabel('Private key (PEM)');
    await pem.fill('-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----');
    await dialog.getByRole('button', { name: 'Import' }).click();
    await expect(dialog.getByText(/This is not an unencrypted PEM private key/).first()).toBeVisible();
    await expect(pem).toHaveAttribute('aria-invalid', 'true');
    await expect(admin.getByRole('row').filter({ hasText: label })).toHaveCount(0);

    await pem.fill(readFileSync('test/fixtures/cards/rsa-2048.pem', 'utf8'));
    await dialog.getByRole('button', { name: 'Import' }).click();
    await expect(dialog).toBeHidden();
    await expect(admin.getByText(`Key “${label}” imported (2048 bits).`)).toBeVisible();
    const row = admin.getByRole('row').filter({ hasText: label });
    await expect(row.getByText('Not enrolled')).toBeVisible();
    await expect(row).toContainText('2048');

    await row.getByRole('button', { name: 'Retire' }).click();
    const confirm = admin.getByRole('dialog', { name: `Retire key “${label}”?` });
    await confirm.getByRole('button', { name: 'Retire key' }).click();
    await expect(admin.getByText(`Key “${label}” retired.`)).toBeVisible();
    await expect(row.getByText('Retired')).toBeVisible();
    await expect(row.getByRole('button', { name: 'Retire' })).toHaveCount(0);
  });

  test('the pages fit a phone and a laptop: no sideways scroll, tables inside their cards', async ({
    pageAs,
  }, testInfo) => {
    const page = await pageAs('admin');
    for (const width of [390, 1366]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto('/virtual-cards?tab=settlements');
      const settlement = await page
        .getByRole('table', { name: 'Card settlements, newest first' })
        .getByRole('link')
        .first()
        .getAttribute('href');
      const paths = ['/virtual-cards', '/virtual-cards?tab=settlements', '/virtual-cards/keys'];
      if (settlement) paths.push(settlement);
      for (const path of paths) {
        await page.goto(path);
        await expect(page.locator('main h1').first()).toBeVisible();
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `${path} at ${width} px`).toBe(0);
        await page.screenshot({
          path: testInfo.outputPath(`virtual-cards${path.replace(/[/?=]/g, '_').slice(0, 60)}-${width}.png`),
          fullPage: true,
        });
      }
    }
  });
});
