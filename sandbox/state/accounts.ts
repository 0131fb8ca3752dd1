import type { ChannelCreateRequest, OnboardRequest } from '../../lib/klarna/schemas/accounts';
import { sandboxErrors } from '../errors';
import type { SandboxHost } from './host';
import { defaultDistributionProfile, defaultSettlementConfiguration, pricePlanFor } from './account-config';
import { ids } from './ids';
import type {
  AccountRecord,
  AccountState,
  BusinessInformationRecord,
  ChannelCollectionRecord,
  ChannelRecord,
  PaymentProductRecord,
  ProductState,
} from './types';

/**
 * Merchant accounts: the rules the API routes (routes/accounts.ts, channels.ts, portal.ts)
 * and the control API share. Klarna alone moves an account's state (seed, "Account
 * lifecycle webhooks"); the partner moves its payment product between ENABLED and DISABLED.
 */

/** A record's own entry: keys come from paths and bodies, and `__proto__` is a valid collection reference. */
export function getOwn<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Stores an entry as an own property whatever its key (plain assignment to `__proto__` would not). */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

export const ACCOUNT_EVENT_OPERATIONAL = 'partner.account.state-change.operational';
export const PRODUCT_EVENT_ENABLED = 'partner.account.product.payment.state-change.enabled';
export const PRODUCT_EVENT_DISABLED = 'partner.account.product.payment.state-change.disabled';

export function publicProduct(p: PaymentProductRecord) {
  return { ...p };
}

/** An account as the API shows it (business information and channels have their own endpoints). */
export function publicAccount(a: AccountRecord) {
  return {
    account_id: a.account_id,
    account_reference: a.account_reference,
    account_name: a.account_name,
    state: a.state,
    account_owner: { ...a.account_owner },
    products: [publicProduct(a.product)],
    settlement_configuration_id: a.settlement_configuration_id,
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}
export type SandboxAccount = ReturnType<typeof publicAccount>;
export type SandboxProduct = ReturnType<typeof publicProduct>;

export function publicBusinessInformation(b: BusinessInformationRecord) {
  return { ...b };
}

/** A channel with the fields its type has (a website has urls, a store an address, an app store links). */
export function publicChannel(c: ChannelRecord) {
  const specific =
    c.type === 'WEBSITE'
      ? { urls: c.urls ?? [] }
      : c.type === 'PHYSICAL_STORE'
        ? { address: c.address }
        : { app_store_urls: c.app_store_urls ?? [] };
  return {
    channel_id: c.channel_id,
    type: c.type,
    name: c.name,
    ...specific,
    collection_reference: c.collection_reference,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

export function publicCollection(c: ChannelCollectionRecord) {
  return { ...c };
}

/** 404 for an unknown account, 403 for one this partner did not onboard. */
export function getAccountOrThrow(sandbox: SandboxHost, accountId: string): AccountRecord {
  const account = getOwn(sandbox.store.data.accounts, accountId);
  if (!account) throw sandboxErrors.resourceNotFound(`Account ${accountId}`);
  if (account.onboarded_by !== sandbox.store.partnerAccountId) {
    throw sandboxErrors.forbidden(
      `Account ${accountId} was not onboarded by this partner; only the partner that onboarded an account may read or manage it.`,
    );
  }
  return account;
}

/** Management (any change, a deep link) needs an OPERATIONAL account (seed, "Account lifecycle webhooks"). */
export function requireManageable(account: AccountRecord): void {
  if (account.state === 'PARTIALLY_OPERATIONAL') {
    throw sandboxErrors.conflict(
      `Account ${account.account_id} is still being set up at Klarna (PARTIALLY_OPERATIONAL) and cannot be managed yet; try again in a few seconds.`,
    );
  }
  if (account.state === 'DISABLED') {
    throw sandboxErrors.conflict(
      `Account ${account.account_id} was disabled by Klarna (DISABLED) and can no longer be managed.`,
    );
  }
}

export function emptyBusinessInformation(): BusinessInformationRecord {
  return {
    business_name: null,
    business_entity_type: null,
    registration_authority: null,
    registration_number: null,
    tax_registration_number: null,
    financial_registration_number: null,
    operating_address: null,
    registration_address: null,
  };
}

/** A channel record from the channel-resource body (also used for the onboarding body's channels). */
export function newChannel(input: ChannelCreateRequest, now: string): ChannelRecord {
  return {
    channel_id: ids.channel(),
    type: input.type,
    name: input.name || null,
    urls: input.type === 'WEBSITE' ? input.urls : null,
    address: input.type === 'PHYSICAL_STORE' ? (input.address ?? null) : null,
    app_store_urls: input.type === 'MOBILE_APP' ? (input.app_store_urls ?? []) : null,
    collection_reference: input.collection_reference ?? null,
    created_at: now,
    updated_at: now,
  };
}

/**
 * Stores a new account from a validated onboarding body. The payment product is ENABLED at
 * once (seed: "ready to begin transacting"); the account itself is PARTIALLY_OPERATIONAL
 * until `activate_at_ms`, unless `operational` (the control API's foreign accounts).
 */
export function createAccount(
  sandbox: SandboxHost,
  input: OnboardRequest,
  options: { onboardedBy: string; operational?: boolean },
): AccountRecord {
  const now = sandbox.clock.iso();
  const product = input.products[0]!;
  const channels: ChannelRecord[] = [
    ...(input.channel.websites ?? []).map((w) => newChannel({ type: 'WEBSITE', ...w }, now)),
    ...(input.channel['physical-stores'] ?? []).map((s) => newChannel({ type: 'PHYSICAL_STORE', ...s }, now)),
    ...(input.channel['mobile-apps'] ?? []).map((a) => newChannel({ type: 'MOBILE_APP', ...a }, now)),
  ];
  const account: AccountRecord = {
    account_id: uniqueAccountId(sandbox),
    account_reference: input.account_reference,
    account_name: input.account_name,
    account_owner: { ...input.account_owner },
    business_information: { ...emptyBusinessInformation(), ...(input.business_information ?? {}) },
    state: options.operational ? 'OPERATIONAL' : 'PARTIALLY_OPERATIONAL',
    activate_at_ms: options.operational ? null : sandbox.clock.nowMs() + sandbox.accountActivationMs,
    product: {
      product_instance_id: ids.paymentProduct(),
      type: 'PAYMENT',
      merchant_category_code: product.merchant_category_code,
      state: 'ENABLED',
      disabled_by: null,
      distribution_profile_id: product.distribution_profile_id ?? defaultDistributionProfile.distribution_profile_id,
      price_plan_id: pricePlanFor(product.merchant_category_code).price_plan_id,
      updated_at: now,
    },
    settlement_configuration_id:
      input.settlement_configuration_id ?? defaultSettlementConfiguration.settlement_configuration_id,
    channels: Object.fromEntries(channels.map((c) => [c.channel_id, c])),
    channel_collections: {},
    onboarded_by: options.onboardedBy,
    created_at: now,
    updated_at: now,
  };
  sandbox.store.data.accounts[account.account_id] = account;
  sandbox.store.changed();
  return account;
}

function uniqueAccountId(sandbox: SandboxHost): string {
  for (;;) {
    const id = ids.account();
    if (!getOwn(sandbox.store.data.accounts, id)) return id;
  }
}

/** Moves the account to a new state, emitting `partner.account.state-change.operational` when that is OPERATIONAL. */
export function changeAccountState(sandbox: SandboxHost, account: AccountRecord, next: AccountState): void {
  const previous = account.state;
  account.activate_at_ms = null;
  if (previous === next) return;
  account.state = next;
  account.updated_at = sandbox.clock.iso();
  if (next === 'DISABLED') {
    // Seed: "All products within an account are fully disabled as a part of this status."
    if (account.product.state === 'ENABLED') changeProductState(sandbox, account, 'DISABLED', 'KLARNA');
    else if (account.product.state === 'DISABLED') account.product.disabled_by = 'KLARNA';
  }
  sandbox.store.changed();
  if (next === 'OPERATIONAL') {
    sandbox.emitEvent({
      event_type: ACCOUNT_EVENT_OPERATIONAL,
      account_id: account.account_id,
      payload: { account_reference: account.account_reference, state: 'OPERATIONAL', previous_state: previous },
    });
  }
}

/**
 * Sets the payment product's state and emits `…state-change.enabled` or `.disabled` (a
 * TERMINATED product gets `.disabled` with state TERMINATED). No event when nothing changed.
 */
export function changeProductState(
  sandbox: SandboxHost,
  account: AccountRecord,
  next: ProductState,
  by: 'PARTNER' | 'KLARNA',
): void {
  const product = account.product;
  const previous = product.state;
  product.disabled_by = next === 'ENABLED' ? null : by;
  if (previous === next) {
    sandbox.store.changed();
    return;
  }
  product.state = next;
  product.updated_at = sandbox.clock.iso();
  sandbox.store.changed();
  sandbox.emitEvent({
    event_type: next === 'ENABLED' ? PRODUCT_EVENT_ENABLED : PRODUCT_EVENT_DISABLED,
    account_id: account.account_id,
    product_instance_id: product.product_instance_id,
    payload: {
      account_reference: account.account_reference,
      product_instance_id: product.product_instance_id,
      state: next,
      previous_state: previous,
    },
  });
}

/**
 * After the clock is set back: an account still being set up is due at most the activation delay from the new
 * time. Klarna's set-up takes seconds of real time, so a test that moved the clock forward and back must not
 * leave accounts onboarded meanwhile waiting for the time it undid. Returns how many were brought forward.
 */
export function clampPendingActivations(sandbox: SandboxHost): number {
  const latest = sandbox.clock.nowMs() + sandbox.accountActivationMs;
  let clamped = 0;
  for (const account of Object.values(sandbox.store.data.accounts)) {
    if (
      account.state === 'PARTIALLY_OPERATIONAL' &&
      account.activate_at_ms !== null &&
      account.activate_at_ms > latest
    ) {
      account.activate_at_ms = latest;
      clamped++;
    }
  }
  return clamped;
}

/** Activates every PARTIALLY_OPERATIONAL account whose time has come by the sandbox clock; returns how many. */
export function activateDueAccounts(sandbox: SandboxHost): number {
  const now = sandbox.clock.nowMs();
  let activated = 0;
  for (const account of Object.values(sandbox.store.data.accounts)) {
    if (account.state === 'PARTIALLY_OPERATIONAL' && account.activate_at_ms !== null && account.activate_at_ms <= now) {
      changeAccountState(sandbox, account, 'OPERATIONAL');
      activated++;
    }
  }
  return activated;
}
