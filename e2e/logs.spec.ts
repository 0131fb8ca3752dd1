import { randomUUID } from 'node:crypto';
import { expect, test } from './fixtures';
import { ensureKlarnaConnected, sandboxUrl } from './klarna-setup';
import { expectTableFitsCard } from './table-fit';

test.describe('event log', () => {
  test('a rejected delivery is listed with its reason, found by the filter form, and shown in full', async ({
    pageAs,
    request,
  }) => {
    // A delivery signed with a key this dashboard does not hold: stored as rejected, answered 400.
    const keyId = `e2e-logs-key-${randomUUID()}`;
    const marker = randomUUID();
    const response = await request.post('/api/webhooks/klarna', {
      headers: {
        'content-type': 'application/json',
        'klarna-signing-key-id': keyId,
        'klarna-signature': 'bm90LWEtc2lnbmF0dXJl',
      },
      data: JSON.stringify({
        metadata: { event_type: 'payment.request.state-change.authorized', event_id: marker },
        payload: { note: marker },
      }),
    });
    expect(response.status()).toBe(400);
    expect(await response.json()).toEqual({ error: `unknown signing key ${keyId}` });

    const viewer = await pageAs('viewer');
    await viewer.goto('/webhooks/events');
    await expect(viewer.getByRole('heading', { name: 'Event log' })).toBeVisible();
    // The whole log (the wire spec's events have account ids and long types) fits its card; on a
    // phone a row's time, processing and way to its details are in view.
    const table = viewer.getByRole('table', { name: 'Webhook events, newest first' });
    const first = table.locator('tbody tr').first();
    await expectTableFitsCard(viewer, table, [
      first.locator('td').nth(0),
      first.locator('td').nth(4),
      first.getByRole('link', { name: /^Details/ }),
    ]);
    const form = viewer.getByRole('form', { name: 'Filter the event log' });
    await form.getByLabel('Search ids').fill(keyId);
    await form.getByLabel('Signature').selectOption('rejected');
    await form.getByRole('button', { name: 'Apply' }).click();
    await expect(viewer).toHaveURL(/verdict=rejected/);

    const rows = table.getByRole('row');
    await expect(rows).toHaveCount(2); // header + our delivery
    const row = rows.nth(1);
    await expect(row).toContainText('Rejected');
    await expect(row).toContainText(`unknown signing key ${keyId}`);

    // The same search for valid events finds nothing: the empty state.
    await form.getByLabel('Signature').selectOption('valid');
    await form.getByRole('button', { name: 'Apply' }).click();
    await expect(viewer).toHaveURL(/verdict=valid/);
    await expect(viewer.getByText('No webhook events match these filters.')).toBeVisible();

    await viewer.goBack();
    await expect(viewer).toHaveURL(/verdict=rejected/);
    await row.getByRole('link', { name: /^Details/ }).click();
    // An unverified body's claims are not trusted: the row has no event type of its own.
    await expect(viewer.getByRole('heading', { name: 'Rejected delivery' })).toBeVisible();
    await expect(viewer.getByRole('main')).toContainText(`unknown signing key ${keyId}`);
    const headers = viewer.getByRole('table', { name: 'Delivery headers' });
    await expect(headers.getByRole('row').filter({ hasText: 'klarna-signing-key-id' })).toContainText(keyId);
    await expect(headers.getByRole('row').filter({ hasText: 'content-type' })).toContainText('application/json');
    const body = viewer.getByLabel('Event body');
    await expect(body).toContainText(`"note": "${marker}"`);
    // A viewer may look but not re-process.
    await expect(viewer.getByRole('button', { name: 'Re-process' })).toHaveCount(0);
  });

  test('a body that is not JSON is shown as received', async ({ pageAs, request }) => {
    const keyId = `e2e-logs-key-${randomUUID()}`;
    const response = await request.post('/api/webhooks/klarna', {
      headers: { 'content-type': 'text/plain', 'klarna-signing-key-id': keyId },
      data: 'plain words, not json',
    });
    expect(response.status()).toBe(400);
    const admin = await pageAs('admin');
    await admin.goto(`/webhooks/events?q=${encodeURIComponent(keyId)}`);
    await admin
      .getByRole('table', { name: 'Webhook events, newest first' })
      .getByRole('link', { name: /^Details/ })
      .click();
    await expect(admin.getByRole('heading', { name: 'Rejected delivery' })).toBeVisible();
    await expect(admin.getByLabel('Event body')).toHaveText('plain words, not json');
    // Rejected deliveries cannot be re-processed, so not even an admin gets the button.
    await expect(admin.getByRole('button', { name: 'Re-process' })).toHaveCount(0);
  });

  test('a flood of unauthenticated posts is stored small up to the limit, then only counted, and the event log says how many', async ({
    pageAs,
    request,
  }) => {
    // A made-up address (the last X-Forwarded-For entry is the source): other specs' rejections keep their own allowance.
    const source = `198.51.100.${1 + Math.floor(Math.random() * 254)}`;
    // Raw bytes: a string with a JSON content type would be sent JSON-encoded, in quotes.
    const junk = Buffer.from('x'.repeat(64 * 1024));
    // 45 at once: 30 are stored at once and one more every 2 s, so at least a dozen are only
    // counted however slow the machine (the posts would have to take over 30 s not to be).
    const responses = await Promise.all(
      Array.from({ length: 45 }, () =>
        request.post('/api/webhooks/klarna', {
          headers: { 'content-type': 'application/json', 'x-forwarded-for': source },
          data: junk,
        }),
      ),
    );
    for (const response of responses) {
      expect(response.status()).toBe(400);
      expect(response.headers()['x-request-id']).toBeTruthy();
    }
    const viewer = await pageAs('viewer');
    const banner = viewer.getByRole('status').filter({ hasText: 'Rejected deliveries counted, not stored' });
    // The counts are written every 5 seconds.
    await expect(async () => {
      await viewer.goto('/webhooks/events?verdict=rejected');
      await expect(banner).toContainText(new RegExp(`\\b([1-9]|1[0-5]) from ${source.replaceAll('.', '\\.')}[.;]`), {
        timeout: 1000,
      });
    }).toPass({ timeout: 20_000 });
    // The banner's address opens the rejected deliveries from that address alone, so other
    // specs' rejections arriving meanwhile cannot push this flood's rows off the first page.
    await banner.getByRole('link', { name: source }).click();
    await expect(viewer).toHaveURL(new RegExp(`source=${source.replaceAll('.', '\\.')}`));
    await expect(viewer.getByLabel('Source address')).toHaveValue(source);
    const table = viewer.getByRole('table', { name: 'Webhook events, newest first' });
    await expect(
      table
        .getByRole('row')
        .filter({
          hasText: new RegExp(`more rejected deliver(y|ies) from ${source.replaceAll('.', '\\.')} not stored`),
        })
        .first(),
    ).toContainText(/(^|\D)([1-9]|1[0-5]) not stored/);
    // A stored one keeps its size and only the start of its body.
    await table
      .getByRole('row')
      .filter({ hasText: 'missing Klarna-Signing-Key-Id header' })
      .filter({ hasText: '64.0 KB body' })
      .first()
      .getByRole('link', { name: /^Details/ })
      .click();
    await expect(viewer.getByRole('heading', { name: 'Rejected delivery' })).toBeVisible();
    await expect(viewer.getByRole('main')).toContainText(
      'Rejected, so only its first 4,096 of 65,536 bytes are kept, as received.',
    );
    await expect(viewer.getByLabel('Event body')).toHaveText('x'.repeat(4096));
  });

  test('a test event for a payment nobody here knows is ignored with a sentence, on the event page and when re-processed', async ({
    pageAs,
    request,
    baseURL,
  }) => {
    const admin = await pageAs('admin');
    await ensureKlarnaConnected(admin, request, baseURL);
    await admin.goto('/webhooks');
    const webhook = admin
      .getByRole('table', { name: 'Webhooks at Klarna' })
      .getByRole('row')
      .filter({ hasText: `${baseURL}/api/webhooks/klarna` })
      .filter({ hasText: 'Enabled' })
      .first();
    await webhook.getByRole('button', { name: 'Send test event…' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Send a test event' });
    await dialog.getByLabel('Event type').selectOption('payment.transaction.captured');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await expect(dialog.getByRole('status')).toContainText('Processing: ignored', { timeout: 20_000 });
    await expect(dialog).toContainText('ignored: no payment with this id is known here');
    await dialog.getByRole('link', { name: 'Open it in the event log' }).click();

    const main = admin.getByRole('main');
    await expect(main.getByText('Ignored', { exact: true })).toBeVisible();
    await expect(main).toContainText(
      'ignored: no payment with this id is known here (a test event: Klarna sent it with dummy data)',
    );
    // Klarna's dummy data matches the event type: amounts and state included.
    await expect(admin.getByLabel('Event body')).toContainText('"captured_amount": 11800');
    await expect(admin.getByLabel('Event body')).toContainText('"state": "COMPLETED"');
    await admin.getByRole('button', { name: 'Re-process' }).click();
    const again = admin.getByRole('dialog', { name: 'Re-process this event?' });
    await again.getByRole('button', { name: 'Re-process event' }).click();
    await expect(again).toContainText('Re-processed, and ignored again:');
    await expect(again).toContainText('ignored: no payment with this id is known here');
  });

  test('an event whose payload cannot be read says which fields in a sentence, with the raw detail folded away', async ({
    pageAs,
    request,
    baseURL,
  }) => {
    const admin = await pageAs('admin');
    await ensureKlarnaConnected(admin, request, baseURL);
    // Klarna sends a transaction event without its amounts (arranged at the sandbox's control API).
    const emitted = await (
      await request.post(`${sandboxUrl(baseURL)}/_sandbox/events`, {
        data: {
          event_type: 'payment.transaction.captured',
          payload: { payment_transaction_id: `krn:payment:eu1:transaction:${randomUUID()}`, state: 'COMPLETED' },
        },
      })
    ).json();
    await expect(async () => {
      await admin.goto(`/webhooks/events?q=${encodeURIComponent(emitted.event_id)}`);
      await expect(admin.getByRole('table', { name: 'Webhook events, newest first' }).getByRole('row')).toHaveCount(2);
    }).toPass({ timeout: 20_000 });
    const row = admin.getByRole('table', { name: 'Webhook events, newest first' }).getByRole('row').nth(1);
    await expect(row).toContainText('Failed');
    await expect(row).toContainText(
      'Not applied: the payload is missing or has unexpected values for currency, authorized_amount',
    );
    await row.getByRole('link', { name: /^Details/ }).click();
    const main = admin.getByRole('main');
    await expect(main).toContainText('so nothing was changed; re-process it once the cause is fixed.');
    const detail = main.getByText('Technical detail');
    await expect(detail).toBeVisible();
    await expect(main.getByText(/^currency: /)).toBeHidden();
    await detail.click();
    await expect(main.getByText(/currency: /)).toBeVisible();
  });

  test('an invalid filter is named and ignored; an unknown event is not found', async ({ pageAs }) => {
    const viewer = await pageAs('viewer');
    await viewer.goto('/webhooks/events?verdict=maybe&type=payment.*');
    await expect(viewer.getByText('Some filters were not valid and were ignored: verdict.')).toBeVisible();
    await expect(viewer.getByRole('form', { name: 'Filter the event log' }).getByLabel('Event type')).toHaveValue(
      'payment.*',
    );
    // The page streams behind its loading skeleton, so the answer is already 200: check the content.
    await viewer.goto('/webhooks/events/987654321');
    await expect(viewer.getByText('This page could not be found.')).toBeVisible();
  });
});

test.describe('API request log', () => {
  test('a viewer is refused it and sees no link to it', async ({ pageAs }) => {
    const viewer = await pageAs('viewer');
    await viewer.goto('/webhooks/events');
    const nav = viewer.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Event log' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'API request log' })).toHaveCount(0);
    await viewer.goto('/developers/api-requests');
    await expect(viewer.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
    await expect(
      viewer.getByText('Your role (Viewer) may not read the API request log; it needs Operator.'),
    ).toBeVisible();
    await expect(viewer.getByRole('table')).toHaveCount(0);
    await viewer.goto('/developers/api-requests/1');
    await expect(viewer.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
  });

  test('an operator opens it and filters it', async ({ pageAs }) => {
    const operator = await pageAs('operator');
    await operator.goto('/developers/api-requests');
    await expect(operator.getByRole('heading', { name: 'API request log' })).toBeVisible();
    const form = operator.getByRole('form', { name: 'Filter the API request log' });
    await form.getByLabel('Idempotency key').fill(`no-such-key-${randomUUID()}`);
    await form.getByLabel('Status').selectOption('network');
    await form.getByRole('button', { name: 'Apply' }).click();
    await expect(operator).toHaveURL(/status=network/);
    await expect(operator.getByText('No API requests match these filters.')).toBeVisible();
    // Clear empties the controls, so the next Apply brings no filter back.
    await form.getByRole('link', { name: 'Clear' }).click();
    await expect(operator).toHaveURL(/\/developers\/api-requests$/);
    await expect(form.getByLabel('Status')).toHaveValue('');
    await expect(form.getByLabel('Idempotency key')).toHaveValue('');
    await form.getByRole('button', { name: 'Apply' }).click();
    await expect(operator).toHaveURL(/\/developers\/api-requests\?/);
    await expect(operator).not.toHaveURL(/status=network|no-such-key/);
    await expect(operator.getByText('No API requests match these filters.')).toBeHidden();
    await operator.goto('/developers/api-requests?status=3xx');
    await expect(operator.getByText('Some filters were not valid and were ignored: status.')).toBeVisible();
  });
});
