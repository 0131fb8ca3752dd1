import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, fixtureUsers, storageStatePath, test } from './fixtures';

/**
 * A re-issued payout never drops accepted lines (issue 14, point 8). A payout is uploaded; a
 * re-issue of it with one unreadable line is uploaded: the payout keeps its lines and shows
 * both versions for review; a viewer's accept is refused by the server; an operator accepts it
 * after a confirmation and the payout says it was re-issued.
 *
 * The files are written here (no sandbox settlement period is closed), so this spec does not
 * take captures from under the settlements spec running beside it.
 */

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
const columns = [
  'captured_at',
  'payment_transaction_id',
  'payment_capture_id',
  'dispute_id',
  'account_id',
  'amount',
  'currency',
  'settlement_id',
  'type',
  'fee_amount',
  'tax_amount',
];

/** Three sales and a dispute to relay, in our column set (the net is computed by the importer). */
function payoutCsv(settlementId: string, tag: string, badAmountOnFirstSale = false): Buffer {
  const line = (i: number, type: string, amount: string, fee: number, tax: number) =>
    [
      `2026-11-0${i + 1}T10:00:00Z`,
      `tx-${tag}-${i}`,
      type === 'SALE' ? `cap-${tag}-${i}` : '',
      type === 'DISPUTE' ? `dispute-${tag}` : '',
      'acct-reissue-e2e',
      amount,
      'EUR',
      settlementId,
      type,
      fee,
      tax,
    ].join(',');
  const rows = [
    line(1, 'SALE', badAmountOnFirstSale ? '100.00' : '10000', 220, 55),
    line(2, 'SALE', '20000', 340, 85),
    line(3, 'SALE', '30000', 460, 115),
    line(3, 'DISPUTE', '1500', 0, 0),
  ];
  return Buffer.from(`${columns.join(',')}\r\n${rows.join('\r\n')}\r\n`);
}

async function uploadAndOpen(page: Page, name: string, bytes: Buffer, settlementId: string): Promise<void> {
  await page.goto('/settlements');
  await expect(page.getByRole('button', { name: 'Choose a CSV file…' })).toBeEnabled();
  await page.getByLabel('Settlement report file (CSV)').setInputFiles({ name, mimeType: 'text/csv', buffer: bytes });
  const followed = page.getByRole('region', { name: `Import of ${name}` });
  await expect(followed).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await followed.getByRole('link', { name: `Open payout ${settlementId}` }).click();
  await expect(page.getByTestId('settlement-id')).toHaveText(settlementId);
}

test.describe('a re-issued payout', () => {
  test('a re-issue with an unreadable line waits for review with both versions; an operator accepts it after a confirmation', async ({
    pageAs,
  }, testInfo) => {
    test.setTimeout(180_000);
    const tag = unique();
    const settlementId = `KLNGLB-REISSUE-${tag}`;
    const first = `payout-${tag}.csv`;
    const second = `payout-${tag}-reissued.csv`;
    const operator = await pageAs('operator');

    await test.step('upload the payout, then a re-issue of it with a bad amount', async () => {
      await uploadAndOpen(operator, first, payoutCsv(settlementId, tag), settlementId);
      await expect(operator.getByText(`${first} (uploaded by ${fixtureUsers.operator}`)).toBeVisible();
      await expect(operator.getByTestId('reissue-review')).toHaveCount(0);
      await uploadAndOpen(operator, second, payoutCsv(settlementId, tag, true), settlementId);
    });

    const review = operator.getByRole('region', { name: 'Re-issue awaiting review' });
    await test.step('the payout keeps its lines and shows both versions for review', async () => {
      await expect(review).toBeVisible();
      await expect(review).toContainText(`${second}, uploaded by ${fixtureUsers.operator}`);
      await expect(review).toContainText('1 line of it could not be read');
      const versions = review.getByRole('table', { name: 'Payout versions' });
      await expect(versions.getByRole('row').filter({ hasText: 'Current version' })).toContainText(first);
      await expect(
        versions.getByRole('row').filter({ hasText: 'Current version' }).getByRole('cell').nth(1),
      ).toHaveText('4');
      const reissued = versions.getByRole('row').filter({ hasText: 'Re-issue (awaiting review)' });
      await expect(reissued.getByRole('cell').nth(1)).toHaveText('3');
      await expect(reissued.getByRole('cell').nth(2)).toHaveText('1');
      await expect(reissued.getByRole('cell').nth(6)).toHaveText('15.00 EUR');
      await expect(reissued.getByRole('cell').nth(7)).toHaveText('475.00 EUR');
      const unreadable = review
        .getByRole('table', { name: 'Unreadable lines of the re-issue' })
        .locator('tr[data-line="2"]');
      await expect(unreadable).toContainText(`tx-${tag}-1`);
      await expect(unreadable).toContainText('amount "100.00" is not a whole number of minor units');
      // The current lines are still the payout's: the first sale and the dispute to relay among them.
      const lines = operator.getByRole('table', { name: 'Settlement lines' });
      await expect(lines.getByRole('row').filter({ hasText: `tx-${tag}-1` })).toHaveCount(1);
      await expect(lines.getByRole('row').filter({ hasText: 'DISPUTE' })).toContainText('Relay to merchant');
      await operator.setViewportSize({ width: 1366, height: 900 });
      await operator.screenshot({ path: testInfo.outputPath('payout-reissue-review-1366.png'), fullPage: true });
      await operator.setViewportSize({ width: 390, height: 844 });
      await operator.screenshot({ path: testInfo.outputPath('payout-reissue-review-390.png'), fullPage: true });
      await operator.setViewportSize({ width: 1280, height: 720 });
      await operator.goto('/settlements?status=review');
      await expect(
        operator.getByRole('table', { name: 'Payouts' }).getByRole('row').filter({ hasText: settlementId }),
      ).toContainText('Re-issue awaiting review');
      await operator.screenshot({ path: testInfo.outputPath('payouts-list-reissue-1280.png') });
    });

    await test.step('a viewer sees the review but cannot decide; the server refuses the accept', async () => {
      const viewer = await pageAs('viewer');
      await viewer.goto(`/settlements/${encodeURIComponent(settlementId)}`);
      const seen = viewer.getByRole('region', { name: 'Re-issue awaiting review' });
      await expect(seen).toContainText('An operator accepts the re-issue or keeps the current version.');
      await expect(seen.getByRole('button', { name: 'Accept the re-issue…' })).toHaveCount(0);
      // The operator's dialog, confirmed with a viewer's session: the server decides, not the page.
      const page = await pageAs('operator');
      await page.goto(`/settlements/${encodeURIComponent(settlementId)}`);
      await page.getByRole('button', { name: 'Accept the re-issue…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Accept the re-issue?' });
      const viewerState = JSON.parse(readFileSync(storageStatePath(testInfo.project.name, 'viewer'), 'utf8')) as {
        cookies: Awaited<ReturnType<BrowserContext['cookies']>>;
      };
      await page.context().clearCookies();
      await page.context().addCookies(viewerState.cookies);
      await dialog.getByRole('button', { name: 'Accept and replace' }).click();
      await expect(dialog.getByRole('alert')).toContainText(
        'Your role (Viewer) may not import and reconcile settlements',
      );
    });

    await test.step('the operator accepts it after a confirmation; the payout says it was re-issued', async () => {
      await operator.goto(`/settlements/${encodeURIComponent(settlementId)}`);
      await review.getByRole('button', { name: 'Accept the re-issue…' }).click();
      const dialog = operator.getByRole('dialog', { name: 'Accept the re-issue?' });
      await expect(dialog).toContainText(
        `will have the re-issue's 3 lines, net 475.00 EUR (from ${second}), instead of the current 4 lines, net 572.25 EUR (from ${first})`,
      );
      await expect(dialog).toContainText(
        'The 1 line of the re-issue that could not be read will not be part of the payout',
      );
      await dialog.getByRole('button', { name: 'Accept and replace' }).click();
      await expect(
        operator.getByText(
          'Re-issue accepted: the payout now has 3 lines, net 475.00 EUR (was 4 lines, net 572.25 EUR).',
        ),
      ).toBeVisible();
      await expect(dialog).toBeHidden();
      await expect(review).toHaveCount(0);
      const note = operator.getByTestId('reissue-note');
      await expect(note).toContainText(/^Re-issued on \d{2} \w{3} \d{4}, \d{2}:\d{2}(:\d{2})? UTC, replacing import/);
      await expect(note).toContainText(`${first}, uploaded by ${fixtureUsers.operator}`);
      await expect(note).toContainText(
        `accepted by ${fixtureUsers.operator} after review (1 line of the new file could not be read)`,
      );
      await expect(operator.getByTestId('payout-net')).toHaveText('475.00 EUR');
      await expect(operator.getByText(`${second} (uploaded by ${fixtureUsers.operator}`)).toBeVisible();
      await operator.setViewportSize({ width: 390, height: 844 });
      await operator.screenshot({ path: testInfo.outputPath('payout-reissued-note-390.png') });
    });
  });
});
