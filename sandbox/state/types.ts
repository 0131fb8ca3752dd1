import type { SettlementLine } from '../../lib/klarna/schemas/settlements';

/**
 * What the sandbox keeps, as it is persisted (`state.json` under the data dir). One partner
 * account, the acquiring partner, owns everything (merchant accounts it did not onboard are
 * "foreign": made by the control API to test the 403). Later API groups (merchants, payments,
 * settlements) add their own collections here and to `emptyData()`; a state file written
 * before they existed loads with their collections empty.
 */
export type CredentialRecord = {
  credential_id: string;
  type: 'API' | 'CLIENT';
  environment: 'TEST' | 'LIVE';
  description: string | null;
  created_at: string;
  /** The api_key or client_id, shown once at creation; kept to authenticate. */
  secret: string;
};

export type SigningKeyRecord = { signing_key_id: string; signing_key: string; created_at: string };

export type WebhookRecord = {
  webhook_id: string;
  url: string;
  event_types: string[];
  event_version: 'v1';
  signing_key_id: string;
  status: 'ENABLED' | 'DISABLED';
  created_at: string;
  updated_at: string;
};

/** A definitive answer (2xx/4xx) stored under its idempotency key, replayed for 24 h. */
export type IdempotencyRecord = {
  status: number;
  body: unknown;
  method: string;
  path: string;
  created_at_ms: number;
  expires_at_ms: number;
};

export type DeliveryState = 'pending' | 'in_flight' | 'delivered' | 'failed';

export type DeliveryAttemptRecord = {
  attempt: number;
  attempted_at: string;
  /** HTTP status of the receiver's answer; null when there was none. */
  status: number | null;
  error: string | null;
  duration_ms: number;
  /** Klarna's nominal delay before the next attempt (10 s, 2 min, …), in sandbox seconds. */
  retry_delay_seconds: number | null;
  /** When the next attempt runs by the sandbox clock: the delay divided by the time scale. */
  next_attempt_at: string | null;
  /** The delivery's state after this attempt. */
  state: DeliveryState;
};

/**
 * One event on its way to one webhook. The URL, signing key and exact body are captured at
 * the first attempt and reused by every retry (seed: retries use the old configuration).
 */
export type DeliveryRecord = {
  delivery_id: string;
  event_id: string;
  event_type: string;
  webhook_id: string;
  url: string;
  signing_key_id: string;
  signing_key: string;
  body: string;
  created_at: string;
  state: DeliveryState;
  next_attempt_at_ms: number | null;
  attempts: DeliveryAttemptRecord[];
};

export type AccountState = 'PARTIALLY_OPERATIONAL' | 'OPERATIONAL' | 'DISABLED';
export type ProductState = 'ENABLED' | 'DISABLED' | 'TERMINATED';

export type AddressRecord = {
  street_address: string;
  street_address2?: string;
  postal_code: string;
  city: string;
  region?: string;
  country: string;
};

/** Every field of the business information; null until given. */
export type BusinessInformationRecord = {
  business_name: string | null;
  business_entity_type: string | null;
  registration_authority: string | null;
  registration_number: string | null;
  tax_registration_number: string | null;
  financial_registration_number: string | null;
  operating_address: AddressRecord | null;
  registration_address: AddressRecord | null;
};

/** The account's one payment product (seed: one product per account for now). */
export type PaymentProductRecord = {
  product_instance_id: string;
  type: 'PAYMENT';
  merchant_category_code: string;
  state: ProductState;
  /** Who disabled it: a partner may enable only what it disabled itself. */
  disabled_by: 'PARTNER' | 'KLARNA' | null;
  distribution_profile_id: string;
  price_plan_id: string;
  updated_at: string;
};

export type ChannelRecord = {
  channel_id: string;
  type: 'WEBSITE' | 'PHYSICAL_STORE' | 'MOBILE_APP';
  name: string | null;
  /** WEBSITE only. */
  urls: string[] | null;
  /** PHYSICAL_STORE only. */
  address: AddressRecord | null;
  /** MOBILE_APP only. */
  app_store_urls: string[] | null;
  collection_reference: string | null;
  created_at: string;
  updated_at: string;
};

export type ChannelCollectionRecord = {
  collection_reference: string;
  branding: { display_name: string; logo_url?: string; icon_url?: string; brand_color?: string } | null;
  support: { email?: string; phone?: string; url?: string; returns_url?: string } | null;
  social_links: { platform: string; url: string }[] | null;
  created_at: string;
  updated_at: string;
};

export type AccountRecord = {
  account_id: string;
  account_reference: string;
  account_name: string;
  account_owner: { given_name: string; family_name: string; email: string; phone: string };
  business_information: BusinessInformationRecord;
  state: AccountState;
  /** When a PARTIALLY_OPERATIONAL account becomes OPERATIONAL, by the sandbox clock; null once it has. */
  activate_at_ms: number | null;
  product: PaymentProductRecord;
  settlement_configuration_id: string;
  /** Keyed by channel_id, in creation order. */
  channels: Record<string, ChannelRecord>;
  /** Keyed by collection_reference, in creation order. */
  channel_collections: Record<string, ChannelCollectionRecord>;
  /** The partner account that onboarded it; any other value makes it "foreign" to this partner. */
  onboarded_by: string;
  created_at: string;
  updated_at: string;
};

/** A one-time Klarna portal link (seed, "Creating a deep link"). */
export type DeepLinkRecord = {
  account_id: string;
  user_reference: string;
  roles: string[];
  created_at_ms: number;
  expires_at_ms: number;
  /** ISO time of the first (only) use; null while unused. */
  used_at: string | null;
};

export type PaymentRequestStateName =
  | 'SUBMITTED'
  | 'IN_PROGRESS'
  | 'PREPARED'
  | 'PENDING_CONFIRMATION'
  | 'AUTHORIZED'
  | 'CANCELED'
  | 'EXPIRED'
  | 'DECLINED';
export type PaymentTransactionStateName = 'AUTHORIZED' | 'EXPIRED' | 'COMPLETED' | 'CLOSED';

/** A line item as validated by lib/klarna/schemas/payments.ts (kept as sent). */
export type LineItemRecord = {
  name: string;
  quantity: number;
  unit_price: number;
  total_discount_amount?: number;
  total_tax_amount?: number;
  tax_rate?: number;
  total_line_amount: number;
  reference?: string;
  type?: string;
};

export type PaymentPricingRecord = {
  price_plan_id: string;
  rate: { fixed: number; variable: number; tax: { fixed: number; variable: number } };
};

/** The merchant's side of a payment request, as created and updated (the API's `payment_request` object). */
export type PaymentRequestData = {
  currency: string;
  payment_amount: number;
  payment_reference?: string;
  merchant_reference?: string;
  purchase_country?: string;
  config?: { redirect_url?: string; payment_option_id?: string; shopping_session_token?: string };
  customer?: Record<string, unknown>;
  shipping?: Record<string, unknown>;
  line_items?: LineItemRecord[];
};

export type PaymentRequestRecord = {
  payment_request_id: string;
  account_id: string;
  state: PaymentRequestStateName;
  previous_state: PaymentRequestStateName | null;
  request: PaymentRequestData;
  /** Where the shopper approves or denies (`<origin>/shopper/payment-requests/<id>`). */
  distribution_url: string;
  payment_confirmation_token: string | null;
  token_expires_at_ms: number | null;
  payment_transaction_id: string | null;
  payment_pricing: PaymentPricingRecord | null;
  /** The confirm answer, replayed for a repeat confirm of the same token. */
  confirmed_response: unknown;
  expires_at_ms: number;
  created_at: string;
  updated_at: string;
};

export type RefundRecord = {
  payment_refund_id: string;
  refund_reference: string | null;
  amount: number;
  /** The capture it was made against; null for a refund of the transaction. */
  payment_capture_id: string | null;
  allocations: { payment_capture_id: string; amount: number }[];
  description: string | null;
  line_items: LineItemRecord[] | null;
  created_at: string;
};

export type CaptureRecord = {
  payment_capture_id: string;
  capture_reference: string | null;
  amount: number;
  refunded_amount: number;
  line_items: LineItemRecord[] | null;
  shipping_info: Record<string, unknown>[];
  created_at: string;
};

export type PaymentTransactionRecord = {
  payment_transaction_id: string;
  payment_request_id: string;
  account_id: string;
  state: PaymentTransactionStateName;
  currency: string;
  purchase_country: string;
  channel_type: string;
  authorized_amount: number;
  captured_amount: number;
  refunded_amount: number;
  /** The part of the authorization given up (void, or completion after expiry). */
  released_amount: number;
  merchant_reference: string | null;
  payment_reference: string | null;
  line_items: LineItemRecord[] | null;
  customer: Record<string, unknown> | null;
  shipping: Record<string, unknown> | null;
  shipping_info: Record<string, unknown>[];
  captures: CaptureRecord[];
  refunds: RefundRecord[];
  /** Successful mutating operations (update, capture, refund, void, reauthorize); at most 500. */
  operations: number;
  payment_pricing: PaymentPricingRecord;
  expires_at_ms: number;
  completed_at_ms: number | null;
  closed_at_ms: number | null;
  /** When the remaining authorization was voided (seed: "no further updates … will be allowed"); absent in state saved before it existed. */
  voided_at?: string | null;
  created_at: string;
  updated_at: string;
};

/** A report line as written (lib/klarna/schemas/settlements.ts `SettlementLine`). */
export type SettlementLineRecord = SettlementLine;

export type SettlementTotalsRecord = {
  gross_sales: number;
  refunds: number;
  fees: number;
  tax: number;
  discounts: number;
  penalties: number;
  disputes: number;
  net: number;
};

/** One settlement report (one payout): one settlement configuration × one currency × one period. */
export type SettlementRecord = {
  settlement_id: string;
  /** The partner it belongs to (the acquiring partner: every line is from its merchant accounts). */
  partner_account_id: string;
  settlement_configuration_id: string;
  currency: string;
  /** What the report covers by the sandbox clock: [period_start, period_end). */
  period_start: string;
  period_end: string;
  /** Closed through the control API before the schedule's period ended. */
  closed_early: boolean;
  /** YYYY-MM-DD: the period's last day + the configuration's delay_days. */
  payout_date: string;
  line_count: number;
  totals: SettlementTotalsRecord;
  lines: SettlementLineRecord[];
  created_at: string;
  /** Discrepancies written into this report on purpose (control API); never shown by the Klarna API. */
  injected: InjectedDiscrepancyRecord[];
};

export type SettlementDiscrepancyKind =
  'missing_line' | 'amount_off' | 'duplicate_line' | 'unknown_transaction' | 'wrong_fee' | 'currency_mismatch';

/** What one injected discrepancy did, so a test knows the verdict to expect (sandbox/README.md, "Settlements"). */
export type InjectedDiscrepancyRecord = {
  kind: SettlementDiscrepancyKind;
  /** The report where the discrepancy shows (for missing_line: the report the line was left out of). */
  settlement_id: string;
  payment_transaction_id: string;
  payment_capture_id?: string;
  payment_refund_id?: string;
  detail: string;
  /** The line's columns as they should have been, and as written. */
  expected?: Record<string, string | number | null>;
  written?: Record<string, string | number | null>;
};

/** A DISCOUNT or PENALTY Klarna applies to a transaction (control API); settled once, in the next report. */
export type SettlementAdjustmentRecord = {
  adjustment_id: string;
  type: 'DISCOUNT' | 'PENALTY' | 'DISPUTE';
  /** DISPUTE only: the dispute the line settles (ours: a plain uuid, as for captures). */
  dispute_id?: string | null;
  payment_transaction_id: string;
  account_id: string;
  currency: string;
  amount: number;
  created_at: string;
};

export type SandboxData = {
  version: 1;
  partner: { account_id: string; created_at: string };
  clock_offset_ms: number;
  credentials: Record<string, CredentialRecord>;
  signing_keys: Record<string, SigningKeyRecord>;
  /** Deleted keys a webhook still named when they were deleted: its events are signed with them still. */
  deleted_signing_keys?: Record<string, SigningKeyRecord>;
  webhooks: Record<string, WebhookRecord>;
  /** Keyed by `<partner account id>:<idempotency key>`. */
  idempotency: Record<string, IdempotencyRecord>;
  deliveries: Record<string, DeliveryRecord>;
  /** Merchant accounts, keyed by account_id, in creation order. */
  accounts: Record<string, AccountRecord>;
  /** Portal deep links, keyed by their token. */
  deep_links: Record<string, DeepLinkRecord>;
  /** Payment requests, keyed by payment_request_id, in creation order. */
  payment_requests: Record<string, PaymentRequestRecord>;
  /** Confirmation token → payment_request_id. */
  confirmation_tokens: Record<string, string>;
  /** Payment transactions, keyed by payment_transaction_id, in creation order. */
  payment_transactions: Record<string, PaymentTransactionRecord>;
  /** Settlement reports, keyed by settlement_id, in creation order. */
  settlements: Record<string, SettlementRecord>;
  /** Discounts and penalties added through the control API, keyed by adjustment_id. */
  settlement_adjustments: Record<string, SettlementAdjustmentRecord>;
  /** What each settled capture, refund or adjustment was settled in: `capture:<id>` / `refund:<id>` / `adjustment:<id>` → settlement_id. */
  settled_operations: Record<string, string>;
  /** Merchant Card Service public keys enrolled through the control API, keyed by key_id. */
  card_keys: Record<string, CardKeyRecord>;
  /** Card promises, keyed by promise_id, in creation order. */
  card_promises: Record<string, CardPromiseRecord>;
  /** Card settlements, keyed by settlement_id, in creation order. */
  card_settlements: Record<string, CardSettlementRecord>;
  /** Orders the Merchant Card Service knows, keyed by `<scope>␟<order_id>`. */
  card_orders: Record<string, CardOrderRecord>;
};

/** Whose MCS resources these are: the sub-partner account (`Klarna-Partner-Account`) or the partner. */
export type CardScope = string;

export type CardKeyRecord = {
  key_id: string;
  scope: CardScope;
  /** The public key as enrolled (RSA JWK: kty, n, e). */
  jwk: { kty: 'RSA'; n: string; e: string };
  bits: number;
  active: boolean;
  created_at: string;
  deactivated_at: string | null;
};

export type CardSpecRecord = { amount: number; currency: string; reference: string; fund_amount?: number };

export type CardPromiseRecord = {
  promise_id: string;
  scope: CardScope;
  order_id: string;
  cards: CardSpecRecord[];
  created_at: string;
  expires_at: string;
  /** The newer promise for the same order that invalidated this one. */
  replaced_by: string | null;
  settlement_id: string | null;
};

/** An issued card as Klarna holds it: the data is encrypted only when it is sent. */
export type IssuedCardRecord = {
  card_id: string;
  reference: string;
  amount: number;
  currency: string;
  brand: 'VISA' | 'MASTERCARD';
  holder: string;
  pan: string;
  expiry_date: string;
  cvv: string;
};

export type CardSettlementRecord = {
  settlement_id: string;
  scope: CardScope;
  promise_id: string;
  order_id: string;
  cards: IssuedCardRecord[];
  created_at: string;
  expires_at: string;
};

export type CardCancellationRecord = {
  status: 'PENDING' | 'CANCELLED' | 'REJECTED';
  requested_at: string;
  check_after: string;
  /** Set by the control API: the pending request is rejected with this reason when it is decided. */
  reject_with: { reason_code: string; reason_message: string } | null;
  reason_code: string | null;
  reason_message: string | null;
};

export type CardOrderRecord = {
  scope: CardScope;
  order_id: string;
  promise_id: string | null;
  settlement_id: string | null;
  cancellation: CardCancellationRecord | null;
};
