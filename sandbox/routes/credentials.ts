import { credentialCreateRequestSchema } from '../../lib/klarna/schemas/management';
import { parseWith, sandboxErrors } from '../errors';
import { ids } from '../state/ids';
import type { CredentialRecord } from '../state/types';
import type { RouteGroup } from './types';

/** Credentials as listed: never the secret. */
export function publicCredential(c: CredentialRecord) {
  return {
    credential_id: c.credential_id,
    type: c.type,
    environment: c.environment,
    description: c.description,
    created_at: c.created_at,
  };
}

/** Stores a new credential with a fresh secret (also used by the bootstrap control call). */
export function createCredential(
  store: { data: { credentials: Record<string, CredentialRecord> }; changed(): void },
  now: string,
  input: { type: 'API' | 'CLIENT'; environment: 'TEST' | 'LIVE'; description?: string | null },
) {
  const record: CredentialRecord = {
    credential_id: ids.credential(),
    type: input.type,
    environment: input.environment,
    description: input.description ?? null,
    created_at: now,
    secret: input.type === 'API' ? ids.apiKey(input.environment) : ids.clientId(input.environment),
  };
  store.data.credentials[record.credential_id] = record;
  store.changed();
  return record;
}

/** Seed, "Account credential management": create (secret shown once), list, delete. */
export const credentialsRoutes: RouteGroup = {
  'credentials.create': ({ sandbox, body }) => {
    const input = parseWith(credentialCreateRequestSchema, body);
    const record = createCredential(sandbox.store, sandbox.clock.iso(), input);
    // The secret comes back this once (field names ours: klarna-api-notes.md).
    return {
      status: 200,
      body: {
        ...publicCredential(record),
        ...(record.type === 'API' ? { api_key: record.secret } : { client_id: record.secret }),
      },
    };
  },
  'credentials.list': ({ sandbox }) => ({
    status: 200,
    body: { credentials: Object.values(sandbox.store.data.credentials).map(publicCredential) },
  }),
  'credentials.delete': ({ sandbox, params }) => {
    const id = params.credential_id!;
    if (!sandbox.store.data.credentials[id]) throw sandboxErrors.resourceNotFound(`Credential ${id}`);
    delete sandbox.store.data.credentials[id];
    sandbox.store.changed();
    return { status: 204 };
  },
};
