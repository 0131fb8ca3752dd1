import {
  channelCollectionCreateRequestSchema,
  channelCollectionUpdateRequestSchema,
  channelCreateRequestSchema,
  channelUpdateRequestSchema,
  MAX_WEBSITE_CHANNELS,
  type ChannelUpdateRequest,
} from '../../lib/klarna/schemas/accounts';
import { parseWith, sandboxErrors } from '../errors';
import {
  getAccountOrThrow,
  getOwn,
  newChannel,
  publicChannel,
  publicCollection,
  requireManageable,
  setOwn,
} from '../state/accounts';
import type { AccountRecord, ChannelCollectionRecord, ChannelRecord } from '../state/types';
import type { RouteGroup } from './types';

/** The fields of a channel update each channel type has (the type itself never changes). */
const updatableFields: Record<ChannelRecord['type'], (keyof ChannelUpdateRequest)[]> = {
  WEBSITE: ['name', 'urls', 'collection_reference'],
  PHYSICAL_STORE: ['name', 'address', 'collection_reference'],
  MOBILE_APP: ['name', 'app_store_urls', 'collection_reference'],
};
const typeLabel: Record<ChannelRecord['type'], string> = {
  WEBSITE: 'website',
  PHYSICAL_STORE: 'physical store',
  MOBILE_APP: 'mobile app',
};

function requireChannel(account: AccountRecord, channelId: string): ChannelRecord {
  const channel = getOwn(account.channels, channelId);
  if (!channel) throw sandboxErrors.resourceNotFound(`Channel ${channelId} of account ${account.account_id}`);
  return channel;
}

function requireCollection(account: AccountRecord, reference: string): ChannelCollectionRecord {
  const collection = getOwn(account.channel_collections, reference);
  if (!collection)
    throw sandboxErrors.resourceNotFound(`Channel collection ${reference} of account ${account.account_id}`);
  return collection;
}

function requireKnownCollection(account: AccountRecord, reference: string | null | undefined): void {
  if (reference && !getOwn(account.channel_collections, reference)) {
    throw sandboxErrors.validation([
      {
        parameter: 'collection_reference',
        error_message: `account ${account.account_id} has no channel collection ${reference}; create it first`,
      },
    ]);
  }
}

function channelLabel(c: ChannelRecord): string {
  return c.name ? `${c.channel_id} (${c.name})` : c.channel_id;
}

/**
 * Channels and channel collections of an account (seed, "Channel types and management",
 * "Channel collections"): at least one channel, at most one website, and a collection can be
 * assigned to channels once it exists.
 */
export const channelsRoutes: RouteGroup = {
  'channels.list': ({ sandbox, params }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    return { status: 200, body: { channels: Object.values(account.channels).map(publicChannel) } };
  },

  'channels.create': ({ sandbox, params, body }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    requireManageable(account);
    const input = parseWith(channelCreateRequestSchema, body);
    if (
      input.type === 'WEBSITE' &&
      Object.values(account.channels).filter((c) => c.type === 'WEBSITE').length >= MAX_WEBSITE_CHANNELS
    ) {
      throw sandboxErrors.validation([
        { parameter: 'type', error_message: 'an account can have only one website channel' },
      ]);
    }
    requireKnownCollection(account, input.collection_reference);
    const channel = newChannel(input, sandbox.clock.iso());
    account.channels[channel.channel_id] = channel;
    sandbox.store.changed();
    return { status: 200, body: publicChannel(channel) };
  },

  'channels.get': ({ sandbox, params }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    return { status: 200, body: publicChannel(requireChannel(account, params.channel_id!)) };
  },

  'channels.update': ({ sandbox, params, body }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    requireManageable(account);
    const channel = requireChannel(account, params.channel_id!);
    const input = parseWith(channelUpdateRequestSchema, body);
    const allowed = updatableFields[channel.type];
    const misplaced = (Object.keys(input) as (keyof ChannelUpdateRequest)[]).filter(
      (field) => input[field] !== undefined && !allowed.includes(field),
    );
    const errors = misplaced.map((field) => ({
      parameter: field,
      error_message: `does not apply to a ${typeLabel[channel.type]} channel`,
    }));
    // A website's name is optional (empty clears it); stores and apps must keep one.
    if (input.name === '' && channel.type !== 'WEBSITE')
      errors.push({ parameter: 'name', error_message: 'is required' });
    if (errors.length) throw sandboxErrors.validation(errors);
    requireKnownCollection(account, input.collection_reference);

    if (input.name !== undefined) channel.name = input.name || null;
    if (input.urls !== undefined) channel.urls = input.urls;
    if (input.address !== undefined) channel.address = input.address;
    if (input.app_store_urls !== undefined) channel.app_store_urls = input.app_store_urls;
    if (input.collection_reference !== undefined) channel.collection_reference = input.collection_reference;
    channel.updated_at = sandbox.clock.iso();
    sandbox.store.changed();
    return { status: 200, body: publicChannel(channel) };
  },

  'channels.delete': ({ sandbox, params }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    requireManageable(account);
    const channel = requireChannel(account, params.channel_id!);
    if (Object.keys(account.channels).length <= 1) {
      // Seed: "Each partner account must have at least one channel."
      throw sandboxErrors.conflict(
        `Channel ${channel.channel_id} is the only channel of account ${account.account_id}, and an account must have at least one channel; create another first.`,
      );
    }
    delete account.channels[channel.channel_id];
    sandbox.store.changed();
    return { status: 204 };
  },

  'channelCollections.list': ({ sandbox, params }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    return {
      status: 200,
      body: { channel_collections: Object.values(account.channel_collections).map(publicCollection) },
    };
  },

  'channelCollections.create': ({ sandbox, params, body }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    requireManageable(account);
    const input = parseWith(channelCollectionCreateRequestSchema, body);
    if (getOwn(account.channel_collections, input.collection_reference)) {
      throw sandboxErrors.conflict(
        `Account ${account.account_id} already has a channel collection ${input.collection_reference}; update it or choose another reference.`,
      );
    }
    const now = sandbox.clock.iso();
    const collection: ChannelCollectionRecord = {
      collection_reference: input.collection_reference,
      branding: input.branding ?? null,
      support: input.support ?? null,
      social_links: input.social_links ?? null,
      created_at: now,
      updated_at: now,
    };
    setOwn(account.channel_collections, collection.collection_reference, collection);
    sandbox.store.changed();
    return { status: 200, body: publicCollection(collection) };
  },

  'channelCollections.get': ({ sandbox, params }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    return { status: 200, body: publicCollection(requireCollection(account, params.collection_reference!)) };
  },

  'channelCollections.update': ({ sandbox, params, body }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    requireManageable(account);
    const collection = requireCollection(account, params.collection_reference!);
    const input = parseWith(channelCollectionUpdateRequestSchema, body);
    // Each section given replaces the stored one whole; sections not given stay.
    if (input.branding !== undefined) collection.branding = input.branding;
    if (input.support !== undefined) collection.support = input.support;
    if (input.social_links !== undefined) collection.social_links = input.social_links;
    collection.updated_at = sandbox.clock.iso();
    sandbox.store.changed();
    return { status: 200, body: publicCollection(collection) };
  },

  'channelCollections.delete': ({ sandbox, params }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    requireManageable(account);
    const collection = requireCollection(account, params.collection_reference!);
    const users = Object.values(account.channels).filter(
      (c) => c.collection_reference === collection.collection_reference,
    );
    if (users.length) {
      throw sandboxErrors.conflict(
        `Channel collection ${collection.collection_reference} is assigned to ${users.length === 1 ? 'channel' : 'channels'} ${users.map(channelLabel).join(', ')}; unassign it first.`,
      );
    }
    delete account.channel_collections[collection.collection_reference];
    sandbox.store.changed();
    return { status: 204 };
  },
};
