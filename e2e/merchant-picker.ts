import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

/**
 * Picks a merchant in a search-as-you-type merchant picker (components/forms/merchant-combobox.tsx):
 * types the start of its name (all but the last character), then clicks it in the list.
 */
export async function chooseMerchant(scope: Page | Locator, name: string, label = 'Merchant'): Promise<void> {
  const input = scope.getByRole('combobox', { name: label, exact: true });
  await input.fill(name.slice(0, -1));
  const option = scope.getByRole('option', { name, exact: true });
  await option.click();
  await expect(input).toHaveValue(name);
}
