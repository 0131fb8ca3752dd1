import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { e2eDataDir, FIXTURE_PASSWORD, fixtureUsers } from './servers';

export { FIXTURE_PASSWORD, fixtureUsers };

export { expect };

export type FixtureRole = 'admin' | 'operator' | 'viewer';

export function serverName(projectName: string): string {
  return projectName.replace(/^(setup|wire)-/, '');
}

export function demoAdmin(projectName: string): { email: string; password: string } {
  return JSON.parse(readFileSync(path.join(e2eDataDir(serverName(projectName)), 'demo-credentials.json'), 'utf8'));
}

export function credentialsFor(projectName: string, role: FixtureRole): { email: string; password: string } {
  return role === 'admin' ? demoAdmin(projectName) : { email: fixtureUsers[role], password: FIXTURE_PASSWORD };
}

export function storageStatePath(projectName: string, role: FixtureRole): string {
  return path.join(e2eDataDir(serverName(projectName)), `state-${role}.json`);
}

/** Fills and submits the sign-in form (the step that asks for email and password). */
export async function submitCredentials(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * `pageAs(role)`: a page already signed in as that role, from the session the setup project
 * saved, so specs do not go through the form each time.
 */
export const test = base.extend<{ pageAs: (role: FixtureRole) => Promise<Page> }>({
  pageAs: async ({ browser }, use, testInfo) => {
    const contexts: Awaited<ReturnType<typeof browser.newContext>>[] = [];
    await use(async (role) => {
      const context = await browser.newContext({
        storageState: storageStatePath(testInfo.project.name, role),
        baseURL: testInfo.project.use.baseURL,
      });
      contexts.push(context);
      return context.newPage();
    });
    await Promise.all(contexts.map((c) => c.close()));
  },
});

/** Adds a user through the Users page as an admin; returns the one-time password shown. */
export async function addUserViaUi(
  admin: Page,
  user: { email: string; name: string; role?: FixtureRole },
): Promise<string> {
  await admin.goto('/settings/users');
  await admin.getByRole('button', { name: 'Add user' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Add a user' });
  await dialog.getByLabel('Email').fill(user.email);
  await dialog.getByLabel('Name').fill(user.name);
  await dialog.getByLabel('Role').selectOption(user.role ?? 'viewer');
  await dialog.getByRole('button', { name: 'Add user' }).click();
  const done = admin.getByRole('dialog', { name: 'User added' });
  const oneTime = (await done.getByTestId('secret-value').textContent())!.trim();
  await done.getByRole('button', { name: 'Done' }).click();
  return oneTime;
}

/**
 * Adds a user through the UI, then signs them in once (choosing their own password).
 * Returns their signed-in page. For specs that change a user's own settings.
 */
export async function newSignedInUser(
  admin: Page,
  browser: Browser,
  user: { email: string; name: string; role?: FixtureRole },
): Promise<{ page: Page; password: string }> {
  const oneTime = await addUserViaUi(admin, user);
  const password = `${user.name} chose this passphrase`;
  const page = await (await browser.newContext()).newPage();
  await page.goto('/sign-in');
  await submitCredentials(page, user.email, oneTime);
  await page.getByLabel('New password').fill(password);
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${user.name}` })).toBeVisible();
  return { page, password };
}
