import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { ensureKlarnaConnected, sandboxApi } from './klarna-setup';
import { createApprovedPayment, onboardOperationalMerchant } from './payments-setup';

/**
 * Mass refunds (issue 17): an operator uploads a CSV file, reads the dry run (counts, totals,
 * each row's verdict, the verdicts file), a second person approves it with the totals typed
 * back, the run's progress shows, and the result file names each refund. A viewer may read the
 * batch but the server refuses them the upload and the approval (the approval replayed as theirs).
 */

const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

const toast = (page: Page, text: string) =>
  page
    .getByRole('region', { name: /^Notifications/ })
    .getByRole('listitem')
    .filter({ hasText: text });

/** A payment approved by the shopper and captured in full on its page. */
async function capturedPayment(operator: Page, merchantName: string, amount: string): Promise<string> {
  const { paymentTransactionId } = await createApprovedPayment(operator, {
    merchantName,
    amount,
    lines: [{ name: 'Concert ticket', quantity: 1, unitPrice: amount }],
  });
  const id = paymentTransactionId!;
  await expect(async () => {
    await operator.goto(`/payments/${encodeURIComponent(id)}`);
    await expect(operator.getByTestId('transaction-id')).toHaveText(id, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  const actions = operator.getByRole('region', { name: 'Payment actions' });
  await actions.getByRole('button', { name: 'Capture…' }).click();
  const dialog = operator.getByRole('dialog', { name: 'Capture payment' });
  await dialog.getByRole('button', { name: 'Review capture' }).click();
  const shown = `${Number(amount).toLocaleString('en-GB', { minimumFractionDigits: 2 })} USD`;
  await dialog.getByRole('button', { name: `Capture ${shown}` }).click();
  await expect(toast(operator, `Captured ${shown} at Klarna.`)).toBeVisible();
  return id;
}

async function download(page: Page, name: RegExp): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
  return readFileSync((await file.path())!, 'utf8');
}

test.describe('mass refunds', () => {
  test.beforeEach(async ({ pageAs, request, baseURL }) => {
    await ensureKlarnaConnected(await pageAs('admin'), request, baseURL);
  });

  test('upload, dry run, approval by a second person, progress, result download @smoke', async ({
    pageAs,
    request,
    baseURL,
  }) => {
    test.setTimeout(240_000);
    const merchant = await onboardOperationalMerchant(request, baseURL, unique('Recall Shop'));
    const operator = await pageAs('operator');
    const big = await capturedPayment(operator, merchant.name, '1500.00');
    const small = await capturedPayment(operator, merchant.name, '20.00');

    await operator.goto('/payments/refunds');
    await expect(operator.getByRole('heading', { name: 'Mass refunds', level: 1 })).toBeVisible();
    const csv = [
      'payment_transaction_id,amount_major,currency,reason,ticket',
      `${big},1200.00,USD,Event cancelled,T-1`,
      `${small},20.00,USD,Event cancelled,T-2`,
      `no-such-payment,5.00,USD,Event cancelled,T-3`,
      `${small},1.00,EUR,Wrong currency,T-4`,
    ].join('\r\n');
    await operator
      .getByLabel('Refund file (CSV)')
      .setInputFiles({ name: `recall-${Date.now()}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await operator.waitForURL(/\/payments\/refunds\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const batchUrl = operator.url();

    // The dry run: counts, totals, every row's verdict; nothing sent.
    await expect(operator.getByText('4 in the file: 2 will refund, 2 refused')).toBeVisible();
    await expect(operator.getByText('1,220.00 USD (2 rows)')).toBeVisible();
    const rows = operator.getByRole('table', { name: 'Rows of the refund batch' });
    await expect(rows.getByRole('row').filter({ hasText: 'no-such-payment' })).toContainText('no such payment');
    await expect(rows.getByRole('row').filter({ hasText: 'Wrong currency' })).toContainText(
      'currency is EUR but the payment is in USD',
    );
    const verdicts = await download(operator, /Download verdicts/);
    expect(verdicts.split('\r\n')[0]).toContain('verdict_reason');
    expect(verdicts).toContain(`${big},`);
    expect(verdicts).toMatch(/no such payment/);
    // Above the four-eyes threshold: the uploader cannot approve it.
    await expect(operator.getByText('another person must approve it')).toBeVisible();
    await expect(operator.getByRole('button', { name: /Approve and run/ })).toHaveCount(0);

    // A viewer reads it but cannot act; the server refuses them.
    const viewer = await pageAs('viewer');
    await viewer.goto(batchUrl);
    await expect(viewer.getByText('4 in the file: 2 will refund, 2 refused')).toBeVisible();
    await expect(viewer.getByRole('button', { name: /Approve|Confirm|Cancel batch/ })).toHaveCount(0);
    const refused = await viewer.request.post('/api/refunds/upload', {
      headers: { 'x-file-name': 'viewer.csv', 'content-type': 'text/csv' },
      data: csv.replace('T-1', 'T-9'),
    });
    expect(refused.status()).toBe(403);

    // The second person approves, typing the total back.
    const admin = await pageAs('admin');
    await admin.goto(batchUrl);
    await admin.getByRole('button', { name: 'Approve and run…' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Approve this batch (second person)' });
    await expect(dialog).toContainText('2 refunds will be sent to Klarna: 1220.00 USD');
    let approveCall: { url: string; headers: Record<string, string>; body: string } | null = null;
    admin.on('request', (r) => {
      if (r.method() === 'POST' && r.headers()['next-action'] && (r.postData() ?? '').includes('totals'))
        approveCall ??= { url: r.url(), headers: r.headers(), body: r.postData() ?? '' };
    });
    await dialog.getByLabel(/^Total in USD/).fill('1200.00');
    await dialog.getByRole('button', { name: 'Approve and send 2 refunds' }).click();
    await expect(dialog.getByText(/Type the USD total exactly: 1,220.00 USD/)).toBeVisible();

    // The same approval, with the right total, sent by the viewer straight to the server: refused, nothing runs.
    expect(approveCall).not.toBeNull();
    const call = approveCall!;
    expect(call.body).toContain('1200.00');
    const viewerApproval = await viewer.request.post(call.url, {
      headers: {
        'next-action': call.headers['next-action']!,
        'content-type': call.headers['content-type'] ?? 'text/plain;charset=UTF-8',
        accept: 'text/x-component',
      },
      data: call.body.replace('1200.00', '1220.00'),
    });
    expect(await viewerApproval.text()).toContain('FORBIDDEN');
    await viewer.reload();
    await expect(viewer.getByText('4 in the file: 2 will refund, 2 refused')).toBeVisible();
    await expect(viewer.getByText('Every row was checked; nothing has been sent to Klarna.')).toBeVisible();
    await expect(viewer.getByRole('progressbar', { name: 'Refunds sent' })).toHaveCount(0);
    await dialog.getByLabel(/^Total in USD/).fill('1220.00');
    await dialog.getByRole('button', { name: 'Approve and send 2 refunds' }).click();
    await expect(dialog).toBeHidden();

    // Progress, live, then the result.
    await expect(admin.getByRole('progressbar', { name: 'Refunds sent' })).toBeVisible();
    await expect(admin.getByText('Finished: 2 refunded, 0 declined')).toBeVisible({ timeout: 60_000 });
    await operator.goto(batchUrl);
    await expect(operator.getByText('Finished: 2 refunded, 0 declined')).toBeVisible();
    await expect(operator.getByText(/Approved by a second person: /)).toBeVisible();
    const results = await download(operator, /Download results/);
    const lines = results.trim().split('\r\n');
    const header = lines[0]!.split(',');
    const bigLine = lines.find((l) => l.includes(big) && l.includes('T-1'))!.split(',');
    expect(bigLine[header.indexOf('result')]).toBe('refunded');
    expect(bigLine[header.indexOf('amount')]).toBe('1200.00');
    expect(bigLine[header.indexOf('refund_id')]).not.toBe('');
    expect(bigLine[header.indexOf('ticket')]).toBe('T-1');

    // At Klarna: exactly the refunds of the file.
    const api = await sandboxApi(request, baseURL);
    for (const [id, amount] of [
      [big, 120_000],
      [small, 2_000],
    ] as const) {
      const { body } = await api.get(
        `/v2/accounts/${encodeURIComponent(merchant.accountId)}/payment/transactions/${encodeURIComponent(id)}`,
      );
      expect(body.refunded_amount).toBe(amount);
      expect(body.refunds).toHaveLength(1);
    }

    // The batch page fits a laptop and a phone: no sideways scroll, the rows table inside its card.
    for (const width of [1366, 390]) {
      await operator.setViewportSize({ width, height: 900 });
      await operator.goto(batchUrl);
      await expect(operator.getByRole('table', { name: 'Rows of the refund batch' })).toBeVisible();
      expect(
        await operator.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
      ).toBe(0);
      await operator.screenshot({ path: test.info().outputPath(`refund-batch-${width}.png`), fullPage: true });
    }
    await operator.setViewportSize({ width: 1366, height: 900 });

    // The history lists it with who uploaded and who approved.
    await operator.goto('/payments/refunds');
    const history = operator.getByRole('table', { name: 'Refund batches' });
    await expect(history).toBeVisible();
    await expect(history.getByRole('row').filter({ hasText: 'recall-' }).first()).toContainText(
      'typed total|second person'.split('|')[1]!,
    );
  });
});
