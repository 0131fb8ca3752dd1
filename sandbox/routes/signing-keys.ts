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
      throw sandboxErrors.conflict(`There is a maximum of ${MAX_SIGNING_KEYS} signing keys per account; delete an unused one first.`);
    }
    const record = { signing_key_id: ids.signingKey(), signing_key: randomUUID(), created_at: sandbox.clock.iso() };
    keys[record.signing_key_id] = record;
    sandbox.store.changed();
    return { status: 200, body: record };
  },
  'signingKeys.list': ({ sandbox }) => ({
    status: 200,
    body: { signing_keys: Object.values(sandbox.store.data.signing_keys).map((k) => ({ signing_key_id: k.signing_key_id, created_at: k.created_at })) },
  }),
  'signingKeys.delete': ({ sandbox, params }) => {
    const id = params.signing_key_id!;
    if (!sandbox.store.data.signing_keys[id]) throw sandboxErrors.resourceNotFound(`Signing key ${id}`);
    const users = Object.values(sandbox.store.data.webhooks).filter((w) => w.signing_key_id === id);
    if (users.length) {
      throw sandboxErrors.conflict(`Signing key ${id} is used by ${users.length === 1 ? 'webhook' : 'webhooks'} ${users.map((w) => w.webhook_id).join(', ')}; point them at another key first.`);
    }
    delete sandbox.store.data.signing_keys[id];
    sandbox.store.changed();
    return { status: 204 };
  },
};
