import { expect, type Locator, type Page } from '@playwright/test';

/**
 * A list table fits its card at a laptop's 1,366 px and a 390 px phone: the page never scrolls
 * sideways, the table's scroll box is no wider than its card, at 1,366 px nothing in it scrolls
 * either, and on the phone each of `inView` (a row's key cells) is on screen without scrolling.
 * Leaves the page at 1,366 px.
 */
export async function expectTableFitsCard(page: Page, table: Locator, inView: Locator[]): Promise<void> {
  const scrollBox = table.locator('xpath=..');
  const card = table.locator('xpath=ancestor::section[1]');
  for (const width of [390, 1366]) {
    await page.setViewportSize({ width, height: width > 1000 ? 900 : 844 });
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth))
      .toBeLessThanOrEqual(0);
    const [box, cardBox] = [(await scrollBox.boundingBox())!, (await card.boundingBox())!];
    expect(box.x).toBeGreaterThanOrEqual(cardBox.x);
    expect(box.x + box.width).toBeLessThanOrEqual(cardBox.x + cardBox.width);
    if (width === 390) {
      for (const shown of inView) {
        await expect(shown).toBeVisible();
        const at = (await shown.boundingBox())!;
        expect(at.x + at.width).toBeLessThanOrEqual(390);
      }
    } else {
      await expect.poll(() => scrollBox.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    }
  }
}
