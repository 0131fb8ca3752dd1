import type { APIResponse, Page } from '@playwright/test';
import { expect, submitCredentials, test } from './fixtures';

/**
 * Security headers (issue 14, point 10): a CSP whose script nonce is new on every request, no
 * framing, no sniffing; and the pages a user sees break no rule of it (a chart, a dialog, the
 * theme switch), which the browser reports as `securitypolicyviolation` events and
 * "Refused to …" console errors. The e2e server runs over http, so no HSTS (the https switch is
 * unit-tested in lib/security/headers.test.ts).
 */

const nonceOf = (csp: string | null | undefined) => /'nonce-([^']+)'/.exec(csp ?? '')?.[1];

function directive(csp: string, name: string): string[] {
  const found = csp
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name);
  return found ? found.slice(1) : [];
}

function expectSecurityHeaders(response: APIResponse, what: string): string {
  const headers = response.headers();
  const csp = headers['content-security-policy'];
  expect(csp, `${what}: CSP`).toBeTruthy();
  expect(nonceOf(csp), `${what}: nonce`).toBeTruthy();
  expect(directive(csp!, 'frame-ancestors'), what).toEqual(["'none'"]);
  const scripts = directive(csp!, 'script-src');
  expect(scripts, what).toContain("'strict-dynamic'");
  expect(scripts, what).not.toContain("'unsafe-inline'");
  expect(scripts, what).not.toContain("'unsafe-eval'");
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  expect(headers['referrer-policy'], what).toBe('same-origin');
  expect(headers['x-frame-options'], what).toBe('DENY');
  expect(headers['strict-transport-security'], `${what}: no HSTS over http`).toBeUndefined();
  return nonceOf(csp)!;
}

/** Collects what the browser refused under the CSP on every page the tab opens, from the first script on. */
async function watchViolations(page: Page): Promise<() => string[]> {
  const refused: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Refused to/i.test(message.text())) refused.push(message.text());
  });
  await page.exposeFunction('__reportCspViolation', (violation: string) => refused.push(violation));
  await page.addInitScript(() => {
    const report = (window as unknown as { __reportCspViolation: (v: string) => void }).__reportCspViolation;
    document.addEventListener('securitypolicyviolation', (e) =>
      report(
        `${location.pathname}: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
      ),
    );
  });
  return () => [...refused];
}

test.describe('security headers', () => {
  test('a page, a route handler and the sign-in page carry the CSP with a nonce new on every request @smoke', async ({
    request,
    pageAs,
  }) => {
    const first = await request.get('/sign-in');
    expect(first.status()).toBe(200);
    const nonce = expectSecurityHeaders(first, 'sign-in');
    // The nonce the header names is the one on the scripts Next.js rendered.
    const html = await first.text();
    const scriptNonces = [...html.matchAll(/<script\b[^>]*\snonce="([^"]+)"/g)].map((m) => m[1]);
    expect(scriptNonces.length).toBeGreaterThan(0);
    expect(new Set(scriptNonces)).toEqual(new Set([nonce]));
    expect(html).not.toMatch(/<script(?![^>]*\snonce=)(?![^>]*\ssrc=)[^>]*>[^<]/); // no inline script without it

    const second = await request.get('/sign-in');
    expect(expectSecurityHeaders(second, 'sign-in again')).not.toBe(nonce);

    expectSecurityHeaders(await request.get('/api/health'), 'route handler /api/health');

    const admin = await pageAs('admin');
    const page = await admin.request.get('/payments');
    expect(page.status()).toBe(200);
    expect(await page.text()).toContain('Payments');
    expectSecurityHeaders(page, 'dashboard page /payments');
  });

  test('the upload route the proxy leaves out still refuses framing and sniffing', async ({ request }) => {
    const response = await request.post('/api/settlements/upload', {
      headers: { 'content-type': 'text/csv' },
      data: 'x',
    });
    expect(response.status()).toBe(401);
    expect(response.headers()['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers()['x-content-type-options']).toBe('nosniff');
  });

  test('the sign-in form, a chart, a dialog and the theme switch run with nothing refused', async ({
    page,
    pageAs,
  }) => {
    test.setTimeout(90_000);
    // Unauthenticated: the sign-in page and its form.
    const refusedOnSignIn = await watchViolations(page);
    await page.goto('/sign-in');
    await submitCredentials(page, `csp-${Date.now()}@example.com`, 'not the password at all');
    await expect(page.getByRole('main').getByRole('alert')).toHaveText('Wrong email or password.');
    expect(refusedOnSignIn()).toEqual([]);

    const admin = await pageAs('admin');
    const refused = await watchViolations(admin);

    // A payout, so the Overview and the payout page draw their recharts charts.
    const settlementId = `CSP-${Date.now().toString(36).toUpperCase()}`;
    const today = new Date().toISOString();
    const csv = [
      'settlement_id,payment_transaction_id,captured_at,amount,currency,type,fee_amount,tax_amount',
      `${settlementId},krn:payment:eu1:transaction:csp-check-${settlementId},${today},12500,EUR,SALE,250,0`,
    ].join('\n');
    const upload = await admin.request.post('/api/settlements/upload', {
      headers: { 'content-type': 'text/csv', 'x-file-name': `${settlementId}.csv` },
      data: csv,
    });
    expect(upload.status(), await upload.text()).toBe(202);
    await expect(async () => {
      await admin.goto(`/settlements/${encodeURIComponent(settlementId)}`);
      await expect(admin.getByTestId('settlement-id')).toHaveText(settlementId, { timeout: 2_000 });
    }).toPass({ timeout: 60_000 });
    await expect(admin.locator('.recharts-surface').first()).toBeVisible();

    await admin.emulateMedia({ colorScheme: 'light' });
    await admin.goto('/');
    await expect(admin.getByRole('heading', { name: /^Welcome,/ })).toBeVisible();
    await expect(admin.locator('.recharts-surface').first()).toBeVisible();

    // The theme switch: a switch inserts a <style> (next-themes), and after a reload the inline
    // theme script (run only by its nonce) sets the stored theme.
    await admin.getByRole('button', { name: /Switch to light/ }).click();
    await expect(admin.locator('html')).toHaveClass(/\blight\b/);
    await admin.getByRole('button', { name: /Switch to dark/ }).click();
    await expect(admin.locator('html')).toHaveClass(/\bdark\b/);
    await admin.reload();
    await expect(admin.locator('html')).toHaveClass(/\bdark\b/);

    // A Radix dialog.
    await admin.goto('/settings/users');
    await admin.getByRole('button', { name: 'Add user' }).click();
    await expect(admin.getByRole('dialog', { name: 'Add a user' })).toBeVisible();
    await admin.keyboard.press('Escape');
    await expect(admin.getByRole('dialog', { name: 'Add a user' })).toBeHidden();

    expect(refused()).toEqual([]);

    // The watch can see a refusal: an image from another origin is blocked and reported.
    await admin.evaluate(() => {
      const img = document.createElement('img');
      img.src = 'https://csp-probe.example.invalid/pixel.png';
      document.body.append(img);
    });
    await expect
      .poll(refused)
      .toContainEqual(expect.stringContaining('img-src blocked https://csp-probe.example.invalid/pixel.png'));
  });
});
