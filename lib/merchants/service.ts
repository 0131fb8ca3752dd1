import 'server-only';
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { onboardingDrafts, type MerchantAccountRow } from '@/db/schema';
import { recordAudit, type AuditAction } from '@/lib/audit';
import { assertCan, type Actor } from '@/lib/auth/guard';
import type { Capability } from '@/lib/auth/roles';
import { klarnaFor } from '@/lib/credentials/connection';
import type { ServiceContext } from '@/lib/context';
import { InputError, KlarnaNotConfiguredError, KlarnaRefusedError, NotFoundError, type FieldMap } from '@/lib/errors';
import { intentSchema, klarnaOperation, klarnaPaths, type KlarnaCall } from '@/lib/klarna-operation';
import { parseInput } from '@/lib/parse-input';
import {
  ACCOUNT_LIST_MAX,
  accountUpdateRequestSchema,
  businessInformationUpdateSchema,
  channelCollectionCreateRequestSchema,
  channelCollectionUpdateRequestSchema,
  channelCreateRequestSchema,
  channelUpdateRequestSchema,
  onboardRequestSchema,
  type Account,
  type Channel,
  type ChannelCollection,
  type PricePlan,
  type SettlementConfiguration,
} from '@/lib/klarna/schemas/accounts';
import { addTimeline, getCachedMerchant, saveAccount } from './cache';

export type MerchantCtx = ServiceContext;

/** A change at Klarna on one merchant account (lib/klarna-operation.ts): audited on the account, its timeline entry alongside. */
function onAccount<T>(
  ctx: MerchantCtx & { actor: Actor },
  accountId: string,
  spec: KlarnaCall<T> & {
    action: AuditAction;
    details?: Record<string, unknown>;
    fields?: FieldMap;
    capability?: Capability;
    timeline?: (result: T) => { kind: string; summary: string; details?: Record<string, unknown> };
  },
): Promise<T> {
  const { action, details, timeline, capability, ...call } = spec;
  return klarnaOperation(ctx, {
    ...call,
    capability: capability ?? 'merchants.manage',
    audit: { action, target: { type: 'merchant_account', id: accountId }, details },
    record: timeline
      ? async (result, tx) => {
          const entry = timeline(result);
          await addTimeline(tx, {
            accountId,
            occurredAt: new Date(),
            source: 'dashboard',
            kind: entry.kind,
            summary: entry.summary,
            actorId: ctx.actor.id,
            actorEmail: ctx.actor.email,
            details: entry.details ?? {},
          });
        }
      : undefined,
  });
}

function guard(ctx: MerchantCtx, capability: Capability): asserts ctx is MerchantCtx & { actor: Actor } {
  assertCan(ctx.actor, capability);
}

export async function refreshMerchant(
  ctx: MerchantCtx,
  accountId: string,
  source: 'dashboard' | 'sync' = 'sync',
): Promise<MerchantAccountRow> {
  const api = await klarnaFor(ctx.db, ctx.settings);
  const readAt = new Date();
  const [account, channels] = await Promise.all([api.accounts.get(accountId), api.channels.list(accountId)]);
  return saveAccount(ctx.db, account, { channelsCount: channels.channels.length, source, readAt });
}

export async function syncMerchants(ctx: MerchantCtx): Promise<{ accounts: number; added: number }> {
  guard(ctx, 'merchants.manage');
  const api = await klarnaFor(ctx.db, ctx.settings);
  let startingAfter: string | undefined;
  let accounts = 0;
  let added = 0;
  for (;;) {
    const page = await api.accounts.list({ limit: ACCOUNT_LIST_MAX, startingAfter });
    for (const account of page.accounts) {
      const known = await getCachedMerchant(ctx.db, account.account_id);
      const channels = await api.channels.list(account.account_id);
      await saveAccount(ctx.db, account, { channelsCount: channels.channels.length, source: 'sync' });
      accounts++;
      if (!known?.lastSyncedAt) added++;
    }
    if (!page.has_more || page.accounts.length === 0) break;
    startingAfter = page.accounts.at(-1)!.account_id;
  }
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: 'merchants.sync',
    target: { type: 'merchant_accounts', id: 'all' },
    details: { accounts, added },
    requestId: ctx.requestId,
  });
  return { accounts, added };
}

export type MerchantDetail = {
  cached: MerchantAccountRow | null;
  live: {
    account: Account;
    businessInformation: Record<string, unknown>;
    channels: Channel[];
    collections: ChannelCollection[];
    pricePlan: PricePlan | null;
    settlementConfiguration: SettlementConfiguration | null;
  } | null;
  error: string | null;
};

export async function loadMerchantDetail(ctx: MerchantCtx, accountId: string): Promise<MerchantDetail> {
  assertCan(ctx.actor, 'dashboard.read');
  const cached = await getCachedMerchant(ctx.db, accountId);
  try {
    const api = await klarnaFor(ctx.db, ctx.settings);
    const readAt = new Date();
    // The account first: when Klarna cannot be reached, one call finds out (not six retrying).
    const account = await api.accounts.get(accountId);
    const [businessInformation, channels, collections, plans, configs] = await Promise.all([
      api.businessInformation.get(accountId),
      api.channels.list(accountId),
      api.channelCollections.list(accountId),
      api.pricePlans.list(),
      api.settlementConfigurations.list(),
    ]);
    const saved = await saveAccount(ctx.db, account, {
      channelsCount: channels.channels.length,
      source: 'sync',
      readAt,
    });
    const product = account.products[0];
    return {
      cached: saved,
      live: {
        account,
        businessInformation,
        channels: channels.channels,
        collections: collections.channel_collections,
        pricePlan: plans.price_plans.find((p) => p.price_plan_id === product?.price_plan_id) ?? null,
        settlementConfiguration: account.settlement_configuration_id
          ? (configs.settlement_configurations.find(
              (c) => c.settlement_configuration_id === account.settlement_configuration_id,
            ) ?? null)
          : null,
      },
      error: null,
    };
  } catch (error) {
    if (error instanceof KlarnaRefusedError || error instanceof KlarnaNotConfiguredError) {
      if (
        !cached &&
        error instanceof KlarnaRefusedError &&
        error.klarnaError.name === 'KlarnaApiError' &&
        error.code === 'RESOURCE_NOT_FOUND'
      ) {
        throw new NotFoundError('Klarna does not know this merchant account.');
      }
      return { cached, live: null, error: error.message };
    }
    throw error;
  }
}

export async function onboardingOptions(ctx: MerchantCtx) {
  guard(ctx, 'merchants.onboard');
  const api = await klarnaFor(ctx.db, ctx.settings);
  const [plans, configs, profiles] = await Promise.all([
    api.pricePlans.list(),
    api.settlementConfigurations.list(),
    api.distributionProfiles.list(),
  ]);
  return {
    pricePlans: plans.price_plans,
    settlementConfigurations: configs.settlement_configurations,
    distributionProfiles: profiles.distribution_profiles,
  };
}

export async function onboardMerchant(
  ctx: MerchantCtx,
  draftId: string,
  body: unknown,
): Promise<{ accountId: string }> {
  guard(ctx, 'merchants.onboard');
  const request = parseInput(onboardRequestSchema, body, 'Some onboarding details need fixing.');
  const [draft] = await ctx.db.select().from(onboardingDrafts).where(eq(onboardingDrafts.id, draftId)).limit(1);
  if (!draft) throw new NotFoundError('That onboarding draft no longer exists.');
  // Onboarded already (a submit that arrives after the first one finished): the same account.
  if (draft.accountId) return { accountId: draft.accountId };
  // Keyed by draft and exact body: a double submit creates one account; a corrected body gets a new key, as
  // Klarna replays any answer, refusals included, for a key it has seen.
  const bodyHash = createHash('sha256').update(JSON.stringify(request)).digest('base64url');
  const { account_id: accountId } = await onAccount(ctx, draft.accountId ?? `draft:${draftId}`, {
    capability: 'merchants.onboard',
    action: 'merchants.onboard',
    details: { account_name: request.account_name, account_reference: request.account_reference, draft_id: draftId },
    intent: { operation: 'accounts.onboard', target: `draft:${draftId}`, nonce: bodyHash },
    fields: klarnaPaths,
    call: (api, key) => api.accounts.onboard(request, { idempotencyKey: key }),
  });
  const channels =
    (request.channel.websites?.length ?? 0) +
    (request.channel['physical-stores']?.length ?? 0) +
    (request.channel['mobile-apps']?.length ?? 0);
  const account = await (await klarnaFor(ctx.db, ctx.settings)).accounts.get(accountId);
  await saveAccount(ctx.db, account, { channelsCount: channels, onboardedBy: ctx.actor.id, source: 'dashboard' });
  await ctx.db
    .update(onboardingDrafts)
    .set({ accountId, updatedAt: new Date() })
    .where(eq(onboardingDrafts.id, draftId));
  await addTimeline(ctx.db, {
    accountId,
    occurredAt: new Date(),
    source: 'dashboard',
    kind: 'onboarded',
    summary: `Onboarded by ${ctx.actor.name || ctx.actor.email}; Klarna answered ${account.state}`,
    state: account.state,
    actorId: ctx.actor.id,
    actorEmail: ctx.actor.email,
  });
  return { accountId };
}

async function afterChange(ctx: MerchantCtx, accountId: string) {
  try {
    await refreshMerchant(ctx, accountId, 'dashboard');
  } catch {
    // The change is made at Klarna; a failed re-read only leaves the cache for the next sync or webhook.
  }
}

export async function updateAccount(
  ctx: MerchantCtx,
  accountId: string,
  intentId: string,
  body: unknown,
): Promise<Account> {
  guard(ctx, 'merchants.manage');
  const request = parseInput(accountUpdateRequestSchema, body);
  const account = await onAccount(ctx, accountId, {
    action: 'merchants.update_account',
    details: { fields: Object.keys(request) },
    intent: { operation: 'accounts.update', target: accountId, nonce: intentSchema.parse(intentId) },
    fields: klarnaPaths,
    call: (api, key) => api.accounts.update(accountId, request, { idempotencyKey: key }),
    timeline: () => ({
      kind: 'account_updated',
      summary: `Account details updated (${Object.keys(request).join(', ')})`,
    }),
  });
  await afterChange(ctx, accountId);
  return account;
}

export async function updateBusinessInformation(ctx: MerchantCtx, accountId: string, intentId: string, body: unknown) {
  guard(ctx, 'merchants.manage');
  const request = parseInput(businessInformationUpdateSchema, body);
  if (Object.keys(request).length === 0) throw new InputError('Nothing to update.');
  const result = await onAccount(ctx, accountId, {
    action: 'merchants.update_business_information',
    details: { fields: Object.keys(request) },
    intent: { operation: 'businessInformation.update', target: accountId, nonce: intentSchema.parse(intentId) },
    fields: klarnaPaths,
    call: (api, key) => api.businessInformation.update(accountId, request, { idempotencyKey: key }),
    timeline: () => ({
      kind: 'business_information_updated',
      summary: `Business information updated (${Object.keys(request).join(', ')})`,
    }),
  });
  await afterChange(ctx, accountId);
  return result;
}

export const productChangeSchema = z.object({
  action: z.enum(['enable', 'disable']),
  reason: z.string().trim().min(3, 'Say why (at least 3 characters)').max(500, 'At most 500 characters'),
  intentId: intentSchema,
});

/** Seed test case 3: suspend a payment product and revert it, with the reason in the audit log. */
export async function changePaymentProduct(
  ctx: MerchantCtx,
  accountId: string,
  input: z.input<typeof productChangeSchema>,
) {
  guard(ctx, 'merchants.manage');
  const { action, reason, intentId } = parseInput(productChangeSchema, input);
  const product = await onAccount(ctx, accountId, {
    action: action === 'disable' ? 'merchants.disable_product' : 'merchants.enable_product',
    details: { reason },
    intent: { operation: `paymentProduct.${action}`, target: accountId, nonce: intentId },
    call: (api, key) =>
      action === 'disable'
        ? api.paymentProduct.disable(accountId, { idempotencyKey: key })
        : api.paymentProduct.enable(accountId, { idempotencyKey: key }),
    timeline: (answer) => ({
      kind: 'product_state',
      summary: `Payment product ${action === 'disable' ? 'disabled' : 'enabled'} here: ${reason}`,
      details: { reason, state: answer.state },
    }),
  });
  await afterChange(ctx, accountId);
  return product;
}

export async function createChannel(
  ctx: MerchantCtx,
  accountId: string,
  intentId: string,
  body: unknown,
): Promise<Channel> {
  guard(ctx, 'merchants.manage');
  const request = parseInput(channelCreateRequestSchema, body);
  const channel = await onAccount(ctx, accountId, {
    action: 'merchants.create_channel',
    details: { type: request.type, name: request.name ?? null },
    intent: { operation: 'channels.create', target: accountId, nonce: intentSchema.parse(intentId) },
    fields: klarnaPaths,
    call: (api, key) => api.channels.create(accountId, request, { idempotencyKey: key }),
    timeline: (created) => ({
      kind: 'channel',
      summary: `Channel added: ${channelLabel(created)}`,
      details: { channel_id: created.channel_id },
    }),
  });
  await afterChange(ctx, accountId);
  return channel;
}

export async function updateChannel(
  ctx: MerchantCtx,
  accountId: string,
  channelId: string,
  intentId: string,
  body: unknown,
): Promise<Channel> {
  guard(ctx, 'merchants.manage');
  const request = parseInput(channelUpdateRequestSchema, body);
  const channel = await onAccount(ctx, accountId, {
    action: 'merchants.update_channel',
    details: { channel_id: channelId, fields: Object.keys(request) },
    intent: { operation: 'channels.update', target: `${accountId}/${channelId}`, nonce: intentSchema.parse(intentId) },
    fields: klarnaPaths,
    call: (api, key) => api.channels.update(accountId, channelId, request, { idempotencyKey: key }),
    timeline: (updated) => ({
      kind: 'channel',
      summary: `Channel updated: ${channelLabel(updated)}`,
      details: { channel_id: channelId },
    }),
  });
  await afterChange(ctx, accountId);
  return channel;
}

export async function deleteChannel(ctx: MerchantCtx, accountId: string, channelId: string): Promise<void> {
  guard(ctx, 'merchants.manage');
  await onAccount(ctx, accountId, {
    action: 'merchants.delete_channel',
    details: { channel_id: channelId },
    call: (api) => api.channels.delete(accountId, channelId),
    timeline: () => ({
      kind: 'channel',
      summary: `Channel deleted (${channelId})`,
      details: { channel_id: channelId },
    }),
  });
  await afterChange(ctx, accountId);
}

export async function createCollection(
  ctx: MerchantCtx,
  accountId: string,
  intentId: string,
  body: unknown,
): Promise<ChannelCollection> {
  guard(ctx, 'merchants.manage');
  const request = parseInput(channelCollectionCreateRequestSchema, body);
  const collection = await onAccount(ctx, accountId, {
    action: 'merchants.create_collection',
    details: { collection_reference: request.collection_reference },
    intent: { operation: 'channelCollections.create', target: accountId, nonce: intentSchema.parse(intentId) },
    fields: klarnaPaths,
    call: (api, key) => api.channelCollections.create(accountId, request, { idempotencyKey: key }),
    timeline: () => ({
      kind: 'channel_collection',
      summary: `Channel collection added: ${request.collection_reference}`,
    }),
  });
  await afterChange(ctx, accountId);
  return collection;
}

export async function updateCollection(
  ctx: MerchantCtx,
  accountId: string,
  reference: string,
  intentId: string,
  body: unknown,
): Promise<ChannelCollection> {
  guard(ctx, 'merchants.manage');
  const request = parseInput(channelCollectionUpdateRequestSchema, body);
  const collection = await onAccount(ctx, accountId, {
    action: 'merchants.update_collection',
    details: { collection_reference: reference, fields: Object.keys(request) },
    intent: {
      operation: 'channelCollections.update',
      target: `${accountId}/${reference}`,
      nonce: intentSchema.parse(intentId),
    },
    fields: klarnaPaths,
    call: (api, key) => api.channelCollections.update(accountId, reference, request, { idempotencyKey: key }),
    timeline: () => ({ kind: 'channel_collection', summary: `Channel collection updated: ${reference}` }),
  });
  await afterChange(ctx, accountId);
  return collection;
}

export async function deleteCollection(ctx: MerchantCtx, accountId: string, reference: string): Promise<void> {
  guard(ctx, 'merchants.manage');
  await onAccount(ctx, accountId, {
    action: 'merchants.delete_collection',
    details: { collection_reference: reference },
    call: (api) => api.channelCollections.delete(accountId, reference),
    timeline: () => ({ kind: 'channel_collection', summary: `Channel collection deleted: ${reference}` }),
  });
  await afterChange(ctx, accountId);
}

/** One-time 60 s link identifying the user by internal id, never email (seed, "Creating a deep link"). The link
 * is a credential: returned once, never stored or logged. */
export async function openPortal(
  ctx: MerchantCtx,
  accountId: string,
  intentId: string,
): Promise<{ url: string; expiresAt: string }> {
  guard(ctx, 'merchants.portal');
  const link = await onAccount(ctx, accountId, {
    capability: 'merchants.portal',
    action: 'merchants.open_portal',
    details: { user_reference: ctx.actor.id },
    intent: {
      operation: 'portal.deepLink',
      target: `${accountId}/${ctx.actor.id}`,
      nonce: intentSchema.parse(intentId),
    },
    call: (api, key) => api.portal.deepLink(accountId, { user_reference: ctx.actor.id }, { idempotencyKey: key }),
  });
  return { url: link.url, expiresAt: link.expires_at };
}

export function channelLabel(channel: Pick<Channel, 'type' | 'name' | 'urls'>): string {
  const kind =
    channel.type === 'WEBSITE'
      ? 'website'
      : channel.type === 'PHYSICAL_STORE'
        ? 'physical store'
        : channel.type === 'MOBILE_APP'
          ? 'mobile app'
          : String(channel.type).toLowerCase();
  return `${kind} ${channel.name || channel.urls?.[0] || ''}`.trim();
}

export { listMerchants } from './cache';
