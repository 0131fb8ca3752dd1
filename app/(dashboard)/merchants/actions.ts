'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { actionClient } from '@/lib/action';
import { saveDraft } from '@/lib/merchants/drafts';
import {
  changePaymentProduct,
  createChannel,
  createCollection,
  deleteChannel,
  deleteCollection,
  onboardMerchant,
  openPortal,
  productChangeSchema,
  syncMerchants,
  updateAccount,
  updateBusinessInformation,
  updateChannel,
  updateCollection,
} from '@/lib/merchants/service';

// Bodies are checked by the services with Klarna's own wire schemas, so their errors name
// Klarna's parameter paths, which are the forms' field names. Here only the envelope is checked.
const accountId = z.string().trim().min(1).max(300);
const intentId = z.uuid();
const body = z.record(z.string(), z.unknown());

const manage = (name: string) => actionClient.metadata({ name, capability: 'merchants.manage' });
const onboard = (name: string) => actionClient.metadata({ name, capability: 'merchants.onboard' });
const refreshed = <T>(id: string | null, value: T) => {
  revalidatePath('/merchants');
  if (id) revalidatePath(`/merchants/${encodeURIComponent(id)}`);
  return value;
};

export const syncMerchantsAction = manage('syncMerchants')
  .inputSchema(z.object({}))
  .action(async ({ ctx }) => refreshed(null, await syncMerchants(ctx)));

export const saveDraftAction = onboard('saveOnboardingDraft')
  .inputSchema(z.object({ id: z.uuid().optional(), data: body, step: z.number().int().min(0).max(10) }))
  .action(async ({ parsedInput, ctx }) => {
    const row = await saveDraft(ctx, parsedInput);
    return { id: row.id, updatedAt: row.updatedAt.toISOString() };
  });

export const onboardMerchantAction = onboard('onboardMerchant')
  .inputSchema(z.object({ draftId: z.uuid(), request: body }))
  .action(async ({ parsedInput, ctx }) =>
    refreshed(null, await onboardMerchant(ctx, parsedInput.draftId, parsedInput.request)),
  );

export const updateAccountAction = manage('updateMerchantAccount')
  .inputSchema(z.object({ accountId, intentId, request: body }))
  .action(async ({ parsedInput: p, ctx }) =>
    refreshed(p.accountId, { account: await updateAccount(ctx, p.accountId, p.intentId, p.request) }),
  );

export const updateBusinessInformationAction = manage('updateBusinessInformation')
  .inputSchema(z.object({ accountId, intentId, request: body }))
  .action(async ({ parsedInput: p, ctx }) =>
    refreshed(p.accountId, {
      businessInformation: await updateBusinessInformation(ctx, p.accountId, p.intentId, p.request),
    }),
  );

export const changePaymentProductAction = manage('changePaymentProduct')
  .inputSchema(productChangeSchema.extend({ accountId }))
  .action(async ({ parsedInput: { accountId: id, ...input }, ctx }) =>
    refreshed(id, { product: await changePaymentProduct(ctx, id, input) }),
  );

export const createChannelAction = manage('createChannel')
  .inputSchema(z.object({ accountId, intentId, request: body }))
  .action(async ({ parsedInput: p, ctx }) =>
    refreshed(p.accountId, { channel: await createChannel(ctx, p.accountId, p.intentId, p.request) }),
  );

export const updateChannelAction = manage('updateChannel')
  .inputSchema(z.object({ accountId, channelId: z.string().min(1).max(300), intentId, request: body }))
  .action(async ({ parsedInput: p, ctx }) =>
    refreshed(p.accountId, { channel: await updateChannel(ctx, p.accountId, p.channelId, p.intentId, p.request) }),
  );

export const deleteChannelAction = manage('deleteChannel')
  .inputSchema(z.object({ accountId, channelId: z.string().min(1).max(300) }))
  .action(async ({ parsedInput: p, ctx }) =>
    refreshed(p.accountId, (await deleteChannel(ctx, p.accountId, p.channelId), { deleted: p.channelId })),
  );

export const createCollectionAction = manage('createChannelCollection')
  .inputSchema(z.object({ accountId, intentId, request: body }))
  .action(async ({ parsedInput: p, ctx }) =>
    refreshed(p.accountId, { collection: await createCollection(ctx, p.accountId, p.intentId, p.request) }),
  );

export const updateCollectionAction = manage('updateChannelCollection')
  .inputSchema(z.object({ accountId, reference: z.string().min(1).max(64), intentId, request: body }))
  .action(async ({ parsedInput: p, ctx }) =>
    refreshed(p.accountId, {
      collection: await updateCollection(ctx, p.accountId, p.reference, p.intentId, p.request),
    }),
  );

export const deleteCollectionAction = manage('deleteChannelCollection')
  .inputSchema(z.object({ accountId, reference: z.string().min(1).max(64) }))
  .action(async ({ parsedInput: p, ctx }) =>
    refreshed(p.accountId, (await deleteCollection(ctx, p.accountId, p.reference), { deleted: p.reference })),
  );

/** Never prefetched: the link is created when the user clicks, and opened at once. */
export const openPortalAction = actionClient
  .metadata({ name: 'openKlarnaPortal', capability: 'merchants.portal' })
  .inputSchema(z.object({ accountId, intentId }))
  .action(async ({ parsedInput: p, ctx }) => openPortal(ctx, p.accountId, p.intentId));
