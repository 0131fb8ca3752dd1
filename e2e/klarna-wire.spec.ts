import { expect, test } from './fixtures';
import { sandboxUrlFor } from './servers';

// One admin walks the whole set-up in order: each step needs the one before (a key to call
// Klarna, a signing key for the webhook, a webhook to simulate on).
test.describe.configure({ mode: 'serial' });

const sandboxUrl = (baseURL: string | undefined) => sandboxUrlFor(Number(new URL(baseURL!).port));

test('an admin adds a credential, creates a signing key and a webhook, and a simulated event arrives signed', async ({
  pageAs,
  request,
  baseURL,
}) => {
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

  // An event type nothing in the dashboard handles yet (settlements), for the re-process test.
  await admin.goto('/webhooks');
  await admin
    .getByRole('table', { name: 'Webhooks at Klarna' })
    .getByRole('button', { name: 'Send test event…' })
    .click();
  dialog = admin.getByRole('dialog', { name: 'Send a test event' });
  await dialog.getByLabel('Event type').selectOption('settlement.report.created');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByText('Arrived.')).toBeVisible({ timeout: 20_000 });
});

test('a tampered delivery is rejected and shows in the event log with the reason', async ({
  pageAs,
  request,
  baseURL,
}) => {
  const admin = await pageAs('admin');
  // The key id of a real signing key, and a body signed with something else.
  const apiKeyRow = await request.post(`${sandboxUrl(baseURL)}/_sandbox/bootstrap-key`);
  const { api_key } = await apiKeyRow.json();
  const { signing_keys } = await (
    await request.get(`${sandboxUrl(baseURL)}/v1/notification/signing-keys`, {
      headers: { Authorization: `Basic ${api_key}` },
    })
  ).json();
  const eventId = crypto.randomUUID();
  const body = JSON.stringify({
    metadata: {
      event_type: 'payment.request.updated',
      event_id: eventId,
      event_version: 'v1',
      occurred_at: new Date().toISOString(),
    },
    payload: {},
  });
  const answer = await request.post('/api/webhooks/klarna', {
    data: body,
    headers: {
      'content-type': 'application/json',
      'klarna-signing-key-id': signing_keys[0].signing_key_id,
      'klarna-signature': 'dGFtcGVyZWQgc2lnbmF0dXJlIGRvZXMgbm90IG1hdGNo',
    },
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
    const row = table
      .getByRole('row')
      .filter({ has: admin.getByRole('cell', { name: operation, exact: true }) })
      .first();
    await expect(row).toContainText(/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/);
  }
  await expect(table.getByRole('row').filter({ hasText: 'UNAUTHORIZED' }).first()).toContainText('401');
  // The log fits its card at 1,366 px: columns without room start hidden rather than scrolling.
  await admin.setViewportSize({ width: 1366, height: 900 });
  await expect
    .poll(() => table.locator('xpath=..').evaluate((el) => el.scrollWidth - el.clientWidth))
    .toBeLessThanOrEqual(0);
});

test('Management API test case 1: an admin creates credentials at Klarna and lists them, switches, rotates and deletes them', async ({
  pageAs,
}) => {
  const admin = await pageAs('admin');
  await admin.goto('/settings/api-credentials');
  const stored = admin.getByRole('table', { name: 'Stored API keys' });
  const atKlarna = admin.getByRole('table', { name: 'Credentials at Klarna' });

  // A new API key at Klarna is stored here on standby.
  await admin.getByRole('button', { name: 'Create at Klarna' }).click();
  let dialog = admin.getByRole('dialog', { name: 'Create a credential at Klarna' });
  await dialog.getByLabel('Description').fill('Reporting service');
  await dialog.getByRole('button', { name: 'Create' }).click();
  dialog = admin.getByRole('dialog', { name: 'Credential created' });
  await expect(dialog.getByText(/stored encrypted here, on standby/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();
  const reporting = stored.getByRole('row', { name: /Reporting service/ });
  await expect(reporting.getByText('Standby')).toBeVisible();

  // A client id is shown once and can be deleted at Klarna.
  await admin.getByRole('button', { name: 'Create at Klarna' }).click();
  dialog = admin.getByRole('dialog', { name: 'Create a credential at Klarna' });
  await dialog.getByLabel('Type').selectOption('CLIENT');
  await dialog.getByLabel('Description').fill('Checkout widget');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(admin.getByRole('dialog', { name: 'Credential created' }).getByTestId('secret-value')).toHaveText(
    /^klarna_test_client_/,
  );
  await admin.getByRole('dialog', { name: 'Credential created' }).getByRole('button', { name: 'Done' }).click();
  const widget = atKlarna.getByRole('row', { name: /Checkout widget/ });
  await widget.getByRole('button', { name: 'Delete at Klarna…' }).click();
  await admin
    .getByRole('dialog', { name: 'Delete a credential at Klarna' })
    .getByRole('button', { name: 'Delete at Klarna' })
    .click();
  await expect(widget).toHaveCount(0);

  // Switch to the standby key, then rotate: a new key becomes active, the old one stays.
  await reporting.getByRole('button', { name: 'Make active…' }).click();
  await admin
    .getByRole('dialog', { name: 'Make this key active' })
    .getByRole('button', { name: 'Make active' })
    .click();
  await expect(reporting.getByText('Active')).toBeVisible();
  await reporting.getByRole('button', { name: 'Rotate…' }).click();
  await admin
    .getByRole('dialog', { name: 'Rotate the active key' })
    .getByRole('button', { name: 'Create new key and switch' })
    .click();
  await expect(reporting.getByText('Standby')).toBeVisible();
  await expect(stored.getByRole('row', { name: /Rotated from …/ }).getByText('Active')).toBeVisible();

  // The old key goes, here and at Klarna.
  await reporting.getByRole('button', { name: 'Delete…' }).click();
  dialog = admin.getByRole('dialog', { name: /^Delete Reporting service/ });
  await expect(dialog.getByRole('checkbox')).toBeChecked();
  await dialog.getByRole('button', { name: 'Delete here and at Klarna' }).click();
  await expect(reporting).toHaveCount(0);
  await expect(atKlarna.getByRole('row', { name: /Reporting service/ })).toHaveCount(0);
});

test('an admin edits a webhook, rotates its signing key, ends the old key’s grace, and deletes the webhook', async ({
  pageAs,
}) => {
  const admin = await pageAs('admin');
  await admin.goto('/webhooks');
  const webhooks = admin.getByRole('table', { name: 'Webhooks at Klarna' });
  const keys = admin.getByRole('table', { name: 'Signing keys at Klarna' });

  await webhooks.getByRole('button', { name: 'Edit…' }).first().click();
  let dialog = admin.getByRole('dialog', { name: 'Edit webhook' });
  await dialog.getByLabel('Status').selectOption('DISABLED');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  await expect(webhooks.getByText('DISABLED')).toBeVisible();

  const used = keys.getByRole('row').filter({ hasText: '1 webhook' });
  const oldKey = (await used.getByRole('cell').first().textContent())!;
  await used.getByRole('button', { name: 'Rotate…' }).click();
  await admin.getByRole('dialog', { name: 'Rotate this signing key' }).getByRole('button', { name: 'Rotate' }).click();
  // Klarna keeps the old key in parallel, used by no webhook; this dashboard accepts it for 12 hours more and says until when.
  await expect(keys.getByRole('row').filter({ hasText: oldKey })).toContainText('Retired: accepted until');
  await expect(keys.getByRole('row').filter({ hasText: '1 webhook' })).toHaveCount(1);
  const retired = admin
    .getByRole('table', { name: 'Retired signing keys' })
    .getByRole('row')
    .filter({ hasText: oldKey });
  // "07 Dec 2026, 13:" for 12 hours from now (a minute earlier too, in case the hour turned meanwhile).
  const hourIn12h = (offsetMs: number) =>
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'UTC',
      year: 'numeric',
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    })
      .format(new Date(Date.now() + 12 * 3600_000 + offsetMs))
      .slice(0, -2);
  await expect(retired).toContainText(new RegExp(`${hourIn12h(-60_000)}|${hourIn12h(0)}`));
  await retired.getByRole('button', { name: 'End grace now…' }).click();
  await admin
    .getByRole('dialog', { name: 'Stop accepting this retired key' })
    .getByRole('button', { name: 'Stop accepting it' })
    .click();
  await expect(admin.getByRole('table', { name: 'Retired signing keys' })).toHaveCount(0);
  // Ending the grace deleted it at Klarna as well.
  await expect(keys.getByRole('row').filter({ hasText: oldKey })).toHaveCount(0);

  await webhooks.getByRole('button', { name: 'Delete…' }).first().click();
  dialog = admin.getByRole('dialog', { name: 'Delete this webhook' });
  await dialog.getByRole('button', { name: 'Delete webhook' }).click();
  await expect(dialog).toBeHidden();
  await expect(admin.getByText('No webhooks yet')).toBeVisible();
});

test('Management API test case 8: an admin creates a signing key, deletes it, and a delivery signed with it is rejected and shown so in the event log', async ({
  pageAs,
  baseURL,
}) => {
  const admin = await pageAs('admin');
  await admin.goto('/webhooks');
  const keys = admin.getByRole('table', { name: 'Signing keys at Klarna' });
  const webhooks = admin.getByRole('table', { name: 'Webhooks at Klarna' });
  // Counted once the list is on screen (the earlier test leaves a key): a count taken earlier reads 0.
  await expect(keys.or(admin.getByText('No signing keys yet.'))).toBeVisible();
  const before = await keys.getByRole('row').count();

  // 1. Create a new signing key (the newest is listed first) and a webhook signing with it.
  await admin.getByRole('button', { name: 'Create signing key' }).click();
  await admin.getByRole('dialog', { name: 'Create a signing key' }).getByRole('button', { name: 'Create key' }).click();
  await expect(keys.getByRole('row')).toHaveCount(before + 1);
  const keyId = (await keys.getByRole('row').nth(1).getByRole('cell').first().getAttribute('title'))!;
  await admin.getByRole('button', { name: 'Add webhook' }).click();
  let dialog = admin.getByRole('dialog', { name: 'Add a webhook' });
  await expect(dialog.getByLabel('Signing key')).toHaveValue(keyId);
  await dialog.getByRole('button', { name: 'Create webhook' }).click();
  await expect(dialog).toBeHidden();
  const webhook = webhooks.getByRole('row').filter({ has: admin.locator(`[title="${keyId}"]`) });
  await expect(webhook).toContainText(`${baseURL}/api/webhooks/klarna`);

  // 2. Delete the same signing key, although the webhook uses it: the dialog says what stops.
  const key = keys.getByRole('row').filter({ has: admin.locator(`[title="${keyId}"]`) });
  await expect(key).toContainText('1 webhook');
  await key.getByRole('button', { name: 'Delete…' }).click();
  dialog = admin.getByRole('dialog', { name: 'Delete this signing key' });
  await expect(dialog).toContainText('The 1 webhook signing with it will stop working');
  await dialog.getByRole('button', { name: 'Delete key' }).click();
  await expect(key).toHaveCount(0);
  await expect(webhook.getByText('key deleted: events rejected')).toBeVisible();

  // 3. The webhook no longer works: Klarna's delivery, signed with the deleted key, is rejected.
  await webhook.getByRole('button', { name: 'Send test event…' }).click();
  dialog = admin.getByRole('dialog', { name: 'Send a test event' });
  await dialog.getByLabel('Event type').selectOption('payment.request.state-change.authorized');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByText('Arrived.')).toBeVisible({ timeout: 20_000 });
  await expect(dialog.getByRole('status')).toContainText('Signature: rejected');
  await expect(dialog).toContainText(`signing key ${keyId} was deleted here`);
  await dialog.getByRole('button', { name: 'Done' }).click();

  await admin.goto(`/webhooks/events?verdict=rejected&q=${encodeURIComponent(keyId)}`);
  const row = admin.getByRole('table', { name: 'Webhook events, newest first' }).getByRole('row').nth(1);
  await expect(row).toContainText('Rejected');
  await expect(row).toContainText(`signing key ${keyId} was deleted here (no longer accepted since`);

  // Clean up: the webhook would keep failing deliveries for the specs after this one.
  await admin.goto('/webhooks');
  await webhook.getByRole('button', { name: 'Delete…' }).click();
  await admin
    .getByRole('dialog', { name: 'Delete this webhook' })
    .getByRole('button', { name: 'Delete webhook' })
    .click();
  await expect(webhook).toHaveCount(0);
});

test('re-processing an event applies it again through its handler', async ({ pageAs }) => {
  // The simulated settlement.report.created names a settlement Klarna does not have: its handler
  // queues a fetch (which finds nothing) and the event is applied again.
  const admin = await pageAs('admin');
  await admin.goto('/webhooks/events?verdict=valid&type=settlement.report.created');
  await admin
    .getByRole('link', { name: /^Details of event / })
    .first()
    .click();
  await admin.getByRole('button', { name: 'Re-process' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Re-process this event?' });
  await dialog.getByRole('button', { name: 'Re-process event' }).click();
  await expect(admin.getByText('Event re-processed: settlement.report.created applied again.')).toBeVisible();
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
