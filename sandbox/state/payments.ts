import {
  AUTHORIZATION_TTL_MS,
  CONFIRMATION_TOKEN_TTL_MS,
  END_OF_LIFE_MS,
  MAX_CAPTURES,
  MAX_OPERATIONS,
  MAX_REFUNDS,
  PAYMENT_REQUEST_TTL_MS,
  REAUTHORIZATION_GRACE_MS,
  finalPaymentRequestStates,
  redirectPlaceholders,
  sumLines,
  type CaptureCreateRequest,
  type PaymentConfirmRequest,
  type PaymentRequestCreateRequest,
  type PaymentRequestUpdateRequest,
  type ReauthorizeRequest,
  type RefundCreateRequest,
  type TransactionUpdateRequest,
} from '../../lib/klarna/schemas/payments';
import { SandboxError, sandboxErrors } from '../errors';
import type { SandboxHost } from './host';
import { pricePlanFor, pricePlans } from './account-config';
import { getAccountOrThrow, getOwn } from './accounts';
import { ids } from './ids';
import type {
  AccountRecord,
  CaptureRecord,
  PaymentPricingRecord,
  PaymentRequestData,
  PaymentRequestRecord,
  PaymentRequestStateName,
  PaymentTransactionRecord,
  PaymentTransactionStateName,
  RefundRecord,
} from './types';

/**
 * Payment requests and payment transactions: the rules the API routes (routes/payments.ts),
 * the shopper page and the control API share. States and clocks follow the seed's "Payment
 * request state" and "Payment transaction state definition"; sandbox time drives expiry.
 */

const iso = (ms: number) => new Date(ms).toISOString();
const requestEvent = (state: string) => `payment.request.state-change.${state.toLowerCase().replace(/_/g, '-')}`;
const transactionEvent = (state: string) => `payment.transaction.state-change.${state.toLowerCase()}`;
export const PAYMENT_REQUEST_UPDATED = 'payment.request.updated';
export const TRANSACTION_CAPTURED = 'payment.transaction.captured';
export const TRANSACTION_REFUNDED = 'payment.transaction.refunded';
/** Ours: a transaction's references, tracking or authorization changed without a state change. */
export const TRANSACTION_UPDATED = 'payment.transaction.updated';

/** The market a currency is priced in when the request names no country (ours). */
const CURRENCY_MARKETS: Record<string, string> = {
  USD: 'US',
  GBP: 'GB',
  SEK: 'SE',
  EUR: 'DE',
  NOK: 'NO',
  DKK: 'DK',
  CHF: 'CH',
  PLN: 'PL',
  AUD: 'AU',
  CAD: 'CA',
  NZD: 'NZ',
};

/** A conflict that also names the parameter, so the dashboard can put it on the field. */
function amountConflict(parameter: string, message: string): SandboxError {
  return new SandboxError(409, 'RESOURCE_ERROR', 'RESOURCE_CONFLICT', message, [{ parameter, error_message: message }]);
}

// ---------------------------------------------------------------------------------------------
// Pricing

function marketOf(account: AccountRecord, request: PaymentRequestData): string {
  const address = (value: Record<string, unknown> | undefined) =>
    (value?.address as { country?: string } | undefined)?.country;
  return (
    request.purchase_country ??
    address(request.shipping) ??
    address(request.customer) ??
    CURRENCY_MARKETS[request.currency] ??
    account.business_information.operating_address?.country ??
    'US'
  );
}

/** Ours: a server-side payment is priced as the account's website, else its first channel. */
function channelTypeOf(account: AccountRecord): string {
  const channels = Object.values(account.channels);
  return (channels.find((c) => c.type === 'WEBSITE') ?? channels[0])?.type ?? 'WEBSITE';
}

/** The rate of the account's price plan for the purchase's market, currency and channel type; 400 on `currency` when it has none. */
export function pricingFor(
  account: AccountRecord,
  request: PaymentRequestData,
): { pricing: PaymentPricingRecord; market: string; channelType: string } {
  const plan =
    pricePlans.find((p) => p.price_plan_id === account.product.price_plan_id) ??
    pricePlanFor(account.product.merchant_category_code);
  const market = marketOf(account, request);
  const channelType = channelTypeOf(account);
  const rows = plan.rates.filter((r) => r.market === market && r.currency === request.currency);
  const row = rows.find((r) => r.channel_type === channelType) ?? rows.find((r) => !r.channel_type);
  if (!row) {
    throw sandboxErrors.validation([
      {
        parameter: 'currency',
        error_message: `the account's price plan (${plan.name}) has no rate for ${request.currency} in market ${market}; Klarna cannot take this payment`,
      },
    ]);
  }
  const tax = row.rate.tax ?? { fixed: 0, variable: 0 };
  return {
    pricing: {
      price_plan_id: plan.price_plan_id,
      rate: { fixed: row.rate.fixed, variable: row.rate.variable, tax: { fixed: tax.fixed, variable: tax.variable } },
    },
    market,
    channelType,
  };
}

// ---------------------------------------------------------------------------------------------
// Payment requests

export function publicPaymentRequest(r: PaymentRequestRecord) {
  const stateExpiresAt =
    r.state === 'PENDING_CONFIRMATION' && r.token_expires_at_ms !== null
      ? Math.min(r.token_expires_at_ms, r.expires_at_ms)
      : finalPaymentRequestStates.includes(r.state)
        ? null
        : r.expires_at_ms;
  return {
    payment_request_id: r.payment_request_id,
    state: r.state,
    previous_state: r.previous_state,
    state_expires_at: stateExpiresAt === null ? null : iso(stateExpiresAt),
    expires_at: iso(r.expires_at_ms),
    created_at: r.created_at,
    updated_at: r.updated_at,
    state_context: {
      distribution: { url: r.distribution_url },
      ...(r.state === 'PENDING_CONFIRMATION' ? { payment_confirmation_token: r.payment_confirmation_token } : {}),
      ...(r.state === 'AUTHORIZED'
        ? { payment_transaction_id: r.payment_transaction_id, payment_pricing: r.payment_pricing }
        : {}),
    },
    payment_request: structuredClone(r.request),
  };
}
export type SandboxPaymentRequest = ReturnType<typeof publicPaymentRequest>;

function requestPayload(r: PaymentRequestRecord) {
  const view = publicPaymentRequest(r);
  return {
    payment_request_id: r.payment_request_id,
    payment_reference: r.request.payment_reference ?? null,
    merchant_reference: r.request.merchant_reference ?? null,
    state: r.state,
    previous_state: r.previous_state,
    state_expires_at: view.state_expires_at,
    expires_at: view.expires_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
    currency: r.request.currency,
    payment_amount: r.request.payment_amount,
    ...(r.state === 'PENDING_CONFIRMATION' ? { payment_confirmation_token: r.payment_confirmation_token } : {}),
    ...(r.state === 'AUTHORIZED' ? { payment_transaction_id: r.payment_transaction_id } : {}),
  };
}

function emitRequestEvent(sandbox: SandboxHost, r: PaymentRequestRecord, eventType: string): void {
  const account = getOwn(sandbox.store.data.accounts, r.account_id);
  sandbox.emitEvent({
    event_type: eventType,
    account_id: r.account_id,
    product_instance_id: account?.product.product_instance_id,
    payload: requestPayload(r),
  });
}

function moveRequest(sandbox: SandboxHost, r: PaymentRequestRecord, next: PaymentRequestStateName): void {
  r.previous_state = r.state;
  r.state = next;
  r.updated_at = sandbox.clock.iso();
  if (next !== 'PENDING_CONFIRMATION' && r.payment_confirmation_token && next !== 'AUTHORIZED') {
    // A canceled, expired or declined request's token can no longer be confirmed (kept in the map for a clear 409).
    r.token_expires_at_ms = null;
  }
  sandbox.store.changed();
  emitRequestEvent(sandbox, r, requestEvent(next));
}

/** New payments need the payment product ENABLED (seed: a DISABLED product "cannot process new payment requests"). */
function requireProductEnabled(account: AccountRecord): void {
  const state = account.product.state;
  if (state !== 'ENABLED') {
    throw sandboxErrors.conflict(
      `The payment product of account ${account.account_id} is ${state}${state === 'TERMINATED' ? ' (terminated by Klarna)' : ''}; it cannot process new payment requests.`,
    );
  }
}

export function createPaymentRequest(
  sandbox: SandboxHost,
  account: AccountRecord,
  input: PaymentRequestCreateRequest,
  origin: string,
): PaymentRequestRecord {
  requireProductEnabled(account);
  const request = structuredClone(input) as PaymentRequestData;
  const { pricing } = pricingFor(account, request);
  const id = ids.paymentRequest();
  const now = sandbox.clock.nowMs();
  const record: PaymentRequestRecord = {
    payment_request_id: id,
    account_id: account.account_id,
    state: 'SUBMITTED',
    previous_state: null,
    request,
    distribution_url: `${origin}/shopper/payment-requests/${encodeURIComponent(id).replace(/%3A/gi, ':')}`,
    payment_confirmation_token: null,
    token_expires_at_ms: null,
    payment_transaction_id: null,
    payment_pricing: pricing,
    confirmed_response: null,
    expires_at_ms: now + PAYMENT_REQUEST_TTL_MS,
    created_at: iso(now),
    updated_at: iso(now),
  };
  sandbox.store.data.payment_requests[id] = record;
  sandbox.store.changed();
  emitRequestEvent(sandbox, record, requestEvent('SUBMITTED'));
  return record;
}

/** 404 unless the request exists and belongs to the account (which must be this partner's). */
export function getPaymentRequestOrThrow(
  sandbox: SandboxHost,
  accountId: string,
  paymentRequestId: string,
): PaymentRequestRecord {
  getAccountOrThrow(sandbox, accountId);
  const record = getOwn(sandbox.store.data.payment_requests, paymentRequestId);
  if (!record || record.account_id !== accountId)
    throw sandboxErrors.resourceNotFound(`Payment request ${paymentRequestId} of account ${accountId}`);
  settleRequest(sandbox, record);
  return record;
}

export function requireSubmitted(r: PaymentRequestRecord): void {
  if (r.state !== 'SUBMITTED') {
    throw sandboxErrors.conflict(
      `Payment request ${r.payment_request_id} is ${r.state}; a payment request can be updated only while SUBMITTED.`,
    );
  }
}

export function updatePaymentRequest(
  sandbox: SandboxHost,
  r: PaymentRequestRecord,
  input: PaymentRequestUpdateRequest,
): void {
  requireSubmitted(r);
  const account = getAccountOrThrow(sandbox, r.account_id);
  const next = {
    ...structuredClone(r.request),
    ...structuredClone(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined))),
  } as PaymentRequestData;
  if (next.line_items && sumLines(next.line_items) !== next.payment_amount) {
    throw sandboxErrors.validation([
      {
        parameter: 'payment_amount',
        error_message: `must equal the sum of line_items[].total_line_amount (${sumLines(next.line_items)})`,
      },
    ]);
  }
  r.payment_pricing = pricingFor(account, next).pricing;
  r.request = next;
  r.updated_at = sandbox.clock.iso();
  sandbox.store.changed();
  emitRequestEvent(sandbox, r, PAYMENT_REQUEST_UPDATED);
}

export function cancelPaymentRequest(sandbox: SandboxHost, r: PaymentRequestRecord): void {
  if (finalPaymentRequestStates.includes(r.state)) {
    const why = r.state === 'AUTHORIZED' ? '; after authorization a payment is voided on its transaction instead' : '';
    throw sandboxErrors.conflict(
      `Payment request ${r.payment_request_id} is ${r.state} (final) and cannot be canceled${why}.`,
    );
  }
  moveRequest(sandbox, r, 'CANCELED');
}

/** The shopper opened the page: SUBMITTED → IN_PROGRESS. */
export function startShopperFlow(sandbox: SandboxHost, r: PaymentRequestRecord): void {
  if (r.state === 'SUBMITTED') moveRequest(sandbox, r, 'IN_PROGRESS');
}

/** Klarna's test trigger (ours, after Klarna's sample data): a customer email with `+denied` is declined. */
export function isDeniedShopper(r: PaymentRequestRecord): boolean {
  const email = (r.request.customer?.email as string | undefined) ?? '';
  return /\+denied@/i.test(email);
}

/**
 * The shopper approves (→ PENDING_CONFIRMATION with a token valid 60 min) or denies
 * (→ DECLINED). Answers where to send the shopper: the redirect URL with its placeholders
 * filled, or null when the request has none.
 */
export function finishShopperFlow(
  sandbox: SandboxHost,
  r: PaymentRequestRecord,
  decision: 'approve' | 'deny',
): string | null {
  if (r.state !== 'SUBMITTED' && r.state !== 'IN_PROGRESS') {
    throw sandboxErrors.conflict(
      `Payment request ${r.payment_request_id} is ${r.state}; the shopper can approve or deny only a SUBMITTED or IN_PROGRESS request.`,
    );
  }
  startShopperFlow(sandbox, r);
  if (decision === 'approve' && !isDeniedShopper(r)) {
    const token = ids.confirmationToken();
    r.payment_confirmation_token = token;
    r.token_expires_at_ms = sandbox.clock.nowMs() + CONFIRMATION_TOKEN_TTL_MS;
    sandbox.store.data.confirmation_tokens[token] = r.payment_request_id;
    moveRequest(sandbox, r, 'PENDING_CONFIRMATION');
  } else {
    moveRequest(sandbox, r, 'DECLINED');
  }
  return redirectUrlFor(r);
}

/** Fills the seed's placeholders (and `{klarna.payment_request_id}`, which the seed's own example uses). */
export function redirectUrlFor(r: PaymentRequestRecord): string | null {
  const template = r.request.config?.redirect_url;
  if (!template) return null;
  const encode = (value: string) => encodeURIComponent(value).replace(/%3A/gi, ':');
  const values: Record<string, string> = {
    [redirectPlaceholders.token]: r.state === 'PENDING_CONFIRMATION' ? (r.payment_confirmation_token ?? '') : '',
    [redirectPlaceholders.id]: r.payment_request_id,
    '{klarna.payment_request_id}': r.payment_request_id,
    [redirectPlaceholders.state]: r.state,
    [redirectPlaceholders.reference]: r.request.payment_reference ?? '',
  };
  return template.replace(/\{klarna\.[a-z_.]+\}/g, (placeholder) =>
    placeholder in values ? encode(values[placeholder]!) : placeholder,
  );
}

/** Confirms a PENDING_CONFIRMATION request by its token: the transaction is created. Idempotent per token. */
export function confirmPaymentRequest(
  sandbox: SandboxHost,
  accountId: string,
  token: string,
  input: PaymentConfirmRequest,
): { record: PaymentRequestRecord; replayed: boolean } {
  const account = getAccountOrThrow(sandbox, accountId);
  const requestId = getOwn(sandbox.store.data.confirmation_tokens, token);
  const r = requestId ? getOwn(sandbox.store.data.payment_requests, requestId) : undefined;
  if (!r || r.account_id !== accountId)
    throw sandboxErrors.resourceNotFound(`Payment confirmation token ${token} of account ${accountId}`);
  settleRequest(sandbox, r);
  if (r.state === 'AUTHORIZED') return { record: r, replayed: true };
  if (r.state !== 'PENDING_CONFIRMATION') {
    const reason =
      r.state === 'EXPIRED'
        ? 'the confirmation token expired (it is valid for 60 minutes)'
        : `the payment request is ${r.state}`;
    throw sandboxErrors.conflict(`Payment confirmation token ${token} can no longer be confirmed: ${reason}.`);
  }
  const errors: { parameter: string; error_message: string }[] = [];
  if (input.currency !== r.request.currency)
    errors.push({
      parameter: 'currency',
      error_message: `must be the payment request's currency ${r.request.currency}`,
    });
  if (input.payment_amount !== r.request.payment_amount)
    errors.push({
      parameter: 'payment_amount',
      error_message: `must be the approved amount ${r.request.payment_amount}`,
    });
  if (errors.length) throw sandboxErrors.validation(errors);
  requireProductEnabled(account);

  const request: PaymentRequestData = {
    ...r.request,
    ...(input.merchant_reference !== undefined ? { merchant_reference: input.merchant_reference } : {}),
    ...(input.payment_reference !== undefined ? { payment_reference: input.payment_reference } : {}),
    ...(input.line_items !== undefined ? { line_items: structuredClone(input.line_items) } : {}),
    ...(input.shipping !== undefined ? { shipping: structuredClone(input.shipping) } : {}),
  };
  const { pricing, market, channelType } = pricingFor(account, request);
  const now = sandbox.clock.nowMs();
  const transaction: PaymentTransactionRecord = {
    payment_transaction_id: ids.paymentTransaction(),
    payment_request_id: r.payment_request_id,
    account_id: accountId,
    state: 'AUTHORIZED',
    currency: request.currency,
    purchase_country: market,
    channel_type: channelType,
    authorized_amount: request.payment_amount,
    captured_amount: 0,
    refunded_amount: 0,
    released_amount: 0,
    merchant_reference: request.merchant_reference ?? null,
    payment_reference: request.payment_reference ?? null,
    line_items: request.line_items ? structuredClone(request.line_items) : null,
    customer: request.customer ? structuredClone(request.customer) : null,
    shipping: request.shipping ? structuredClone(request.shipping) : null,
    shipping_info: [],
    captures: [],
    refunds: [],
    operations: 0,
    payment_pricing: pricing,
    expires_at_ms: now + AUTHORIZATION_TTL_MS,
    completed_at_ms: null,
    closed_at_ms: null,
    voided_at: null,
    created_at: iso(now),
    updated_at: iso(now),
  };
  sandbox.store.data.payment_transactions[transaction.payment_transaction_id] = transaction;
  r.payment_transaction_id = transaction.payment_transaction_id;
  r.payment_pricing = pricing;
  moveRequest(sandbox, r, 'AUTHORIZED');
  emitTransactionEvent(sandbox, transaction, transactionEvent('AUTHORIZED'), null);
  // A free purchase (seed test case 9) has nothing to capture: it is complete at once (ours).
  if (transaction.authorized_amount === 0) moveTransaction(sandbox, transaction, 'COMPLETED', now);
  return { record: r, replayed: false };
}

/** Expires a request whose 48 h (or whose token's 60 min) have passed by the sandbox clock. */
function settleRequest(sandbox: SandboxHost, r: PaymentRequestRecord): void {
  if (finalPaymentRequestStates.includes(r.state)) return;
  const now = sandbox.clock.nowMs();
  const tokenExpired =
    r.state === 'PENDING_CONFIRMATION' && r.token_expires_at_ms !== null && r.token_expires_at_ms <= now;
  if (tokenExpired || r.expires_at_ms <= now) moveRequest(sandbox, r, 'EXPIRED');
}

/** Control API: the request (or its token) expires now. */
export function expirePaymentRequestNow(sandbox: SandboxHost, r: PaymentRequestRecord): void {
  if (finalPaymentRequestStates.includes(r.state))
    throw sandboxErrors.conflict(`Payment request ${r.payment_request_id} is ${r.state} (final).`);
  moveRequest(sandbox, r, 'EXPIRED');
}

// ---------------------------------------------------------------------------------------------
// Payment transactions

function remainingOf(t: PaymentTransactionRecord): number {
  return t.state === 'AUTHORIZED' || t.state === 'EXPIRED' ? t.authorized_amount - t.captured_amount : 0;
}

function stateExpiresAt(t: PaymentTransactionRecord): number | null {
  if (t.state === 'AUTHORIZED') return t.expires_at_ms;
  if (t.state === 'EXPIRED') return t.expires_at_ms + REAUTHORIZATION_GRACE_MS;
  if (t.state === 'COMPLETED') return (t.completed_at_ms ?? t.expires_at_ms) + END_OF_LIFE_MS;
  return null;
}

function publicRefund(r: RefundRecord) {
  return structuredClone(r);
}

function publicCapture(t: PaymentTransactionRecord, c: CaptureRecord) {
  const refunds = t.refunds
    .filter((r) => r.allocations.some((a) => a.payment_capture_id === c.payment_capture_id))
    .map(publicRefund);
  return { ...structuredClone(c), refunds };
}

export function publicTransaction(t: PaymentTransactionRecord) {
  const stateExpiry = stateExpiresAt(t);
  return {
    payment_transaction_id: t.payment_transaction_id,
    payment_request_id: t.payment_request_id,
    state: t.state,
    currency: t.currency,
    authorized_amount: t.authorized_amount,
    captured_amount: t.captured_amount,
    refunded_amount: t.refunded_amount,
    remaining_authorized_amount: remainingOf(t),
    released_amount: t.released_amount,
    merchant_reference: t.merchant_reference,
    payment_reference: t.payment_reference,
    purchase_country: t.purchase_country,
    line_items: structuredClone(t.line_items),
    customer: structuredClone(t.customer),
    shipping: structuredClone(t.shipping),
    shipping_info: structuredClone(t.shipping_info),
    captures: t.captures.map((c) => publicCapture(t, c)),
    refunds: t.refunds.map(publicRefund),
    operations_count: t.operations,
    voided_at: t.voided_at ?? null,
    payment_pricing: structuredClone(t.payment_pricing),
    expires_at: iso(t.expires_at_ms),
    state_expires_at: stateExpiry === null ? null : iso(stateExpiry),
    created_at: t.created_at,
    updated_at: t.updated_at,
  };
}
export type SandboxPaymentTransaction = ReturnType<typeof publicTransaction>;

function emitTransactionEvent(
  sandbox: SandboxHost,
  t: PaymentTransactionRecord,
  eventType: string,
  previous: PaymentTransactionStateName | null,
  extra: Record<string, unknown> = {},
): void {
  const account = getOwn(sandbox.store.data.accounts, t.account_id);
  sandbox.emitEvent({
    event_type: eventType,
    account_id: t.account_id,
    product_instance_id: account?.product.product_instance_id,
    payload: {
      payment_transaction_id: t.payment_transaction_id,
      payment_request_id: t.payment_request_id,
      merchant_reference: t.merchant_reference,
      payment_reference: t.payment_reference,
      state: t.state,
      previous_state: previous,
      currency: t.currency,
      authorized_amount: t.authorized_amount,
      captured_amount: t.captured_amount,
      refunded_amount: t.refunded_amount,
      remaining_authorized_amount: remainingOf(t),
      released_amount: t.released_amount,
      // Ours: orders a transaction's changes that share one updated_at (the cache's tie-break).
      operations_count: t.operations,
      expires_at: iso(t.expires_at_ms),
      updated_at: t.updated_at,
      ...extra,
    },
  });
}

/** Moves the state without telling anyone: callers emit their events once the operation is whole. */
function enterState(
  sandbox: SandboxHost,
  t: PaymentTransactionRecord,
  next: PaymentTransactionStateName,
  atMs: number,
): void {
  if (next === 'COMPLETED' || next === 'CLOSED') {
    // What is not captured is released.
    t.released_amount += t.authorized_amount - t.captured_amount - t.released_amount;
  }
  if (next === 'COMPLETED') t.completed_at_ms = atMs;
  if (next === 'CLOSED') t.closed_at_ms = atMs;
  t.state = next;
  t.updated_at = sandbox.clock.iso();
  sandbox.store.changed();
}

function moveTransaction(
  sandbox: SandboxHost,
  t: PaymentTransactionRecord,
  next: PaymentTransactionStateName,
  atMs: number,
): void {
  const previous = t.state;
  enterState(sandbox, t, next, atMs);
  emitTransactionEvent(sandbox, t, transactionEvent(next), previous);
}

/**
 * Applies what the sandbox clock says: AUTHORIZED past `expires_at` → EXPIRED; EXPIRED 7 days
 * later → COMPLETED when something was captured, else CLOSED; COMPLETED 3 years later → CLOSED.
 * A long clock jump runs every step, each with its webhook.
 */
function settleTransaction(sandbox: SandboxHost, t: PaymentTransactionRecord): void {
  const now = sandbox.clock.nowMs();
  for (;;) {
    if (t.state === 'AUTHORIZED' && t.expires_at_ms <= now) moveTransaction(sandbox, t, 'EXPIRED', t.expires_at_ms);
    else if (t.state === 'EXPIRED' && t.expires_at_ms + REAUTHORIZATION_GRACE_MS <= now) {
      moveTransaction(
        sandbox,
        t,
        t.captured_amount > 0 ? 'COMPLETED' : 'CLOSED',
        t.expires_at_ms + REAUTHORIZATION_GRACE_MS,
      );
    } else if (t.state === 'COMPLETED' && (t.completed_at_ms ?? now) + END_OF_LIFE_MS <= now)
      moveTransaction(sandbox, t, 'CLOSED', (t.completed_at_ms ?? now) + END_OF_LIFE_MS);
    else return;
  }
}

/** Every request and transaction whose time has come, by the sandbox clock (the ticker and clock moves call this). */
export function expireDuePayments(sandbox: SandboxHost): void {
  for (const r of Object.values(sandbox.store.data.payment_requests)) settleRequest(sandbox, r);
  for (const t of Object.values(sandbox.store.data.payment_transactions)) settleTransaction(sandbox, t);
}

/** Control API: the authorization expires now (→ EXPIRED; the 7-day grace starts). */
export function expireTransactionNow(sandbox: SandboxHost, t: PaymentTransactionRecord): void {
  settleTransaction(sandbox, t);
  if (t.state !== 'AUTHORIZED')
    throw sandboxErrors.conflict(
      `Payment transaction ${t.payment_transaction_id} is ${t.state}; only an AUTHORIZED one can expire.`,
    );
  t.expires_at_ms = sandbox.clock.nowMs();
  settleTransaction(sandbox, t);
}

/** 404 unless the transaction exists and belongs to the account (this partner's); its clock-driven state applied. */
export function getTransactionOrThrow(
  sandbox: SandboxHost,
  accountId: string,
  transactionId: string,
): PaymentTransactionRecord {
  getAccountOrThrow(sandbox, accountId);
  const t = getOwn(sandbox.store.data.payment_transactions, transactionId);
  if (!t || t.account_id !== accountId)
    throw sandboxErrors.resourceNotFound(`Payment transaction ${transactionId} of account ${accountId}`);
  settleTransaction(sandbox, t);
  return t;
}

export type TransactionOperation = 'update' | 'capture' | 'refund' | 'void' | 'reauthorize';
const allowedStates: Record<TransactionOperation, PaymentTransactionStateName[]> = {
  update: ['AUTHORIZED', 'COMPLETED'],
  capture: ['AUTHORIZED'],
  refund: ['AUTHORIZED', 'COMPLETED'],
  void: ['AUTHORIZED'],
  reauthorize: ['AUTHORIZED', 'EXPIRED'],
};
const stateHints: Record<PaymentTransactionStateName, string> = {
  AUTHORIZED: '',
  EXPIRED: 'the authorization expired; reauthorize it within 7 days of expiry to operate it again',
  COMPLETED: 'nothing is left to capture or release; refunds are still possible',
  CLOSED: 'the transaction reached its end of life; no further operations are possible',
};

/**
 * The checks every mutating operation makes, in order: the product (TERMINATED refuses
 * everything; DISABLED still allows post-purchase calls), the state (409), the limits (403).
 */
export function requireOperable(
  sandbox: SandboxHost,
  t: PaymentTransactionRecord,
  operation: TransactionOperation,
): void {
  const account = getAccountOrThrow(sandbox, t.account_id);
  if (account.product.state === 'TERMINATED') {
    throw sandboxErrors.conflict(
      `The payment product of account ${account.account_id} was terminated by Klarna (TERMINATED); its payments can no longer be operated.`,
    );
  }
  if (!allowedStates[operation].includes(t.state)) {
    throw sandboxErrors.conflict(
      `Payment transaction ${t.payment_transaction_id} is ${t.state}: cannot ${operation === 'void' ? 'release (void)' : operation} it (${stateHints[t.state]}).`,
    );
  }
  if (operation === 'update' && t.voided_at) {
    throw sandboxErrors.conflict(
      `Payment transaction ${t.payment_transaction_id} was voided at ${t.voided_at}: no further updates to it are allowed.`,
    );
  }
  if (t.operations >= MAX_OPERATIONS)
    throw sandboxErrors.forbidden(
      `Payment transaction ${t.payment_transaction_id} has reached the limit of ${MAX_OPERATIONS} operations.`,
    );
  if (operation === 'capture' && t.captures.length >= MAX_CAPTURES)
    throw sandboxErrors.forbidden(
      `Payment transaction ${t.payment_transaction_id} has reached the limit of ${MAX_CAPTURES} captures.`,
    );
  if (operation === 'refund' && t.refunds.length >= MAX_REFUNDS)
    throw sandboxErrors.forbidden(
      `Payment transaction ${t.payment_transaction_id} has reached the limit of ${MAX_REFUNDS} refunds.`,
    );
}

function touched(sandbox: SandboxHost, t: PaymentTransactionRecord): void {
  t.operations += 1;
  t.updated_at = sandbox.clock.iso();
  sandbox.store.changed();
}

export function updateTransaction(
  sandbox: SandboxHost,
  t: PaymentTransactionRecord,
  input: TransactionUpdateRequest,
): void {
  requireOperable(sandbox, t, 'update');
  if (input.merchant_reference !== undefined) t.merchant_reference = input.merchant_reference;
  if (input.payment_reference !== undefined) t.payment_reference = input.payment_reference;
  if (input.shipping !== undefined) t.shipping = structuredClone(input.shipping);
  if (input.shipping_info !== undefined) t.shipping_info = structuredClone(input.shipping_info);
  touched(sandbox, t);
  emitTransactionEvent(sandbox, t, TRANSACTION_UPDATED, t.state, { operation: 'UPDATE' });
}

export function captureTransaction(
  sandbox: SandboxHost,
  t: PaymentTransactionRecord,
  input: CaptureCreateRequest,
): CaptureRecord {
  requireOperable(sandbox, t, 'capture');
  const remaining = remainingOf(t);
  if (input.amount > remaining) {
    throw amountConflict(
      'amount',
      `Cannot capture ${input.amount}: only ${remaining} ${t.currency} remains authorized (authorized ${t.authorized_amount}, captured ${t.captured_amount}).`,
    );
  }
  const capture: CaptureRecord = {
    payment_capture_id: ids.paymentCapture(),
    capture_reference: input.capture_reference ?? null,
    amount: input.amount,
    refunded_amount: 0,
    line_items: input.line_items ? structuredClone(input.line_items) : null,
    shipping_info: structuredClone(input.shipping_info ?? []),
    created_at: sandbox.clock.iso(),
  };
  const previous = t.state;
  t.captures.push(capture);
  t.captured_amount += input.amount;
  touched(sandbox, t);
  if (t.captured_amount === t.authorized_amount) enterState(sandbox, t, 'COMPLETED', sandbox.clock.nowMs());
  // Both events carry the transaction as the capture left it (COMPLETED when it took the rest),
  // so whichever the receiver applies last, it shows the same state and amounts.
  emitTransactionEvent(sandbox, t, TRANSACTION_CAPTURED, previous, { capture: publicCapture(t, capture) });
  if (t.state !== previous) emitTransactionEvent(sandbox, t, transactionEvent(t.state), previous);
  return capture;
}

function addRefund(
  sandbox: SandboxHost,
  t: PaymentTransactionRecord,
  input: RefundCreateRequest,
  captureId: string | null,
  allocations: RefundRecord['allocations'],
): RefundRecord {
  const refund: RefundRecord = {
    payment_refund_id: ids.paymentRefund(),
    refund_reference: input.refund_reference ?? null,
    amount: input.amount,
    payment_capture_id: captureId,
    allocations,
    description: input.description ?? null,
    line_items: input.line_items ? structuredClone(input.line_items) : null,
    created_at: sandbox.clock.iso(),
  };
  for (const allocation of allocations) {
    const capture = t.captures.find((c) => c.payment_capture_id === allocation.payment_capture_id)!;
    capture.refunded_amount += allocation.amount;
  }
  t.refunds.push(refund);
  t.refunded_amount += input.amount;
  touched(sandbox, t);
  emitTransactionEvent(sandbox, t, TRANSACTION_REFUNDED, t.state, { refund: publicRefund(refund) });
  return refund;
}

/**
 * A refund of the transaction: at most captured − refunded. Seed: with several captures a
 * refund must name its capture ("Refund payment capture"), so a whole-transaction refund of a
 * transaction captured more than once is refused rather than spread over its captures (ours:
 * 409, whatever lines it names). With one capture it refunds that capture.
 */
export function refundTransaction(
  sandbox: SandboxHost,
  t: PaymentTransactionRecord,
  input: RefundCreateRequest,
): RefundRecord {
  requireOperable(sandbox, t, 'refund');
  if (t.captures.length > 1) {
    throw sandboxErrors.conflict(
      `Payment transaction ${t.payment_transaction_id} has ${t.captures.length} captures: refund one capture (POST …/captures/{payment_capture_id}/refunds); a refund of the whole transaction is accepted only with a single capture.`,
    );
  }
  const refundable = t.captured_amount - t.refunded_amount;
  if (input.amount > refundable) {
    throw amountConflict(
      'amount',
      t.captured_amount === 0
        ? `Cannot refund ${input.amount}: nothing has been captured yet.`
        : `Cannot refund ${input.amount}: only ${refundable} ${t.currency} of the captured amount is left to refund (captured ${t.captured_amount}, refunded ${t.refunded_amount}).`,
    );
  }
  const [capture] = t.captures;
  return addRefund(
    sandbox,
    t,
    input,
    null,
    capture ? [{ payment_capture_id: capture.payment_capture_id, amount: input.amount }] : [],
  );
}

export function getCaptureOrThrow(t: PaymentTransactionRecord, captureId: string): CaptureRecord {
  const capture = t.captures.find((c) => c.payment_capture_id === captureId);
  if (!capture)
    throw sandboxErrors.resourceNotFound(`Capture ${captureId} of payment transaction ${t.payment_transaction_id}`);
  return capture;
}

export function refundCapture(
  sandbox: SandboxHost,
  t: PaymentTransactionRecord,
  captureId: string,
  input: RefundCreateRequest,
): RefundRecord {
  const capture = getCaptureOrThrow(t, captureId);
  requireOperable(sandbox, t, 'refund');
  const refundable = capture.amount - capture.refunded_amount;
  if (input.amount > refundable) {
    throw amountConflict(
      'amount',
      `Cannot refund ${input.amount}: only ${refundable} ${t.currency} of capture ${captureId} is left to refund (captured ${capture.amount}, refunded ${capture.refunded_amount}).`,
    );
  }
  return addRefund(sandbox, t, input, captureId, [{ payment_capture_id: captureId, amount: input.amount }]);
}

/** Releases the remaining authorization: CLOSED when nothing was captured, else COMPLETED. */
export function voidTransaction(sandbox: SandboxHost, t: PaymentTransactionRecord): void {
  requireOperable(sandbox, t, 'void');
  touched(sandbox, t);
  t.voided_at = sandbox.clock.iso();
  moveTransaction(sandbox, t, t.captured_amount > 0 ? 'COMPLETED' : 'CLOSED', sandbox.clock.nowMs());
}

/**
 * A new authorization with a new expiry, before expiry or within the 7-day grace: the amount
 * (default: the lines' total, else the current authorization), lines and shipping may change;
 * the amount must exceed what was captured.
 */
export function reauthorizeTransaction(
  sandbox: SandboxHost,
  t: PaymentTransactionRecord,
  input: ReauthorizeRequest,
): void {
  requireOperable(sandbox, t, 'reauthorize');
  const amount = input.amount ?? (input.line_items ? sumLines(input.line_items) : t.authorized_amount);
  if (amount <= t.captured_amount) {
    throw amountConflict(
      'amount',
      `Cannot reauthorize ${amount}: the new authorization must exceed the captured amount ${t.captured_amount} ${t.currency}.`,
    );
  }
  const previous = t.state;
  t.authorized_amount = amount;
  if (input.line_items) t.line_items = structuredClone(input.line_items);
  if (input.shipping) t.shipping = structuredClone(input.shipping);
  t.expires_at_ms = sandbox.clock.nowMs() + AUTHORIZATION_TTL_MS;
  t.state = 'AUTHORIZED';
  touched(sandbox, t);
  if (previous === 'AUTHORIZED')
    emitTransactionEvent(sandbox, t, TRANSACTION_UPDATED, previous, { operation: 'REAUTHORIZE' });
  else emitTransactionEvent(sandbox, t, transactionEvent('AUTHORIZED'), previous, { operation: 'REAUTHORIZE' });
}
