import 'server-only';
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { onboardingDrafts, type MerchantAccountRow } from '@/db/schema';
import { recordAudit, type AuditAction } from '@/lib/audit';
import { assertCan, type Actor } from '@/lib/auth/guard';
import type { Capability } from '@/lib/auth/roles';
import { callKlarna, klarnaFor } from '@/lib/credentials/connection';
import type { ServiceContext } from '@/lib/context';
import { InputError, KlarnaNotConfiguredError, KlarnaRefusedError, NotFoundError } from '@/lib/errors';
import type { KlarnaApi } from '@/lib/klarna/api';
import { idempotencyKey } from '@/lib/klarna/idempotency';
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

const identity = (parameter: string) => parameter;

/** Every change made here carries a per-form intent id, so a double submit reaches Klarna once. */
export const intentSchema = z.uuid('missing form intent id');

async function klarna(ctx: MerchantCtx): Promise<KlarnaApi> {
  return klarnaFor(ctx.db, ctx.settings);
}

async function audited<T>(
  ctx: MerchantCtx,
  entry: { action: AuditAction; accountId: string; details?: Record<string, unknown>; idempotencyKey?: string },
  run: () => Promise<T>,
): Promise<T> {
  try {
    const result = await run();
    await recordAudit(ctx.db, {
      actor: ctx.actor ?? 'system',
      action: entry.action,
      target: { type: 'merchant_account', id: entry.accountId },
      details: entry.details,
      requestId: ctx.requestId,
      idempotencyKey: entry.idempotencyKey,
    });
    return result;
  } catch (error) {
    if (error instanceof KlarnaRefusedError) {
      await recordAudit(ctx.db, {
        actor: ctx.actor ?? 'system',
        action: entry.action,
        target: { type: 'merchant_account', id: entry.accountId },
        outcome: 'failure',
        details: { ...entry.details, error: error.message },
        requestId: ctx.requestId,
        klarnaErrorId: error.klarnaErrorId,
        idempotencyKey: entry.idempotencyKey,
      });
    }
    throw error;
  }
}

function guard(ctx: MerchantCtx, capability: Capability): asserts ctx is MerchantCtx & { actor: Actor } {
  assertCan(ctx.actor, capability);
}

/** Reads the account and its channels from Klarna and stores them in the cache. */
export async function refreshMerchant(
  ctx: MerchantCtx,
  accountId: string,
  source: 'dashboard' | 'sync' = 'sync',
): Promise<MerchantAccountRow> {
  const api = await klarna(ctx);
  const readAt = new Date();
  const [account, channels] = await Promise.all([
    callKlarna(() => api.accounts.get(accountId)),
    callKlarna(() => api.channels.list(accountId)),
  ]);
  return saveAccount(ctx.db, account, { channelsCount: channels.channels.length, source, readAt });
}

/** "Sync from Klarna": every account Klarna lists for this partner, page by page, into the cache. */
export async function syncMerchants(ctx: MerchantCtx): Promise<{ accounts: number; added: number }> {
  guard(ctx, 'merchants.manage');
  const api = await klarna(ctx);
  let startingAfter: string | undefined;
  let accounts = 0;
  let added = 0;
  for (;;) {
    const page = await callKlarna(() => api.accounts.list({ limit: ACCOUNT_LIST_MAX, startingAfter }));
    for (const account of page.accounts) {
      const known = await getCachedMerchant(ctx.db, account.account_id);
      const channels = await callKlarna(() => api.channels.list(account.account_id));
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
  /** Klarna's current view; null with `error` when Klarna could not be read. */
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

/** The merchant page: the cached row plus everything Klarna holds for the account, read now. */
export async function loadMerchantDetail(ctx: MerchantCtx, accountId: string): Promise<MerchantDetail> {
  assertCan(ctx.actor, 'dashboard.read');
  const cached = await getCachedMerchant(ctx.db, accountId);
  try {
    const api = await klarna(ctx);
    const readAt = new Date();
    // The account first: when Klarna cannot be reached, one call finds out (not six retrying).
    const account = await callKlarna(() => api.accounts.get(accountId));
    const [businessInformation, channels, collections, plans, configs] = await Promise.all([
      callKlarna(() => api.businessInformation.get(accountId)),
      callKlarna(() => api.channels.list(accountId)),
      callKlarna(() => api.channelCollections.list(accountId)),
      callKlarna(() => api.pricePlans.list()),
      callKlarna(() => api.settlementConfigurations.list()),
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

/** The onboarding wizard's choices that come from Klarna: price plans, settlement configurations, distribution profiles. */
export async function onboardingOptions(ctx: MerchantCtx) {
  guard(ctx, 'merchants.onboard');
  const api = await klarna(ctx);
  const [plans, configs, profiles] = await Promise.all([
    callKlarna(() => api.pricePlans.list()),
    callKlarna(() => api.settlementConfigurations.list()),
    callKlarna(() => api.distributionProfiles.list()),
  ]);
  return {
    pricePlans: plans.price_plans,
    settlementConfigurations: configs.settlement_configurations,
    distributionProfiles: profiles.distribution_profiles,
  };
}

/** Onboards a merchant from a draft; Klarna's field errors land on the wizard's fields, named by Klarna's paths. */
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
  // Keyed by draft and exact body: a double submit creates one account, while a corrected body gets a new
  // key (Klarna replays any answer, refusals included, for a key it has seen).
  const bodyHash = createHash('sha256').update(JSON.stringify(request)).digest('base64url');
  const key = idempotencyKey({ operation: 'accounts.onboard', target: `draft:${draftId}`, nonce: bodyHash });
  const api = await klarna(ctx);
  const { account_id: accountId } = await audited(
    ctx,
    {
      action: 'merchants.onboard',
      accountId: draft.accountId ?? `draft:${draftId}`,
      details: { account_name: request.account_name, account_reference: request.account_reference, draft_id: draftId },
      idempotencyKey: key,
    },
    () => callKlarna(() => api.accounts.onboard(request, { idempotencyKey: key }), identity),
  );
  const channels =
    (request.channel.websites?.length ?? 0) +
    (request.channel['physical-stores']?.length ?? 0) +
    (request.channel['mobile-apps']?.length ?? 0);
  const account = await callKlarna(() => api.accounts.get(accountId));
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

/** After a change: record it on the timeline and refresh the cache from Klarna. */
async function afterChange(
  ctx: MerchantCtx & { actor: Actor },
  accountId: string,
  kind: string,
  summary: string,
  details: Record<string, unknown> = {},
) {
  await addTimeline(ctx.db, {
    accountId,
    occurredAt: new Date(),
    source: 'dashboard',
    kind,
    summary,
    actorId: ctx.actor.id,
    actorEmail: ctx.actor.email,
    details,
  });
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
  const key = idempotencyKey({ operation: 'accounts.update', target: accountId, nonce: intentSchema.parse(intentId) });
  const api = await klarna(ctx);
  const account = await audited(
    ctx,
    { action: 'merchants.update_account', accountId, details: { fields: Object.keys(request) }, idempotencyKey: key },
    () => callKlarna(() => api.accounts.update(accountId, request, { idempotencyKey: key }), identity),
  );
  await afterChange(ctx, accountId, 'account_updated', `Account details updated (${Object.keys(request).join(', ')})`);
  return account;
}

export async function updateBusinessInformation(ctx: MerchantCtx, accountId: string, intentId: string, body: unknown) {
  guard(ctx, 'merchants.manage');
  const request = parseInput(businessInformationUpdateSchema, body);
  if (Object.keys(request).length === 0) throw new InputError('Nothing to update.');
  const key = idempotencyKey({
    operation: 'businessInformation.update',
    target: accountId,
    nonce: intentSchema.parse(intentId),
  });
  const api = await klarna(ctx);
  const result = await audited(
    ctx,
    {
      action: 'merchants.update_business_information',
      accountId,
      details: { fields: Object.keys(request) },
      idempotencyKey: key,
    },
    () => callKlarna(() => api.businessInformation.update(accountId, request, { idempotencyKey: key }), identity),
  );
  await afterChange(
    ctx,
    accountId,
    'business_information_updated',
    `Business information updated (${Object.keys(request).join(', ')})`,
  );
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
  const key = idempotencyKey({ operation: `paymentProduct.${action}`, target: accountId, nonce: intentId });
  const api = await klarna(ctx);
  const product = await audited(
    ctx,
    {
      action: action === 'disable' ? 'merchants.disable_product' : 'merchants.enable_product',
      accountId,
      details: { reason },
      idempotencyKey: key,
    },
    () =>
      callKlarna(() =>
        action === 'disable'
          ? api.paymentProduct.disable(accountId, { idempotencyKey: key })
          : api.paymentProduct.enable(accountId, { idempotencyKey: key }),
      ),
  );
  await afterChange(
    ctx,
    accountId,
    'product_state',
    `Payment product ${action === 'disable' ? 'disabled' : 'enabled'} here: ${reason}`,
    { reason, state: product.state },
  );
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
  const key = idempotencyKey({ operation: 'channels.create', target: accountId, nonce: intentSchema.parse(intentId) });
  const api = await klarna(ctx);
  const channel = await audited(
    ctx,
    {
      action: 'merchants.create_channel',
      accountId,
      details: { type: request.type, name: request.name ?? null },
      idempotencyKey: key,
    },
    () => callKlarna(() => api.channels.create(accountId, request, { idempotencyKey: key }), identity),
  );
  await afterChange(ctx, accountId, 'channel', `Channel added: ${channelLabel(channel)}`, {
    channel_id: channel.channel_id,
  });
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
  const key = idempotencyKey({
    operation: 'channels.update',
    target: `${accountId}/${channelId}`,
    nonce: intentSchema.parse(intentId),
  });
  const api = await klarna(ctx);
  const channel = await audited(
    ctx,
    {
      action: 'merchants.update_channel',
      accountId,
      details: { channel_id: channelId, fields: Object.keys(request) },
      idempotencyKey: key,
    },
    () => callKlarna(() => api.channels.update(accountId, channelId, request, { idempotencyKey: key }), identity),
  );
  await afterChange(ctx, accountId, 'channel', `Channel updated: ${channelLabel(channel)}`, { channel_id: channelId });
  return channel;
}

export async function deleteChannel(ctx: MerchantCtx, accountId: string, channelId: string): Promise<void> {
  guard(ctx, 'merchants.manage');
  const api = await klarna(ctx);
  await audited(ctx, { action: 'merchants.delete_channel', accountId, details: { channel_id: channelId } }, () =>
    callKlarna(() => api.channels.delete(accountId, channelId)),
  );
  await afterChange(ctx, accountId, 'channel', `Channel deleted (${channelId})`, { channel_id: channelId });
}

export async function createCollection(
  ctx: MerchantCtx,
  accountId: string,
  intentId: string,
  body: unknown,
): Promise<ChannelCollection> {
  guard(ctx, 'merchants.manage');
  const request = parseInput(channelCollectionCreateRequestSchema, body);
  const key = idempotencyKey({
    operation: 'channelCollections.create',
    target: accountId,
    nonce: intentSchema.parse(intentId),
  });
  const api = await klarna(ctx);
  const collection = await audited(
    ctx,
    {
      action: 'merchants.create_collection',
      accountId,
      details: { collection_reference: request.collection_reference },
      idempotencyKey: key,
    },
    () => callKlarna(() => api.channelCollections.create(accountId, request, { idempotencyKey: key }), identity),
  );
  await afterChange(ctx, accountId, 'channel_collection', `Channel collection added: ${request.collection_reference}`);
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
  const key = idempotencyKey({
    operation: 'channelCollections.update',
    target: `${accountId}/${reference}`,
    nonce: intentSchema.parse(intentId),
  });
  const api = await klarna(ctx);
  const collection = await audited(
    ctx,
    {
      action: 'merchants.update_collection',
      accountId,
      details: { collection_reference: reference, fields: Object.keys(request) },
      idempotencyKey: key,
    },
    () =>
      callKlarna(() => api.channelCollections.update(accountId, reference, request, { idempotencyKey: key }), identity),
  );
  await afterChange(ctx, accountId, 'channel_collection', `Channel collection updated: ${reference}`);
  return collection;
}

export async function deleteCollection(ctx: MerchantCtx, accountId: string, reference: string): Promise<void> {
  guard(ctx, 'merchants.manage');
  const api = await klarna(ctx);
  await audited(
    ctx,
    { action: 'merchants.delete_collection', accountId, details: { collection_reference: reference } },
    () => callKlarna(() => api.channelCollections.delete(accountId, reference)),
  );
  await afterChange(ctx, accountId, 'channel_collection', `Channel collection deleted: ${reference}`);
}

/**
 * "Open Klarna portal": a one-time 60 s link identifying the user by internal id, never email (seed,
 * "Creating a deep link"). The link is a credential: returned once, never stored or logged.
 */
export async function openPortal(
  ctx: MerchantCtx,
  accountId: string,
  intentId: string,
): Promise<{ url: string; expiresAt: string }> {
  guard(ctx, 'merchants.portal');
  const key = idempotencyKey({
    operation: 'portal.deepLink',
    target: `${accountId}/${ctx.actor.id}`,
    nonce: intentSchema.parse(intentId),
  });
  const api = await klarna(ctx);
  const link = await audited(
    ctx,
    { action: 'merchants.open_portal', accountId, details: { user_reference: ctx.actor.id }, idempotencyKey: key },
    () => callKlarna(() => api.portal.deepLink(accountId, { user_reference: ctx.actor.id }, { idempotencyKey: key })),
  );
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

/** The merchant list, for other areas (which reach merchants only through this module). */
export { listMerchants } from './cache';
