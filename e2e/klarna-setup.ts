import type { APIRequestContext, Page } from '@playwright/test';
import { expect } from './fixtures';
import { sandboxUrlFor } from './servers';

export const sandboxUrl = (baseURL: string | undefined) => sandboxUrlFor(Number(new URL(baseURL!).port));

/**
 * Makes sure the dashboard can talk to its sandbox and hears its webhooks, through the UI as an
 * admin would: an active API key (the sandbox's bootstrap key when none is stored) and a
 * webhook for every event pointing at this dashboard's receiver, signed with a key held here.
 * The Klarna wire spec runs before the specs that call this (playwright.config.ts), so it
 * finds its own empty start and leaves whatever it set up.
 */
export async function ensureKlarnaConnected(
  admin: Page,
  request: APIRequestContext,
  baseURL: string | undefined,
): Promise<void> {
  await admin.goto('/settings/api-credentials');
  const stored = admin.getByRole('table', { name: 'Stored API keys' });
  if ((await stored.count()) === 0 || (await stored.getByText('Active', { exact: true }).count()) === 0) {
    const bootstrap = await (await request.post(`${sandboxUrl(baseURL)}/_sandbox/bootstrap-key`)).json();
    await admin.getByRole('button', { name: 'Add API key' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Add a Klarna API key' });
    await dialog.getByLabel('Name').fill('Merchants e2e');
    await dialog.getByLabel('API key').fill(bootstrap.api_key);
    await dialog.getByRole('button', { name: 'Check and add' }).click();
    await expect(dialog).toBeHidden();
  }

  await admin.goto('/webhooks');
  const receiver = `${baseURL}/api/webhooks/klarna`;
  const webhooks = admin.getByRole('table', { name: 'Webhooks at Klarna' });
  if (
    (await webhooks.count()) > 0 &&
    (await webhooks.getByRole('row').filter({ hasText: receiver }).filter({ hasText: 'Enabled' }).count()) > 0
  )
    return;
  const keys = admin.getByRole('table', { name: 'Signing keys at Klarna' });
  if ((await keys.count()) === 0 || (await keys.getByRole('row').filter({ hasText: 'Yes' }).count()) === 0) {
    await admin.getByRole('button', { name: 'Create signing key' }).click();
    await admin
      .getByRole('dialog', { name: 'Create a signing key' })
      .getByRole('button', { name: 'Create key' })
      .click();
    await expect(admin.getByRole('table', { name: 'Signing keys at Klarna' }).getByText('Yes').first()).toBeVisible();
  }
  await admin.getByRole('button', { name: 'Add webhook' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Add a webhook' });
  await expect(dialog.getByLabel('URL')).toHaveValue(receiver);
  await dialog.getByRole('button', { name: 'Create webhook' }).click();
  await expect(dialog).toBeHidden();
  await expect(admin.getByRole('table', { name: 'Webhooks at Klarna' }).getByText(receiver).first()).toBeVisible();
}

/** Calls the sandbox's Klarna API directly with a fresh bootstrap key (for arranging state a spec does not test). */
export async function sandboxApi(request: APIRequestContext, baseURL: string | undefined) {
  const base = sandboxUrl(baseURL);
  const { api_key: apiKey } = await (await request.post(`${base}/_sandbox/bootstrap-key`)).json();
  const headers = { authorization: `Basic ${apiKey}`, 'content-type': 'application/json' };
  return {
    async post(path: string, body: unknown) {
      const response = await request.post(`${base}${path}`, {
        headers: { ...headers, 'klarna-idempotency-key': crypto.randomUUID() },
        data: body,
      });
      return { status: response.status(), body: await response.json().catch(() => null) };
    },
    async get(path: string) {
      const response = await request.get(`${base}${path}`, { headers });
      return { status: response.status(), body: await response.json().catch(() => null) };
    },
    async control(path: string, body: unknown = {}) {
      const response = await request.post(`${base}/_sandbox${path}`, { data: body });
      return { status: response.status(), body: await response.json().catch(() => null) };
    },
  };
}
