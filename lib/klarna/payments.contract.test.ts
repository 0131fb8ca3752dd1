import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/start';
import { mutation, sandboxClient, startReceiver } from '../../sandbox/test-helpers';
import type { KlarnaApi } from './api';
import { KlarnaApiError } from './errors';
import type { OnboardRequest } from './schemas/accounts';
import {
  paymentRequestEventPayloadSchema,
  paymentTransactionEventPayloadSchema,
  type LineItem,
  type PaymentRequestCreateRequest,
  type PaymentTransaction,
} from './schemas/payments';
import { webhookEventSchema } from './schemas/webhooks';
import { verifyWebhookSignature } from './signature';

// Payments against the embedded sandbox, over real HTTP through the typed client: payment
// requests (create, read, update, cancel, expiry), the shopper page (approve / deny and the
// redirect), confirmation, and payment transactions (read, update, capture, refund a capture,
// refund the transaction, void, reauthorize), with states driven by the sandbox clock,
// Klarna's errors, limits and webhooks. Scenarios follow the seed's end-to-end test cases.

let sandbox: RunningSandbox;
let api: KlarnaApi;
let accountId: string;

const coolBrand: OnboardRequest = {
  account_reference: 'M123786123412',
  account_name: 'CoolBrand',
  account_owner: { given_name: 'Julia', family_name: 'Doe', email: 'julia.doe@CoolBrand.com', phone: '+15555555555' },
  products: [{ type: 'PAYMENT', merchant_category_code: '5691' }],
  channel: { websites: [{ urls: ['https://CoolBrand.com'] }] },
};

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, dataDir: null, rateLimits: 'off' });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await sandbox.control.reset();
  await sandbox.control.clearFaults();
  await sandbox.control.setAccountActivationDelay(0);
  const apiKey = (await sandbox.control.bootstrapKey()).api_key;
  ({ api } = sandboxClient(sandbox.baseUrl, apiKey));
  accountId = (await api.accounts.onboard(coolBrand, mutation())).account_id;
  await sandbox.control.advanceClock(1);
});

const REQUEST_ID = /^krn:payment:eu1:request:[0-9a-f-]{36}$/;
const TOKEN = /^krn:payment:eu1:confirmation-token:[0-9a-f-]{36}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HOUR = 3600;
const DAY = 24 * HOUR;

const line = (name: string, quantity: number, unitPrice: number, extra: Partial<LineItem> = {}): LineItem => ({
  name,
  quantity,
  unit_price: unitPrice,
  total_line_amount: quantity * unitPrice - (extra.total_discount_amount ?? 0),
  type: 'physical',
  ...extra,
});
const oneItem: PaymentRequestCreateRequest = {
  currency: 'USD',
  payment_amount: 10000,
  payment_reference: 'partner-payref-1234',
  merchant_reference: 'order-5678',
  line_items: [line('Sneakers', 1, 10000, { total_tax_amount: 0 })],
  config: {
    redirect_url:
      'https://partner.example/klarna-redirect?confirmation_token={klarna.payment_request.payment_confirmation_token}&request_id={klarna.payment_request.id}&state={klarna.payment_request.state}&reference={klarna.payment_request.payment_reference}',
  },
};
const twoItems: PaymentRequestCreateRequest = {
  currency: 'USD',
  payment_amount: 15000,
  merchant_reference: 'order-2',
  line_items: [line('Shirt', 2, 2500), line('Jacket', 1, 10000)],
};

type Failure = {
  status: number;
  errorType: string | null;
  errorCode: string | null;
  parameters: string[];
  message: string;
};
async function failure(fn: () => Promise<unknown>): Promise<Failure> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof KlarnaApiError)) throw error;
    return {
      status: error.status,
      errorType: error.errorType,
      errorCode: error.errorCode,
      parameters: error.errors.map((e) => e.parameter ?? '').sort(),
      message: error.errorMessage ?? '',
    };
  }
  throw new Error('expected a Klarna error');
}
const conflict = (...texts: string[]) => ({
  status: 409,
  errorType: 'RESOURCE_ERROR',
  errorCode: 'RESOURCE_CONFLICT',
  message: expect.stringMatching(new RegExp(texts.join('.*'))),
});
const validation = (...parameters: string[]) => ({
  status: 400,
  errorType: 'INPUT_ERROR',
  errorCode: 'VALIDATION_ERROR',
  parameters: [...parameters].sort(),
});
const notFound = { status: 404, errorType: 'RESOURCE_ERROR', errorCode: 'RESOURCE_NOT_FOUND' };
const forbidden = (text: string) => ({
  status: 403,
  errorType: 'RESOURCE_ERROR',
  errorCode: 'OPERATION_FORBIDDEN',
  message: expect.stringContaining(text),
});

/** Creates, approves (control API) and confirms: an AUTHORIZED transaction, through the public API except the shopper. */
async function authorize(body: PaymentRequestCreateRequest = twoItems): Promise<PaymentTransaction> {
  const created = await api.paymentRequests.create(accountId, body, mutation());
  const { payment_request } = await sandbox.control.approvePaymentRequest(created.payment_request_id);
  const token = payment_request.state_context.payment_confirmation_token!;
  const confirmed = await api.paymentRequests.confirm(
    accountId,
    token,
    { currency: body.currency, payment_amount: body.payment_amount },
    mutation(),
  );
  return api.paymentTransactions.get(accountId, confirmed.state_context.payment_transaction_id!);
}

async function webhookReceiver(patterns = ['payment.*']) {
  const receiver = await startReceiver();
  const key = await api.signingKeys.create(mutation());
  const webhook = await api.webhooks.create(
    { url: receiver.url, event_types: patterns, event_version: 'v1', signing_key_id: key.signing_key_id },
    mutation(),
  );
  return {
    close: receiver.close,
    async events(count: number) {
      const deliveries = await sandbox.control.waitForDeliveries({ webhook_id: webhook.webhook_id }, { count });
      expect(deliveries.every((d) => d.state === 'delivered')).toBe(true);
      return deliveries.map((delivery) => {
        const request = receiver.received.find((r) => r.body === delivery.body)!;
        expect(
          verifyWebhookSignature(request.body, request.headers['klarna-signature'] as string, key.signing_key).valid,
        ).toBe(true);
        return webhookEventSchema.parse(JSON.parse(request.body));
      });
    },
  };
}

describe('payment requests', () => {
  it('creates (201) with a distribution URL, reads and updates while SUBMITTED', async () => {
    const created = await api.paymentRequests.create(accountId, oneItem, mutation());
    expect(created.payment_request_id).toMatch(REQUEST_ID);
    expect(created.state).toBe('SUBMITTED');
    expect(created.state_context.distribution?.url).toBe(
      `${sandbox.baseUrl}/shopper/payment-requests/${created.payment_request_id}`,
    );
    expect(Date.parse(created.expires_at) - Date.parse(created.created_at)).toBe(48 * HOUR * 1000);
    expect(created.payment_request).toMatchObject({
      currency: 'USD',
      payment_amount: 10000,
      payment_reference: 'partner-payref-1234',
    });

    const read = await api.paymentRequests.get(accountId, created.payment_request_id);
    expect(read).toEqual(created);

    const updated = await api.paymentRequests.update(
      accountId,
      created.payment_request_id,
      { payment_amount: 12000, line_items: [line('Sneakers', 1, 10000), line('Socks', 2, 1000)] },
      mutation(),
    );
    expect(updated.payment_request.payment_amount).toBe(12000);
    expect(updated.payment_request.line_items).toHaveLength(2);
    // Amount alone no longer matches the stored lines.
    expect(
      await failure(() =>
        api.paymentRequests.update(accountId, created.payment_request_id, { payment_amount: 5 }, mutation()),
      ),
    ).toMatchObject(validation('payment_amount'));
  });

  it('refuses bad bodies with parameter paths', async () => {
    const bad = {
      currency: 'usd',
      payment_amount: 10.5,
      line_items: [{ name: 'X', quantity: 1, unit_price: 100, total_line_amount: 90 }],
      config: { redirect_url: 'ftp://nope' },
      extra: 1,
    } as unknown as PaymentRequestCreateRequest;
    expect(await failure(() => api.paymentRequests.create(accountId, bad, mutation()))).toMatchObject(
      validation('currency', 'payment_amount', 'line_items[0].total_line_amount', 'config.redirect_url', 'extra'),
    );
    expect(
      await failure(() => api.paymentRequests.create(accountId, { ...twoItems, payment_amount: 14999 }, mutation())),
    ).toMatchObject(validation('payment_amount'));
    // A discount line: quantity × unit_price − total_discount_amount, and lines that reduce must not be positive.
    expect(
      await failure(() =>
        api.paymentRequests.create(
          accountId,
          { currency: 'USD', payment_amount: 100, line_items: [line('Coupon', 1, 100, { type: 'discount' })] },
          mutation(),
        ),
      ),
    ).toMatchObject(validation('line_items[0].total_line_amount'));
    // No rate in the price plan for NOK.
    expect(
      await failure(() => api.paymentRequests.create(accountId, { currency: 'NOK', payment_amount: 100 }, mutation())),
    ).toMatchObject(validation('currency'));
  });

  it('answers 404 for unknown requests and accounts, 403 for another partner’s account', async () => {
    expect(
      await failure(() =>
        api.paymentRequests.get(accountId, 'krn:payment:eu1:request:00000000-0000-0000-0000-000000000000'),
      ),
    ).toMatchObject(notFound);
    expect(
      await failure(() => api.paymentRequests.create('krn:partner:global:account:test:NOPE0000', oneItem, mutation())),
    ).toMatchObject(notFound);
    const foreign = (await sandbox.control.createForeignAccount()).account_id;
    expect(await failure(() => api.paymentRequests.create(foreign, oneItem, mutation()))).toMatchObject({
      status: 403,
    });
  });

  it('refuses new payments while the payment product is DISABLED or TERMINATED, but allows post-purchase calls when DISABLED', async () => {
    const t = await authorize();
    await api.paymentProduct.disable(accountId, mutation());
    expect(await failure(() => api.paymentRequests.create(accountId, oneItem, mutation()))).toMatchObject(
      conflict('DISABLED', 'cannot process new payment requests'),
    );
    const captured = await api.paymentTransactions.capture(
      accountId,
      t.payment_transaction_id,
      { amount: 5000 },
      mutation(),
    );
    expect(captured.payment_transaction.captured_amount).toBe(5000);
    await sandbox.control.setProductState(accountId, 'TERMINATED');
    expect(
      await failure(() =>
        api.paymentTransactions.capture(accountId, t.payment_transaction_id, { amount: 1 }, mutation()),
      ),
    ).toMatchObject(conflict('TERMINATED'));
  });

  it('cancels (DELETE) until authorized, and not twice', async () => {
    const created = await api.paymentRequests.create(accountId, oneItem, mutation());
    const canceled = await api.paymentRequests.cancel(accountId, created.payment_request_id);
    expect(canceled).toMatchObject({ state: 'CANCELED', previous_state: 'SUBMITTED', state_expires_at: null });
    expect(await failure(() => api.paymentRequests.cancel(accountId, created.payment_request_id))).toMatchObject(
      conflict('CANCELED', 'cannot be canceled'),
    );
    expect(
      await failure(() =>
        api.paymentRequests.update(accountId, created.payment_request_id, { merchant_reference: 'x' }, mutation()),
      ),
    ).toMatchObject(conflict('only while SUBMITTED'));

    // Approved but not yet confirmed: still cancelable, and its token is then useless.
    const second = await api.paymentRequests.create(accountId, oneItem, mutation());
    const token = (await sandbox.control.approvePaymentRequest(second.payment_request_id)).payment_request.state_context
      .payment_confirmation_token!;
    await api.paymentRequests.cancel(accountId, second.payment_request_id);
    expect(
      await failure(() =>
        api.paymentRequests.confirm(accountId, token, { currency: 'USD', payment_amount: 10000 }, mutation()),
      ),
    ).toMatchObject(conflict('CANCELED'));

    const t = await authorize();
    expect(await failure(() => api.paymentRequests.cancel(accountId, t.payment_request_id!))).toMatchObject(
      conflict('AUTHORIZED'),
    );
  });

  it('expires after 48 h by the sandbox clock, and a confirmation token after 60 minutes', async () => {
    const created = await api.paymentRequests.create(accountId, oneItem, mutation());
    await sandbox.control.advanceClock(48 * HOUR - 10);
    expect((await api.paymentRequests.get(accountId, created.payment_request_id)).state).toBe('SUBMITTED');
    await sandbox.control.advanceClock(11);
    expect((await api.paymentRequests.get(accountId, created.payment_request_id)).state).toBe('EXPIRED');

    const second = await api.paymentRequests.create(accountId, oneItem, mutation());
    const approved = (await sandbox.control.approvePaymentRequest(second.payment_request_id)).payment_request;
    expect(approved.state).toBe('PENDING_CONFIRMATION');
    expect(Date.parse(approved.state_expires_at!) - Date.parse(approved.updated_at)).toBe(HOUR * 1000);
    await sandbox.control.advanceClock(HOUR + 1);
    expect((await api.paymentRequests.get(accountId, second.payment_request_id)).state).toBe('EXPIRED');
    const token = approved.state_context.payment_confirmation_token!;
    expect(
      await failure(() =>
        api.paymentRequests.confirm(accountId, token, { currency: 'USD', payment_amount: 10000 }, mutation()),
      ),
    ).toMatchObject(conflict('expired'));
  });
});

describe('the shopper page and confirmation', () => {
  it('shows the payment, approves with a form POST, redirects with the placeholders filled, and confirms idempotently', async () => {
    const hooks = await webhookReceiver(['payment.request.*', 'payment.transaction.*']);
    try {
      const created = await api.paymentRequests.create(accountId, oneItem, mutation());
      const url = created.state_context.distribution!.url;
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('CoolBrand');
      expect(html).toContain('$100.00');
      expect(html).toContain('Sneakers');
      expect(html).toContain('customer@email.us');
      expect(html).toContain('customer+denied@email.us');
      expect(html).toMatch(/<form method="post" action="[^"]+\/approve"><button[^>]*>Approve<\/button>/);
      expect((await api.paymentRequests.get(accountId, created.payment_request_id)).state).toBe('IN_PROGRESS');
      expect(
        await failure(() =>
          api.paymentRequests.update(accountId, created.payment_request_id, { merchant_reference: 'x' }, mutation()),
        ),
      ).toMatchObject(conflict('IN_PROGRESS'));

      const approve = await fetch(`${url}/approve`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      expect(approve.status).toBe(303);
      const location = new URL(approve.headers.get('location')!);
      expect(location.origin + location.pathname).toBe('https://partner.example/klarna-redirect');
      const token = location.searchParams.get('confirmation_token')!;
      expect(token).toMatch(TOKEN);
      expect(location.searchParams.get('request_id')).toBe(created.payment_request_id);
      expect(location.searchParams.get('state')).toBe('PENDING_CONFIRMATION');
      expect(location.searchParams.get('reference')).toBe('partner-payref-1234');

      const pending = await api.paymentRequests.get(accountId, created.payment_request_id);
      expect(pending).toMatchObject({
        state: 'PENDING_CONFIRMATION',
        previous_state: 'IN_PROGRESS',
        state_context: { payment_confirmation_token: token },
      });
      // The page no longer offers the buttons; approving again is refused.
      expect((await fetch(url)).status).toBe(410);
      expect((await fetch(`${url}/approve`, { method: 'POST', redirect: 'manual' })).status).toBe(409);

      expect(
        await failure(() =>
          api.paymentRequests.confirm(accountId, token, { currency: 'USD', payment_amount: 9999 }, mutation()),
        ),
      ).toMatchObject(validation('payment_amount'));
      const confirmed = await api.paymentRequests.confirm(
        accountId,
        token,
        { currency: 'USD', payment_amount: 10000 },
        mutation(),
      );
      expect(confirmed).toMatchObject({ state: 'AUTHORIZED', previous_state: 'PENDING_CONFIRMATION' });
      const transactionId = confirmed.state_context.payment_transaction_id!;
      expect(transactionId).toMatch(UUID);
      // Standard retail, US, USD, website: 30 fixed + 2.99 %, no VAT on fees in the US.
      expect(confirmed.state_context.payment_pricing).toEqual({
        price_plan_id: 'krn:partner:global:pricing:payments:price-plan:9c1d7e52-3f0a-4b6e-8d21-5a7f3c9e0b14',
        rate: { fixed: 30, variable: 2_990_000, tax: { fixed: 0, variable: 0 } },
      });
      // Idempotent per token, whatever the idempotency key.
      const again = await api.paymentRequests.confirm(
        accountId,
        token,
        { currency: 'USD', payment_amount: 10000 },
        mutation(),
      );
      expect(again.state_context.payment_transaction_id).toBe(transactionId);
      expect(
        await failure(() =>
          api.paymentRequests.confirm(
            'krn:partner:global:account:test:NOPE0000',
            token,
            { currency: 'USD', payment_amount: 10000 },
            mutation(),
          ),
        ),
      ).toMatchObject(notFound);
      expect(
        await failure(() =>
          api.paymentRequests.confirm(
            accountId,
            'krn:payment:eu1:confirmation-token:nope',
            { currency: 'USD', payment_amount: 10000 },
            mutation(),
          ),
        ),
      ).toMatchObject(notFound);

      const t = await api.paymentTransactions.get(accountId, transactionId);
      expect(t).toMatchObject({
        state: 'AUTHORIZED',
        payment_request_id: created.payment_request_id,
        currency: 'USD',
        authorized_amount: 10000,
        captured_amount: 0,
        refunded_amount: 0,
        remaining_authorized_amount: 10000,
        merchant_reference: 'order-5678',
        payment_reference: 'partner-payref-1234',
        captures: [],
        refunds: [],
      });
      expect(Date.parse(t.expires_at!) - Date.parse(t.created_at)).toBe(28 * DAY * 1000);

      const events = await hooks.events(5);
      expect(events.map((e) => e.metadata.event_type)).toEqual([
        'payment.request.state-change.submitted',
        'payment.request.state-change.in-progress',
        'payment.request.state-change.pending-confirmation',
        'payment.request.state-change.authorized',
        'payment.transaction.state-change.authorized',
      ]);
      for (const event of events) expect(event.metadata.account_id).toBe(accountId);
      expect(paymentRequestEventPayloadSchema.parse(events[2]!.payload)).toMatchObject({
        state: 'PENDING_CONFIRMATION',
        previous_state: 'IN_PROGRESS',
        payment_confirmation_token: token,
      });
      expect(paymentTransactionEventPayloadSchema.parse(events[4]!.payload)).toMatchObject({
        payment_transaction_id: transactionId,
        state: 'AUTHORIZED',
        authorized_amount: 10000,
      });
    } finally {
      await hooks.close();
    }
  });

  it('denies (test case 8): DECLINED, redirected back with the state and no token; the +denied email declines an approval', async () => {
    const created = await api.paymentRequests.create(accountId, oneItem, mutation());
    const url = created.state_context.distribution!.url;
    const deny = await fetch(`${url}/deny`, { method: 'POST', redirect: 'manual' });
    expect(deny.status).toBe(303);
    const location = new URL(deny.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('DECLINED');
    expect(location.searchParams.get('confirmation_token')).toBe('');
    expect((await api.paymentRequests.get(accountId, created.payment_request_id)).state).toBe('DECLINED');

    const trigger = await api.paymentRequests.create(
      accountId,
      { currency: 'USD', payment_amount: 500, customer: { email: 'customer+denied@email.us' } },
      mutation(),
    );
    const page = await (await fetch(trigger.state_context.distribution!.url)).text();
    expect(page).toContain('Test trigger');
    const approve = await fetch(`${trigger.state_context.distribution!.url}/approve`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(approve.status).toBe(200); // no redirect URL: a plain page
    expect(await approve.text()).toContain('Payment declined');
    expect((await api.paymentRequests.get(accountId, trigger.payment_request_id)).state).toBe('DECLINED');
  });

  it('shows an approved page with the token when there is no redirect URL, and 404 for unknown requests', async () => {
    const created = await api.paymentRequests.create(accountId, twoItems, mutation());
    const approve = await fetch(`${created.state_context.distribution!.url}/approve`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(approve.status).toBe(200);
    const html = await approve.text();
    const token = (await api.paymentRequests.get(accountId, created.payment_request_id)).state_context
      .payment_confirmation_token!;
    expect(html).toContain('Payment approved');
    expect(html).toContain(token);
    expect((await fetch(`${sandbox.baseUrl}/shopper/payment-requests/nope`)).status).toBe(404);
  });

  it('completes a free purchase (test case 9) at once', async () => {
    const t = await authorize({ currency: 'USD', payment_amount: 0, line_items: [line('Free sample', 1, 0)] });
    expect(t).toMatchObject({
      state: 'COMPLETED',
      authorized_amount: 0,
      captured_amount: 0,
      remaining_authorized_amount: 0,
    });
  });
});

describe('payment transactions', () => {
  it('test case 1: full capture and full refund', async () => {
    const hooks = await webhookReceiver(['payment.transaction.*']);
    try {
      const t = await authorize(oneItem);
      const { capture, payment_transaction: afterCapture } = await api.paymentTransactions.capture(
        accountId,
        t.payment_transaction_id,
        {
          amount: 10000,
          capture_reference: 'ship-1',
          shipping_info: [
            { shipping_company: 'UPS', tracking_number: '1Z999', tracking_url: 'https://ups.example/1Z999' },
          ],
        },
        mutation(),
      );
      expect(capture.payment_capture_id).toMatch(UUID);
      expect(capture).toMatchObject({
        amount: 10000,
        capture_reference: 'ship-1',
        refunded_amount: 0,
        shipping_info: [{ tracking_number: '1Z999' }],
      });
      expect(afterCapture).toMatchObject({
        state: 'COMPLETED',
        captured_amount: 10000,
        remaining_authorized_amount: 0,
      });
      expect(
        await failure(() =>
          api.paymentTransactions.capture(accountId, t.payment_transaction_id, { amount: 1 }, mutation()),
        ),
      ).toMatchObject(conflict('COMPLETED', 'cannot capture'));

      const { refund, payment_transaction: afterRefund } = await api.paymentTransactions.refund(
        accountId,
        t.payment_transaction_id,
        { amount: 10000, refund_reference: 'rma-1' },
        mutation(),
      );
      expect(refund).toMatchObject({
        amount: 10000,
        refund_reference: 'rma-1',
        payment_capture_id: null,
        allocations: [{ payment_capture_id: capture.payment_capture_id, amount: 10000 }],
      });
      expect(afterRefund).toMatchObject({ state: 'COMPLETED', captured_amount: 10000, refunded_amount: 10000 });
      expect(afterRefund.captures[0]).toMatchObject({
        refunded_amount: 10000,
        refunds: [{ payment_refund_id: refund.payment_refund_id }],
      });
      expect(
        await failure(() =>
          api.paymentTransactions.refund(accountId, t.payment_transaction_id, { amount: 1 }, mutation()),
        ),
      ).toMatchObject({
        ...conflict('only 0 USD'),
        parameters: ['amount'],
      });

      const events = await hooks.events(4);
      expect(events.map((e) => e.metadata.event_type)).toEqual([
        'payment.transaction.state-change.authorized',
        'payment.transaction.captured',
        'payment.transaction.state-change.completed',
        'payment.transaction.refunded',
      ]);
      // The captured event carries the state after the capture, as the state change does (same snapshot, either order).
      expect(events[1]!.payload).toMatchObject({
        state: 'COMPLETED',
        previous_state: 'AUTHORIZED',
        captured_amount: 10000,
        remaining_authorized_amount: 0,
        operations_count: 1,
        capture: { payment_capture_id: capture.payment_capture_id, amount: 10000 },
      });
      expect(events[2]!.payload).toMatchObject({
        state: 'COMPLETED',
        previous_state: 'AUTHORIZED',
        captured_amount: 10000,
        remaining_authorized_amount: 0,
        operations_count: 1,
        updated_at: (events[1]!.payload as { updated_at: string }).updated_at,
      });
      expect(events[3]!.payload).toMatchObject({
        refunded_amount: 10000,
        refund: { payment_refund_id: refund.payment_refund_id },
      });
    } finally {
      await hooks.close();
    }
  });

  it('test case 3: partial captures, refund of one capture, release of the rest; amounts above what is left are refused with the amounts', async () => {
    const t = await authorize(twoItems); // 15000
    const first = (
      await api.paymentTransactions.capture(
        accountId,
        t.payment_transaction_id,
        { amount: 5000, line_items: [line('Shirt', 2, 2500)] },
        mutation(),
      )
    ).capture;
    expect(
      await failure(() =>
        api.paymentTransactions.capture(accountId, t.payment_transaction_id, { amount: 10001 }, mutation()),
      ),
    ).toMatchObject({
      ...conflict('Cannot capture 10001', 'only 10000 USD remains authorized', 'authorized 15000, captured 5000'),
      parameters: ['amount'],
    });
    const second = (
      await api.paymentTransactions.capture(accountId, t.payment_transaction_id, { amount: 4000 }, mutation())
    ).capture;
    expect(
      await failure(() =>
        api.paymentTransactions.refundCapture(
          accountId,
          t.payment_transaction_id,
          first.payment_capture_id,
          { amount: 5001 },
          mutation(),
        ),
      ),
    ).toMatchObject(conflict('only 5000 USD of capture'));
    const refunded = await api.paymentTransactions.refundCapture(
      accountId,
      t.payment_transaction_id,
      first.payment_capture_id,
      { amount: 2500, line_items: [line('Shirt', 1, 2500)] },
      mutation(),
    );
    expect(refunded.refund).toMatchObject({ amount: 2500, payment_capture_id: first.payment_capture_id });
    // Several captures: a refund must name its capture (seed, "Refund payment transaction"), with or without lines.
    const before = await api.paymentTransactions.get(accountId, t.payment_transaction_id);
    expect(
      await failure(() =>
        api.paymentTransactions.refund(accountId, t.payment_transaction_id, { amount: 100 }, mutation()),
      ),
    ).toMatchObject(conflict('2 captures', 'refund one capture'));
    expect(
      await failure(() =>
        api.paymentTransactions.refund(
          accountId,
          t.payment_transaction_id,
          { amount: 3000, line_items: [line('Returns', 1, 3000)] },
          mutation(),
        ),
      ),
    ).toMatchObject(conflict('2 captures'));
    expect(await api.paymentTransactions.get(accountId, t.payment_transaction_id)).toEqual(before);
    await api.paymentTransactions.refundCapture(
      accountId,
      t.payment_transaction_id,
      second.payment_capture_id,
      { amount: 500 },
      mutation(),
    );
    expect(
      await failure(() =>
        api.paymentTransactions.refundCapture(accountId, t.payment_transaction_id, 'nope', { amount: 1 }, mutation()),
      ),
    ).toMatchObject(notFound);

    const released = await api.paymentTransactions.void(accountId, t.payment_transaction_id, mutation());
    expect(released).toMatchObject({
      state: 'COMPLETED',
      authorized_amount: 15000,
      captured_amount: 9000,
      refunded_amount: 3000,
      remaining_authorized_amount: 0,
      released_amount: 6000,
      voided_at: expect.any(String),
    });
    expect(
      await failure(() => api.paymentTransactions.void(accountId, t.payment_transaction_id, mutation())),
    ).toMatchObject(conflict('COMPLETED', 'release'));
    // Seed, "Void payment transaction": no further updates after a void, although a COMPLETED transaction may otherwise be updated.
    expect(
      await failure(() =>
        api.paymentTransactions.update(
          accountId,
          t.payment_transaction_id,
          { merchant_reference: 'x', shipping_info: [{ tracking_number: 'late' }] },
          mutation(),
        ),
      ),
    ).toMatchObject(conflict('was voided', 'no further updates'));
    expect((await api.paymentTransactions.get(accountId, t.payment_transaction_id)).merchant_reference).toBe('order-2');
    // Refunds are still possible when COMPLETED.
    await api.paymentTransactions.refundCapture(
      accountId,
      t.payment_transaction_id,
      second.payment_capture_id,
      { amount: 3500 },
      mutation(),
    );
    const final = await api.paymentTransactions.get(accountId, t.payment_transaction_id);
    expect(final.captures.map((c) => c.refunded_amount)).toEqual([2500, 4000]);
    expect(final.refunded_amount).toBe(6500);
  });

  it('test cases 4 and 5: discount and gift card lines are part of the captured and refunded amounts', async () => {
    const lines = [
      line('Shirt', 2, 2500),
      line('Jacket', 1, 10000, { total_discount_amount: 1000 }),
      line('SUMMER10', 1, -1500, { type: 'discount' }),
      line('Gift card', 1, -2000, { type: 'gift_card' }),
    ];
    const t = await authorize({ currency: 'USD', payment_amount: 10500, line_items: lines });
    expect(t.authorized_amount).toBe(10500);
    const { payment_transaction } = await api.paymentTransactions.capture(
      accountId,
      t.payment_transaction_id,
      { amount: 10500, line_items: lines },
      mutation(),
    );
    expect(payment_transaction.state).toBe('COMPLETED');
    const refund = await api.paymentTransactions.refund(
      accountId,
      t.payment_transaction_id,
      { amount: 2500, line_items: [line('Shirt', 1, 2500)] },
      mutation(),
    );
    expect(refund.payment_transaction).toMatchObject({ captured_amount: 10500, refunded_amount: 2500 });
  });

  it('void with nothing captured closes the transaction (test case 6); nothing works after', async () => {
    const t = await authorize();
    const voided = await api.paymentTransactions.void(accountId, t.payment_transaction_id, mutation());
    expect(voided).toMatchObject({
      state: 'CLOSED',
      captured_amount: 0,
      remaining_authorized_amount: 0,
      released_amount: 15000,
      state_expires_at: null,
    });
    expect(
      await failure(() =>
        api.paymentTransactions.capture(accountId, t.payment_transaction_id, { amount: 1 }, mutation()),
      ),
    ).toMatchObject(conflict('CLOSED', 'end of life'));
    expect(
      await failure(() =>
        api.paymentTransactions.refund(accountId, t.payment_transaction_id, { amount: 1 }, mutation()),
      ),
    ).toMatchObject(conflict('CLOSED'));
    expect(
      await failure(() =>
        api.paymentTransactions.update(accountId, t.payment_transaction_id, { merchant_reference: 'x' }, mutation()),
      ),
    ).toMatchObject(conflict('CLOSED'));
  });

  it('updates references, shipping (test case 7) and tracking', async () => {
    const t = await authorize({
      ...oneItem,
      customer: { given_name: 'Test', family_name: 'Person-us', email: 'customer@email.us' },
      shipping: {
        recipient: { given_name: 'Other', family_name: 'Recipient' },
        address: { street_address: '1 Main St', postal_code: '10001', city: 'New York', region: 'NY', country: 'US' },
      },
    });
    expect(t.shipping).toMatchObject({ recipient: { given_name: 'Other' } });
    expect(t.customer).toMatchObject({ given_name: 'Test' });
    const updated = await api.paymentTransactions.update(
      accountId,
      t.payment_transaction_id,
      {
        merchant_reference: 'order-5678-b',
        shipping_info: [{ shipping_company: 'DHL', tracking_number: 'JD01', tracking_url: 'https://dhl.example/JD01' }],
      },
      mutation(),
    );
    expect(updated).toMatchObject({
      merchant_reference: 'order-5678-b',
      shipping_info: [{ tracking_number: 'JD01' }],
      operations_count: 1,
    });
    expect(
      await failure(() => api.paymentTransactions.update(accountId, t.payment_transaction_id, {}, mutation())),
    ).toMatchObject(validation('body'));
    expect(
      await failure(() =>
        api.paymentTransactions.capture(accountId, t.payment_transaction_id, { amount: 0 }, mutation()),
      ),
    ).toMatchObject(validation('amount'));
    expect(
      await failure(() =>
        api.paymentTransactions.capture(
          accountId,
          t.payment_transaction_id,
          { amount: 100, line_items: [line('A', 1, 99)] },
          mutation(),
        ),
      ),
    ).toMatchObject(validation('amount'));
  });

  it('answers 404 for unknown transactions and transactions of another account', async () => {
    const t = await authorize();
    expect(
      await failure(() => api.paymentTransactions.get(accountId, '00000000-0000-0000-0000-000000000000')),
    ).toMatchObject(notFound);
    const other = (await api.accounts.onboard({ ...coolBrand, account_reference: 'OTHER' }, mutation())).account_id;
    expect(await failure(() => api.paymentTransactions.get(other, t.payment_transaction_id))).toMatchObject(notFound);
  });

  it('replays a capture under the same idempotency key', async () => {
    const t = await authorize();
    const key = mutation();
    const a = await api.paymentTransactions.capture(accountId, t.payment_transaction_id, { amount: 1000 }, key);
    const b = await api.paymentTransactions.capture(accountId, t.payment_transaction_id, { amount: 1000 }, key);
    expect(b.capture.payment_capture_id).toBe(a.capture.payment_capture_id);
    expect((await api.paymentTransactions.get(accountId, t.payment_transaction_id)).captured_amount).toBe(1000);
  });

  it('expires, can be reauthorized within 7 days, and closes or completes after the grace; completed ones close after 3 years', async () => {
    const hooks = await webhookReceiver(['payment.transaction.state-change.*']);
    try {
      // Expiry by the clock: 28 days.
      const a = await authorize();
      await sandbox.control.advanceClock(28 * DAY + 1);
      const expired = await api.paymentTransactions.get(accountId, a.payment_transaction_id);
      expect(expired.state).toBe('EXPIRED');
      expect(Date.parse(expired.state_expires_at!) - Date.parse(expired.expires_at!)).toBe(7 * DAY * 1000);
      expect(
        await failure(() =>
          api.paymentTransactions.capture(accountId, a.payment_transaction_id, { amount: 1 }, mutation()),
        ),
      ).toMatchObject(conflict('EXPIRED', 'reauthorize'));
      expect(
        await failure(() =>
          api.paymentTransactions.reauthorize(accountId, a.payment_transaction_id, { amount: 0 }, mutation()),
        ),
      ).toMatchObject(conflict('must exceed the captured amount'));
      const reauthorized = await api.paymentTransactions.reauthorize(
        accountId,
        a.payment_transaction_id,
        { amount: 20000, line_items: [line('Shirt', 2, 2500), line('Coat', 1, 15000)] },
        mutation(),
      );
      expect(reauthorized).toMatchObject({
        state: 'AUTHORIZED',
        authorized_amount: 20000,
        remaining_authorized_amount: 20000,
      });
      expect(
        await failure(() =>
          api.paymentTransactions.reauthorize(
            accountId,
            a.payment_transaction_id,
            { amount: 100, line_items: [line('A', 1, 99)] },
            mutation(),
          ),
        ),
      ).toMatchObject(validation('amount'));
      await api.paymentTransactions.capture(accountId, a.payment_transaction_id, { amount: 20000 }, mutation());

      // No capture and the grace passes: CLOSED.
      const b = await authorize();
      await sandbox.control.expirePaymentTransaction(b.payment_transaction_id);
      await sandbox.control.advanceClock(7 * DAY + 1);
      expect((await api.paymentTransactions.get(accountId, b.payment_transaction_id)).state).toBe('CLOSED');
      expect(
        await failure(() => api.paymentTransactions.reauthorize(accountId, b.payment_transaction_id, {}, mutation())),
      ).toMatchObject(conflict('CLOSED'));

      // Partly captured and the grace passes: COMPLETED, the rest released; 3 years later CLOSED.
      const c = await authorize();
      await api.paymentTransactions.capture(accountId, c.payment_transaction_id, { amount: 4000 }, mutation());
      await sandbox.control.expirePaymentTransaction(c.payment_transaction_id);
      await sandbox.control.advanceClock(7 * DAY + 1);
      expect(await api.paymentTransactions.get(accountId, c.payment_transaction_id)).toMatchObject({
        state: 'COMPLETED',
        released_amount: 11000,
        remaining_authorized_amount: 0,
      });
      await api.paymentTransactions.refund(accountId, c.payment_transaction_id, { amount: 1000 }, mutation());
      await sandbox.control.advanceClock(3 * 365 * DAY + 1);
      expect((await api.paymentTransactions.get(accountId, c.payment_transaction_id)).state).toBe('CLOSED');
      // A, completed by its capture, also closes at the end of life.
      expect((await api.paymentTransactions.get(accountId, a.payment_transaction_id)).state).toBe('CLOSED');

      const events = await hooks.events(12);
      const forId = (id: string) =>
        events
          .filter((e) => (e.payload as { payment_transaction_id: string }).payment_transaction_id === id)
          .map((e) => e.metadata.event_type.split('.').pop());
      expect(forId(a.payment_transaction_id)).toEqual(['authorized', 'expired', 'authorized', 'completed', 'closed']);
      expect(forId(b.payment_transaction_id)).toEqual(['authorized', 'expired', 'closed']);
      expect(forId(c.payment_transaction_id)).toEqual(['authorized', 'expired', 'completed', 'closed']);
    } finally {
      await hooks.close();
    }
  });

  it('allows at most 200 captures, 200 refunds and 500 operations (403 beyond)', async () => {
    const t = await authorize({ currency: 'USD', payment_amount: 100000 });
    const id = t.payment_transaction_id;
    let captureId = '';
    for (let i = 0; i < 200; i++)
      captureId = (await api.paymentTransactions.capture(accountId, id, { amount: 1 }, mutation())).capture
        .payment_capture_id;
    expect(
      await failure(() => api.paymentTransactions.capture(accountId, id, { amount: 1 }, mutation())),
    ).toMatchObject(forbidden('200 captures'));
    // 200 refunds of one unit, one against each capture.
    const captures = (await api.paymentTransactions.get(accountId, id)).captures;
    expect(captures.at(-1)!.payment_capture_id).toBe(captureId);
    for (const capture of captures)
      await api.paymentTransactions.refundCapture(accountId, id, capture.payment_capture_id, { amount: 1 }, mutation());
    expect(
      await failure(() => api.paymentTransactions.refundCapture(accountId, id, captureId, { amount: 1 }, mutation())),
    ).toMatchObject(forbidden('200 refunds'));
    for (let i = 0; i < 100; i++)
      await api.paymentTransactions.update(accountId, id, { merchant_reference: `r${i}` }, mutation());
    expect((await api.paymentTransactions.get(accountId, id)).operations_count).toBe(500);
    expect(
      await failure(() =>
        api.paymentTransactions.update(accountId, id, { merchant_reference: 'one more' }, mutation()),
      ),
    ).toMatchObject(forbidden('500 operations'));
  });
});
