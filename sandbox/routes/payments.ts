import type { Hono } from 'hono';
import {
  captureCreateSchema,
  paymentConfirmSchema,
  paymentRequestCreateSchema,
  paymentRequestUpdateSchema,
  reauthorizeSchema,
  refundCreateSchema,
  transactionUpdateSchema,
  voidSchema,
} from '../../lib/klarna/schemas/payments';
import { parseWith, SandboxError } from '../errors';
import type { SandboxRuntime } from '../runtime';
import type { SandboxEnv } from '../http';
import { getAccountOrThrow, getOwn } from '../state/accounts';
import {
  cancelPaymentRequest,
  captureTransaction,
  confirmPaymentRequest,
  createPaymentRequest,
  finishShopperFlow,
  getCaptureOrThrow,
  getPaymentRequestOrThrow,
  getTransactionOrThrow,
  isDeniedShopper,
  publicPaymentRequest,
  publicTransaction,
  reauthorizeTransaction,
  refundCapture,
  refundTransaction,
  requireOperable,
  requireSubmitted,
  startShopperFlow,
  updatePaymentRequest,
  updateTransaction,
  voidTransaction,
} from '../state/payments';
import type { PaymentRequestRecord } from '../state/types';
import { escapeHtml } from './portal';
import type { RouteGroup } from './types';

/**
 * Payment requests (seed, "Alternative integration: Payment request initiated server-side")
 * and payment transactions (klarna-api-notes.md, "Payment transactions"). Checks run
 * 404/403 → 409 (state) → 403 (limits) → 400 (body) → 409 (amounts).
 */
export const paymentsRoutes: RouteGroup = {
  'paymentRequests.create': ({ sandbox, params, body, origin }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    const input = parseWith(paymentRequestCreateSchema, body);
    const record = createPaymentRequest(sandbox, account, input, origin);
    return { status: 201, body: publicPaymentRequest(record) };
  },

  'paymentRequests.get': ({ sandbox, params }) => ({
    status: 200,
    body: publicPaymentRequest(getPaymentRequestOrThrow(sandbox, params.account_id!, params.payment_request_id!)),
  }),

  'paymentRequests.update': ({ sandbox, params, body }) => {
    const record = getPaymentRequestOrThrow(sandbox, params.account_id!, params.payment_request_id!);
    requireSubmitted(record);
    updatePaymentRequest(sandbox, record, parseWith(paymentRequestUpdateSchema, body));
    return { status: 200, body: publicPaymentRequest(record) };
  },

  'paymentRequests.cancel': ({ sandbox, params }) => {
    const record = getPaymentRequestOrThrow(sandbox, params.account_id!, params.payment_request_id!);
    cancelPaymentRequest(sandbox, record);
    return { status: 200, body: publicPaymentRequest(record) };
  },

  'paymentRequests.confirm': ({ sandbox, params, body }) => {
    const input = parseWith(paymentConfirmSchema, body);
    const { record } = confirmPaymentRequest(sandbox, params.account_id!, params.payment_confirmation_token!, input);
    return { status: 200, body: publicPaymentRequest(record) };
  },

  'paymentTransactions.get': ({ sandbox, params }) => ({
    status: 200,
    body: publicTransaction(getTransactionOrThrow(sandbox, params.account_id!, params.payment_transaction_id!)),
  }),

  'paymentTransactions.update': ({ sandbox, params, body }) => {
    const t = getTransactionOrThrow(sandbox, params.account_id!, params.payment_transaction_id!);
    requireOperable(sandbox, t, 'update');
    updateTransaction(sandbox, t, parseWith(transactionUpdateSchema, body));
    return { status: 200, body: publicTransaction(t) };
  },

  'paymentTransactions.capture': ({ sandbox, params, body }) => {
    const t = getTransactionOrThrow(sandbox, params.account_id!, params.payment_transaction_id!);
    requireOperable(sandbox, t, 'capture');
    const capture = captureTransaction(sandbox, t, parseWith(captureCreateSchema, body));
    const view = publicTransaction(t);
    return {
      status: 201,
      body: {
        capture: view.captures.find((c) => c.payment_capture_id === capture.payment_capture_id),
        payment_transaction: view,
      },
    };
  },

  'paymentTransactions.refundCapture': ({ sandbox, params, body }) => {
    const t = getTransactionOrThrow(sandbox, params.account_id!, params.payment_transaction_id!);
    getCaptureOrThrow(t, params.payment_capture_id!);
    requireOperable(sandbox, t, 'refund');
    const refund = refundCapture(sandbox, t, params.payment_capture_id!, parseWith(refundCreateSchema, body));
    return { status: 201, body: { refund, payment_transaction: publicTransaction(t) } };
  },

  'paymentTransactions.refund': ({ sandbox, params, body }) => {
    const t = getTransactionOrThrow(sandbox, params.account_id!, params.payment_transaction_id!);
    requireOperable(sandbox, t, 'refund');
    const refund = refundTransaction(sandbox, t, parseWith(refundCreateSchema, body));
    return { status: 201, body: { refund, payment_transaction: publicTransaction(t) } };
  },

  'paymentTransactions.void': ({ sandbox, params, body }) => {
    const t = getTransactionOrThrow(sandbox, params.account_id!, params.payment_transaction_id!);
    requireOperable(sandbox, t, 'void');
    parseWith(voidSchema, body);
    voidTransaction(sandbox, t);
    return { status: 200, body: publicTransaction(t) };
  },

  'paymentTransactions.reauthorize': ({ sandbox, params, body }) => {
    const t = getTransactionOrThrow(sandbox, params.account_id!, params.payment_transaction_id!);
    requireOperable(sandbox, t, 'reauthorize');
    reauthorizeTransaction(sandbox, t, parseWith(reauthorizeSchema, body));
    return { status: 200, body: publicTransaction(t) };
  },
};

// ---------------------------------------------------------------------------------------------
// The shopper page: what `state_context.distribution.url` opens (the sandbox plays Klarna's purchase flow).

/**
 * Sample shoppers (ours, after Klarna's public sample shopper data for the US market: the seed
 * links to it without printing it). An email with `+denied` is Klarna's trigger for a denial.
 */
export const sampleShoppers = {
  approved: {
    given_name: 'Test',
    family_name: 'Person-us',
    email: 'customer@email.us',
    phone: '+13106683312',
    date_of_birth: '1970-07-10',
    address: {
      street_address: '509 Amsterdam Ave',
      postal_code: '10024-3941',
      city: 'New York',
      region: 'NY',
      country: 'US',
    },
  },
  denied: {
    given_name: 'Test',
    family_name: 'Person-us',
    email: 'customer+denied@email.us',
    phone: '+13106683312',
    date_of_birth: '1970-07-10',
    address: {
      street_address: '509 Amsterdam Ave',
      postal_code: '10024-3941',
      city: 'New York',
      region: 'NY',
      country: 'US',
    },
  },
};

/** Minor units in the currency's own exponent, e.g. 12345 USD → $123.45 (display only). */
export function formatMinor(amount: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amount / 10 ** digits);
  } catch {
    return `${amount} ${currency} (minor units)`;
  }
}

function shopperPage(status: number, title: string, body: string): Response {
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} – Klarna (sandbox)</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#17120f}h1{font-size:1.4rem}.badge{display:inline-block;background:#ffb3c7;border-radius:.3rem;padding:.1rem .5rem;font-size:.8rem}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem;border-bottom:1px solid #ddd}td.n,th.n{text-align:right}form{display:inline-block;margin:1rem 1rem 0 0}button{font-size:1rem;padding:.6rem 1.4rem;border-radius:2rem;border:1px solid #17120f;background:#fff;cursor:pointer}button.primary{background:#17120f;color:#fff}dt{font-weight:600;margin-top:.5rem}dd{margin:0}</style>
</head>
<body>
<p class="badge">Klarna purchase flow (sandbox)</p>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
  return new Response(html, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    },
  });
}

function describeShopper(label: string, shopper: typeof sampleShoppers.approved): string {
  const a = shopper.address;
  return `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(`${shopper.given_name} ${shopper.family_name}`)}, <span data-testid="shopper-email">${escapeHtml(shopper.email)}</span>, ${escapeHtml(shopper.phone)}, born ${escapeHtml(shopper.date_of_birth)}<br>${escapeHtml(`${a.street_address}, ${a.city}, ${a.region} ${a.postal_code}, ${a.country}`)}</dd>`;
}

function paymentSummary(sandbox: SandboxRuntime, r: PaymentRequestRecord): string {
  const account = getOwn(sandbox.store.data.accounts, r.account_id);
  const { currency, payment_amount: amount, line_items: lines } = r.request;
  const rows = (lines ?? [])
    .map(
      (l) =>
        `<tr><td>${escapeHtml(l.name)}${l.type ? ` <small>(${escapeHtml(l.type)})</small>` : ''}</td><td class="n">${l.quantity}</td><td class="n">${escapeHtml(formatMinor(l.unit_price, currency))}</td><td class="n">${escapeHtml(formatMinor(l.total_line_amount, currency))}</td></tr>`,
    )
    .join('');
  return [
    '<dl>',
    `<dt>Merchant</dt><dd data-testid="merchant">${escapeHtml(account?.account_name ?? r.account_id)}</dd>`,
    `<dt>Amount</dt><dd data-testid="amount">${escapeHtml(formatMinor(amount, currency))}</dd>`,
    r.request.merchant_reference ? `<dt>Order</dt><dd>${escapeHtml(r.request.merchant_reference)}</dd>` : '',
    `<dt>Payment request</dt><dd><code>${escapeHtml(r.payment_request_id)}</code></dd>`,
    `<dt>State</dt><dd data-testid="state">${escapeHtml(r.state)}</dd>`,
    '</dl>',
    rows
      ? `<table><thead><tr><th>Item</th><th class="n">Qty</th><th class="n">Unit price</th><th class="n">Total</th></tr></thead><tbody>${rows}</tbody></table>`
      : '',
  ].join('\n');
}

/**
 * `GET /shopper/payment-requests/:id`: opening it moves a SUBMITTED request to IN_PROGRESS
 * (a HEAD does not). Approve and Deny are plain forms (no JavaScript needed) that POST to
 * `…/approve` and `…/deny`, then redirect (303) to `config.redirect_url` with its placeholders
 * filled, or show an "approved" / "declined" page when the request has none.
 */
export function registerShopperPages(app: Hono<SandboxEnv>, sandbox: SandboxRuntime): void {
  const find = (id: string): PaymentRequestRecord | null => {
    const record = getOwn(sandbox.store.data.payment_requests, id);
    if (!record) return null;
    return getPaymentRequestOrThrow(sandbox, record.account_id, id);
  };
  const notFound = () =>
    shopperPage(
      404,
      'Payment not found',
      '<p>This payment link does not exist. Go back to the store and try again.</p>',
    );

  app.on(['GET', 'HEAD'], '/shopper/payment-requests/:id', (c) => {
    const id = c.req.param('id');
    const record = find(id);
    if (!record) return notFound();
    if (c.req.method === 'GET') startShopperFlow(sandbox, record);
    if (record.state !== 'IN_PROGRESS' && record.state !== 'SUBMITTED') {
      return shopperPage(
        410,
        `This payment is ${record.state.toLowerCase().replace(/_/g, ' ')}`,
        `${paymentSummary(sandbox, record)}<p>Nothing more to do here. Go back to the store.</p>`,
      );
    }
    const action = `/shopper/payment-requests/${encodeURIComponent(id)}`;
    const deniedHint = isDeniedShopper(record)
      ? '<p><strong>Test trigger:</strong> the merchant sent a customer email with <code>+denied</code>; approving will be declined.</p>'
      : '';
    return shopperPage(
      200,
      'Pay with Klarna',
      [
        paymentSummary(sandbox, record),
        '<h2>Sample shopper data</h2>',
        '<dl>',
        describeShopper('Approved shopper', sampleShoppers.approved),
        describeShopper('Denied shopper', sampleShoppers.denied),
        '</dl>',
        deniedHint,
        `<form method="post" action="${action}/approve"><button class="primary" type="submit">Approve</button></form>`,
        `<form method="post" action="${action}/deny"><button type="submit">Deny</button></form>`,
      ].join('\n'),
    );
  });

  for (const decision of ['approve', 'deny'] as const) {
    app.post(`/shopper/payment-requests/:id/${decision}`, (c) => {
      const record = find(c.req.param('id'));
      if (!record) return notFound();
      let redirect: string | null;
      try {
        redirect = finishShopperFlow(sandbox, record, decision);
      } catch (error) {
        if (!(error instanceof SandboxError)) throw error;
        return shopperPage(
          409,
          'This payment cannot be changed',
          `${paymentSummary(sandbox, record)}<p>${escapeHtml(error.message)}</p>`,
        );
      }
      if (redirect)
        return new Response(null, { status: 303, headers: { Location: redirect, 'Cache-Control': 'no-store' } });
      const approved = record.state === 'PENDING_CONFIRMATION';
      return shopperPage(
        200,
        approved ? 'Payment approved' : 'Payment declined',
        `${paymentSummary(sandbox, record)}${
          approved
            ? `<p>Approved. The store confirms the payment with this token within 60 minutes:</p><p><code data-testid="confirmation-token">${escapeHtml(record.payment_confirmation_token ?? '')}</code></p>`
            : '<p>Klarna could not approve this purchase. Go back to the store and choose another payment method.</p>'
        }`,
      );
    });
  }
}
