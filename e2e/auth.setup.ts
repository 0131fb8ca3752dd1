import { test as setup, expect } from '@playwright/test';
import { credentialsFor, storageStatePath, submitCredentials, type FixtureRole } from './fixtures';

for (const role of ['admin', 'operator', 'viewer'] as FixtureRole[]) {
  setup(`sign in once as ${role}`, async ({ page }, testInfo) => {
    const { email, password } = credentialsFor(testInfo.project.name, role);
    await page.goto('/sign-in');
    await submitCredentials(page, email, password);
    await expect(page.getByRole('heading', { name: /^Welcome,/ })).toBeVisible();
    await page.context().storageState({ path: storageStatePath(testInfo.project.name, role) });
  });
}
