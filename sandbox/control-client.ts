import type { CategoryLimits } from '../lib/klarna/rate-limit';
import type { SandboxAccount, SandboxProduct } from './state/accounts';
import type { SandboxPaymentRequest, SandboxPaymentTransaction } from './state/payments';
import type { PaymentRequestCreateRequest } from '../lib/klarna/schemas/payments';
import type { EmitEventInput, EmittedEvent } from './state/events';
import type {
  DeliveryAttemptRecord,
  DeliveryState,
  InjectedDiscrepancyRecord,
  SettlementAdjustmentRecord,
  SettlementDiscrepancyKind,
} from './state/types';
import type { SandboxSettlement } from './state/settlements';
import type { FaultConfig, FaultRule } from './faults';
import type { RateLimitProfile } from './rate-limit';

export type { DeliveryAttemptRecord, DeliveryState } from './state/types';
export type { SandboxAccount, SandboxProduct } from './state/accounts';
export type { SandboxPaymentRequest, SandboxPaymentTransaction } from './state/payments';
export type { SandboxSettlement } from './state/settlements';
export type {
  InjectedDiscrepancyRecord as InjectedSettlementDiscrepancy,
  SettlementAdjustmentRecord as SandboxSettlementAdjustment,
  SettlementDiscrepancyKind,
} from './state/types';

export type SandboxDelivery = {
  delivery_id: string;
  event_id: string;
  event_type: string;
  webhook_id: string;
  url: string;
  signing_key_id: string;
  body: string;
  created_at: string;
  state: DeliveryState;
  next_attempt_at: string | null;
  attempts: DeliveryAttemptRecord[];
};

export type SandboxInfo = {
  partner_account_id: string;
  persistent: boolean;
  data_dir: string | null;
  now: string;
  faults: FaultConfig;
  rate_limits: CategoryLimits;
  webhook_time_scale: number;
  /** How long a newly onboarded account stays PARTIALLY_OPERATIONAL (ms of sandbox time). */
  account_activation_ms: number;
};

/** A public key enrolled with the sandbox's Merchant Card Service (ours: the seed has no enrolment API). */
export type SandboxCardKey = {
  key_id: string;
  account_id: string;
  bits: number;
  active: boolean;
  created_at: string;
  deactivated_at: string | null;
};

export type SandboxClockState = { now: string; offset_ms: number };

/** A failed control call. */
export class SandboxControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`sandbox control call failed: ${status} ${JSON.stringify(body)}`);
  }
}

/** Typed access to the sandbox's control API (`/_sandbox/*`), for tests and dev tooling. */
export class SandboxControlClient {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as unknown) : null;
    if (!response.ok) throw new SandboxControlError(response.status, json);
    return json as T;
  }

  info = () => this.call<SandboxInfo>('GET', '/_sandbox');
  /** Clears all state (keeps faults, rate limits, time scale); the clock returns to real time. */
  reset = () => this.call<SandboxInfo>('POST', '/_sandbox/reset');

  clock = () => this.call<SandboxClockState>('GET', '/_sandbox/clock');
  advanceClock = (seconds: number) =>
    this.call<SandboxClockState>('POST', '/_sandbox/clock', { advance_seconds: seconds });
  setClock = (now: Date | string) =>
    this.call<SandboxClockState>('POST', '/_sandbox/clock', { now: typeof now === 'string' ? now : now.toISOString() });

  faults = () => this.call<FaultConfig>('GET', '/_sandbox/faults');
  setFaults = (change: Partial<FaultConfig>) => this.call<FaultConfig>('PUT', '/_sandbox/faults', change);
  clearFaults = () =>
    this.setFaults({
      latency_ms: 0,
      error_rate: 0,
      rate_limit_burst: 0,
      drop_rate: 0,
      webhook_failure_rate: 0,
      rules: [],
    });
  /** The next `times` requests of `operation` (path containing `path_contains`) meet `fault`. */
  addFaultRule = (rule: FaultRule) => this.call<FaultConfig>('POST', '/_sandbox/faults/rules', rule);

  rateLimits = () => this.call<CategoryLimits>('GET', '/_sandbox/rate-limits');
  /** A profile name (`playground`, `production`, `off`) or a partial table merged over the current one. */
  setRateLimits = (change: RateLimitProfile | Partial<CategoryLimits>) =>
    this.call<CategoryLimits>(
      'PUT',
      '/_sandbox/rate-limits',
      typeof change === 'string' ? { profile: change } : { limits: change },
    );

  setWebhookTimeScale = (scale: number) =>
    this.call<{ scale: number }>('PUT', '/_sandbox/webhook-time-scale', { scale });

  /** The first API key, as Klarna would hand it over through a secure link. */
  bootstrapKey = () => this.call<{ credential_id: string; api_key: string }>('POST', '/_sandbox/bootstrap-key');

  deliveries = async (filter: { event_id?: string; webhook_id?: string } = {}) => {
    const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => Boolean(e[1])));
    return (
      await this.call<{ deliveries: SandboxDelivery[] }>('GET', `/_sandbox/deliveries${query.size ? `?${query}` : ''}`)
    ).deliveries;
  };

  /**
   * Klarna moves a merchant account: OPERATIONAL (now, emitting `partner.account.state-change.operational`)
   * or DISABLED (its payment product becomes DISABLED by Klarna). Answers the account.
   */
  setAccountState = (accountId: string, state: 'OPERATIONAL' | 'DISABLED') =>
    this.call<SandboxAccount>('POST', `/_sandbox/accounts/${encodeURIComponent(accountId)}/state`, { state });
  /** Klarna moves an account's payment product (disabled_by KLARNA; emits the product webhooks). Answers the product. */
  setProductState = (accountId: string, state: 'ENABLED' | 'DISABLED' | 'TERMINATED') =>
    this.call<SandboxProduct>('POST', `/_sandbox/accounts/${encodeURIComponent(accountId)}/product-state`, { state });
  /** An OPERATIONAL account onboarded by another partner (this partner gets 403 on it). */
  createForeignAccount = () => this.call<{ account_id: string }>('POST', '/_sandbox/accounts/foreign');
  /** How long accounts onboarded from now on stay PARTIALLY_OPERATIONAL (ms of sandbox time; 0: at the next tick). */
  setAccountActivationDelay = (ms: number) =>
    this.call<{ ms: number }>('POST', '/_sandbox/accounts/activation-delay', { ms });

  /**
   * The shopper approves (→ PENDING_CONFIRMATION with a confirmation token) or denies (→ DECLINED)
   * a payment request, as the shopper page's buttons do. Answers the request and where the
   * shopper would be redirected (null without `config.redirect_url`).
   */
  approvePaymentRequest = (paymentRequestId: string) =>
    this.call<{ payment_request: SandboxPaymentRequest; redirect_url: string | null }>(
      'POST',
      `/_sandbox/payment-requests/${encodeURIComponent(paymentRequestId)}/approve`,
    );
  denyPaymentRequest = (paymentRequestId: string) =>
    this.call<{ payment_request: SandboxPaymentRequest; redirect_url: string | null }>(
      'POST',
      `/_sandbox/payment-requests/${encodeURIComponent(paymentRequestId)}/deny`,
    );
  /** The payment request (or its confirmation token) expires now (→ EXPIRED, with its webhook). */
  expirePaymentRequest = (paymentRequestId: string) =>
    this.call<{ payment_request: SandboxPaymentRequest; redirect_url: string | null }>(
      'POST',
      `/_sandbox/payment-requests/${encodeURIComponent(paymentRequestId)}/expire`,
    );
  /** The transaction's authorization expires now (→ EXPIRED; the 7-day reauthorization grace starts). */
  expirePaymentTransaction = (transactionId: string) =>
    this.call<SandboxPaymentTransaction>(
      'POST',
      `/_sandbox/payment-transactions/${encodeURIComponent(transactionId)}/expire`,
    );
  /** Creates a payment request, approves it as the shopper and confirms it: an AUTHORIZED transaction. */
  createAuthorizedPayment = (accountId: string, body: PaymentRequestCreateRequest) =>
    this.call<{ payment_request: SandboxPaymentRequest; payment_transaction: SandboxPaymentTransaction }>(
      'POST',
      `/_sandbox/accounts/${encodeURIComponent(accountId)}/authorized-payments`,
      body,
    );

  /**
   * Settles everything not yet settled now: periods that have ended close at their end, the
   * running one early. `discrepancies` writes one discrepancy of each kind listed (in order, each
   * on its own line) into what closes; `injected` says which line each hit. 409 (nothing closed)
   * when a kind finds no line to hit.
   */
  closeSettlementPeriod = (options: { discrepancies?: SettlementDiscrepancyKind[] } = {}) =>
    this.call<{ settlements: SandboxSettlement[]; injected: InjectedDiscrepancyRecord[] }>(
      'POST',
      '/_sandbox/settlements/close',
      options,
    );
  /** Klarna applies a discount or penalty to a transaction, or a shopper's dispute takes money back; the next report of its currency carries it as a DISCOUNT / PENALTY / DISPUTE line. */
  addSettlementAdjustment = (input: {
    payment_transaction_id: string;
    type: 'DISCOUNT' | 'PENALTY' | 'DISPUTE';
    amount: number;
  }) => this.call<SettlementAdjustmentRecord>('POST', '/_sandbox/settlements/adjustments', input);
  /** Every report, oldest first, with whether it closed early and what was injected into it. */
  listSettlementReports = async () =>
    (
      await this.call<{
        settlements: (SandboxSettlement & { closed_early: boolean; injected: InjectedDiscrepancyRecord[] })[];
      }>('GET', '/_sandbox/settlements')
    ).settlements;

  /** Enrols an RSA public key (JWK, ≥ 2048 bits) for the partner or one of its accounts; answers its key_id. */
  enrolCardKey = (jwk: { kty: 'RSA'; n: string; e: string }, accountId?: string) =>
    this.call<SandboxCardKey>('POST', '/_sandbox/merchantcard/keys', {
      jwk: { kty: jwk.kty, n: jwk.n, e: jwk.e },
      ...(accountId ? { account_id: accountId } : {}),
    });
  listCardKeys = async () => (await this.call<{ keys: SandboxCardKey[] }>('GET', '/_sandbox/merchantcard/keys')).keys;
  /** The key can no longer be named in a settlement or a `KeyId` header (403). */
  deactivateCardKey = (keyId: string) =>
    this.call<SandboxCardKey>('POST', `/_sandbox/merchantcard/keys/${encodeURIComponent(keyId)}/deactivate`);
  /** The order's pending cancellation request is REJECTED with this reason once its check_after passes. */
  rejectCardCancellation = (
    orderId: string,
    reason: { reason_code: 'CARD_IN_USE' | 'OTHER'; reason_message: string },
  ) =>
    this.call<{ status: string; check_after: string }>(
      'POST',
      `/_sandbox/merchantcard/orders/${encodeURIComponent(orderId)}/cancel-decision`,
      { outcome: 'reject', ...reason },
    );

  /** Emits an event as if something happened at Klarna (optionally to one webhook only). */
  emitEvent = (event: Omit<EmitEventInput, 'payload'> & { payload?: Record<string, unknown>; webhook_id?: string }) =>
    this.call<EmittedEvent>('POST', '/_sandbox/events', event);

  /**
   * Polls until `count` deliveries matching the filter are in the wanted state (default: finished,
   * i.e. delivered or failed) and returns the matching deliveries.
   */
  async waitForDeliveries(
    filter: { event_id?: string; webhook_id?: string },
    options: { count?: number; state?: DeliveryState | 'finished'; timeoutMs?: number; intervalMs?: number } = {},
  ): Promise<SandboxDelivery[]> {
    const { count = 1, state = 'finished', timeoutMs = 10_000, intervalMs = 20 } = options;
    const deadline = Date.now() + timeoutMs;
    const wanted = (d: SandboxDelivery) =>
      state === 'finished' ? d.state === 'delivered' || d.state === 'failed' : d.state === state;
    for (;;) {
      const deliveries = await this.deliveries(filter);
      if (deliveries.filter(wanted).length >= count) return deliveries;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${count} ${state} deliveries (${JSON.stringify(filter)}): ${JSON.stringify(deliveries.map((d) => ({ id: d.delivery_id, state: d.state, attempts: d.attempts.length })))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
