import { expect, test } from './fixtures';
import { sandboxUrlFor } from './servers';

// One admin walks the whole set-up in order: each step needs the one before (a key to call
// Klarna, a signing key for the webhook, a webhook to simulate on).
test.describe.configure({ mode: 'serial' });

const sandboxUrl = (baseURL: string | undefined) => sandboxUrlFor(Number(new URL(baseURL!).port));

test('an admin adds a credential, creates a signing key and a webhook, and a simulated event arrives signed', async ({ pageAs, request, baseURL }) => {
  const admin = await pageAs('admin');
  await admin.goto('/settings/api-credentials');
  await expect(admin.getByRole('main').getByText('No API key is active for the sandbox environment')).toBeVisible();

  // A key Klarna does not know is refused on its field, and nothing is stored.
  await admin.getByRole('button', { name: 'Add API key' }).click();
  let dialog = admin.getByRole('dialog', { name: 'Add a Klarna API key' });
  await dialog.getByLabel('Name').fill('Dashboard');
  await dialog.getByLabel('API key').fill('klarna_test_api_notARealKey1234');
  await dialog.getByRole('button', { name: 'Check and add' }).click();
  await expect(dialog.getByText(/Klarna answered UNAUTHORIZED/)).toBeVisible();

  // The sandbox's first key (what Klarna hands over through a secure link).
  const bootstrap = await (await request.post(`${sandboxUrl(baseURL)}/_sandbox/bootstrap-key`)).json();
  await dialog.getByLabel('API key').fill(bootstrap.api_key);
  await dialog.getByRole('button', { name: 'Check and add' }).click();
  await expect(dialog).toBeHidden();
  const row = admin.getByRole('row', { name: /Dashboard/ });
  await expect(row.getByText(`…${bootstrap.api_key.slice(-4)}`)).toBeVisible();
  await expect(row.getByText('Active')).toBeVisible();
  await expect(admin.getByRole('main')).not.toContainText(bootstrap.api_key);
  await expect(admin.getByRole('table', { name: 'Credentials at Klarna' }).getByText('Initial API key')).toBeVisible();

  await admin.goto('/webhooks');
  await admin.getByRole('button', { name: 'Create signing key' }).click();
  await admin.getByRole('dialog', { name: 'Create a signing key' }).getByRole('button', { name: 'Create key' }).click();
  const keys = admin.getByRole('table', { name: 'Signing keys at Klarna' });
  await expect(keys.getByRole('row')).toHaveCount(2);
  await expect(keys.getByText('Yes')).toBeVisible();

  await admin.getByRole('button', { name: 'Add webhook' }).click();
  dialog = admin.getByRole('dialog', { name: 'Add a webhook' });
  await expect(dialog.getByLabel('URL')).toHaveValue(`${baseURL}/api/webhooks/klarna`);
  await dialog.getByRole('button', { name: 'Create webhook' }).click();
  await expect(dialog).toBeHidden();
  const webhooks = admin.getByRole('table', { name: 'Webhooks at Klarna' });
  await expect(webhooks.getByText(`${baseURL}/api/webhooks/klarna`)).toBeVisible();
  await expect(webhooks.getByText('Enabled')).toBeVisible();

  await webhooks.getByRole('button', { name: 'Send test event…' }).click();
  dialog = admin.getByRole('dialog', { name: 'Send a test event' });
  await dialog.getByLabel('Event type').selectOption('payment.request.state-change.authorized');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByText('Arrived.')).toBeVisible({ timeout: 20_000 });
  await expect(dialog.getByText('valid', { exact: true })).toBeVisible();
  await dialog.getByRole('link', { name: 'Open it in the event log' }).click();
  await expect(admin.getByRole('main')).toContainText('payment.request.state-change.authorized');
  await expect(admin.getByRole('main')).toContainText('klarna-signature');
});

test('a tampered delivery is rejected and shows in the event log with the reason', async ({ pageAs, request, baseURL }) => {
  const admin = await pageAs('admin');
  // The key id of a real signing key, and a body signed with something else.
  const apiKeyRow = await request.post(`${sandboxUrl(baseURL)}/_sandbox/bootstrap-key`);
  const { api_key } = await apiKeyRow.json();
  const { signing_keys } = await (await request.get(`${sandboxUrl(baseURL)}/v1/notification/signing-keys`, { headers: { Authorization: `Basic ${api_key}` } })).json();
  const eventId = crypto.randomUUID();
  const body = JSON.stringify({ metadata: { event_type: 'payment.request.updated', event_id: eventId, event_version: 'v1', occurred_at: new Date().toISOString() }, payload: {} });
  const answer = await request.post('/api/webhooks/klarna', {
    data: body,
    headers: { 'content-type': 'application/json', 'klarna-signing-key-id': signing_keys[0].signing_key_id, 'klarna-signature': 'dGFtcGVyZWQgc2lnbmF0dXJlIGRvZXMgbm90IG1hdGNo' },
  });
  expect(answer.status()).toBe(400);

  await admin.goto('/webhooks/events?verdict=rejected');
  await expect(admin.getByRole('main').getByText('signature does not match the body').first()).toBeVisible();
});

test('the API request log shows the calls with their idempotency keys', async ({ pageAs }) => {
  const admin = await pageAs('admin');
  await admin.goto('/developers/api-requests');
  const table = admin.getByRole('table', { name: 'API requests, newest first' });
  // POSTs carry a UUIDv5 idempotency key (version digit 5); the 401 of the refused key is there too.
  for (const operation of ['signingKeys.create', 'webhooks.create', 'webhooks.simulate']) {
    const row = table.getByRole('row').filter({ has: admin.getByRole('cell', { name: operation, exact: true }) }).first();
    await expect(row).toContainText(/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/);
  }
  await expect(table.getByRole('row').filter({ hasText: 'UNAUTHORIZED' }).first()).toContainText('401');
});

test('a viewer cannot manage credentials or webhooks', async ({ pageAs }) => {
  const viewer = await pageAs('viewer');
  await viewer.goto('/settings/api-credentials');
  await expect(viewer.getByRole('main')).toContainText('may not manage API credentials');
  await viewer.goto('/webhooks');
  await expect(viewer.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Add webhook' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Create signing key' })).toHaveCount(0);
});
