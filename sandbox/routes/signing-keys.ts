import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MAX_SIGNING_KEYS } from '../../lib/klarna/schemas/management';
import { parseWith, sandboxErrors } from '../errors';
import { ids } from '../state/ids';
import type { RouteGroup } from './types';

// The seed prints no request body for creating a key; accept none or an empty object.
const signingKeyCreateRequestSchema = z.strictObject({});

/** Seed, "Create and manage signing keys": at most 50 per account; the key is shown once. */
export const signingKeysRoutes: RouteGroup = {
  'signingKeys.create': ({ sandbox, body }) => {
    parseWith(signingKeyCreateRequestSchema, body);
    const keys = sandbox.store.data.signing_keys;
    if (Object.keys(keys).length >= MAX_SIGNING_KEYS) {
      throw sandboxErrors.conflict(
        `There is a maximum of ${MAX_SIGNING_KEYS} signing keys per account; delete an unused one first.`,
      );
    }
    const record = { signing_key_id: ids.signingKey(), signing_key: randomUUID(), created_at: sandbox.clock.iso() };
    keys[record.signing_key_id] = record;
    sandbox.store.changed();
    return { status: 200, body: record };
  },
  'signingKeys.list': ({ sandbox }) => ({
    status: 200,
    body: {
      signing_keys: Object.values(sandbox.store.data.signing_keys).map((k) => ({
        signing_key_id: k.signing_key_id,
        created_at: k.created_at,
      })),
    },
  }),
  'signingKeys.get': ({ sandbox, params }) => {
    const key = sandbox.store.data.signing_keys[params.signing_key_id!];
    if (!key) throw sandboxErrors.resourceNotFound(`Signing key ${params.signing_key_id}`);
    return { status: 200, body: { signing_key_id: key.signing_key_id, created_at: key.created_at } };
  },
  // The seed has no rule against deleting a key a webhook uses (Management API test case 8
  // deletes one and then checks whether webhooks still work). Such a webhook keeps the deleted
  // key: its events are still signed with it, so a receiver that dropped the key rejects them
  // and they fail after Klarna's retries (docs/klarna-decisions.md).
  'signingKeys.delete': ({ sandbox, params }) => {
    const data = sandbox.store.data;
    const id = params.signing_key_id!;
    const key = data.signing_keys[id];
    if (!key) throw sandboxErrors.resourceNotFound(`Signing key ${id}`);
    if (Object.values(data.webhooks).some((w) => w.signing_key_id === id)) (data.deleted_signing_keys ??= {})[id] = key;
    delete data.signing_keys[id];
    sandbox.store.changed();
    return { status: 204 };
  },
};
