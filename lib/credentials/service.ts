import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, desc, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { klarnaCredentials, klarnaEnvironments, type KlarnaCredentialRow, type KlarnaEnvironment } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { assertCan } from '@/lib/auth/guard';
import type { ServiceContext } from '@/lib/context';
import { ConflictError, InputError, KlarnaRefusedError, NotFoundError } from '@/lib/errors';
import { KlarnaApiError } from '@/lib/klarna/errors';
import { klarnaOperation } from '@/lib/klarna-operation';
import type { Credential } from '@/lib/klarna/schemas/management';
import { activeApiKey, klarnaWithKey, openApiKey, sealApiKey } from './connection';

type Ctx = ServiceContext;

/** What the browser may see of a stored key: never the key, only its last four characters. */
export type StoredCredential = Omit<KlarnaCredentialRow, 'apiKeySealed'>;
const publicColumns = {
  id: klarnaCredentials.id,
  environment: klarnaCredentials.environment,
  label: klarnaCredentials.label,
  last4: klarnaCredentials.last4,
  klarnaCredentialId: klarnaCredentials.klarnaCredentialId,
  active: klarnaCredentials.active,
  createdBy: klarnaCredentials.createdBy,
  createdAt: klarnaCredentials.createdAt,
  verifiedAt: klarnaCredentials.verifiedAt,
};

/** Keys are `klarna_<live|test>_api_<random>` (seed, "Configure account credentials"). */
export function apiKeyShapeFor(environment: KlarnaEnvironment): RegExp {
  return environment === 'live' ? /^klarna_live_api_[A-Za-z0-9_-]{8,}$/ : /^klarna_test_api_[A-Za-z0-9_-]{8,}$/;
}

export const addCredentialInputSchema = z
  .object({
    environment: z.enum(klarnaEnvironments),
    label: z.string().trim().min(1, 'Give the key a name').max(100, 'At most 100 characters'),
    apiKey: z.string().trim().min(1, 'Paste the API key'),
  })
  .superRefine((input, ctx) => {
    if (!apiKeyShapeFor(input.environment).test(input.apiKey)) {
      ctx.addIssue({
        code: 'custom',
        path: ['apiKey'],
        message: `A ${input.environment} API key starts with ${input.environment === 'live' ? 'klarna_live_api_' : 'klarna_test_api_'}`,
      });
    }
  });
export type AddCredentialInput = z.infer<typeof addCredentialInputSchema>;

export async function listStoredCredentials(ctx: Pick<Ctx, 'db' | 'actor'>): Promise<StoredCredential[]> {
  assertCan(ctx.actor, 'credentials.manage');
  return ctx.db
    .select(publicColumns)
    .from(klarnaCredentials)
    .orderBy(desc(klarnaCredentials.active), desc(klarnaCredentials.createdAt));
}

export async function listKlarnaCredentials(ctx: Ctx): Promise<Credential[]> {
  assertCan(ctx.actor, 'credentials.manage');
  const { apiKey } = await activeApiKey(ctx.db, ctx.settings);
  const { credentials } = await klarnaWithKey(ctx.db, ctx.settings, apiKey).credentials.list();
  return credentials;
}

/** Stores a key from Klarna after proving Klarna accepts it; an environment's first key becomes active. */
export async function addCredential(ctx: Ctx, input: AddCredentialInput): Promise<StoredCredential> {
  assertCan(ctx.actor, 'credentials.manage');
  if (input.environment === ctx.settings.environment) {
    try {
      await klarnaWithKey(ctx.db, ctx.settings, input.apiKey).credentials.list();
    } catch (error) {
      const said = error instanceof KlarnaRefusedError ? error.klarnaError : null;
      if (said instanceof KlarnaApiError && (said.status === 401 || said.status === 403)) {
        throw new InputError('Klarna did not accept this key.', {
          apiKey: [
            `Klarna answered ${said.errorCode ?? said.status}${said.errorId ? ` (error id ${said.errorId})` : ''}. Check that it is a ${input.environment} API key and has not been deleted.`,
          ],
        });
      }
      throw error;
    }
  }
  return storeCredential(
    ctx,
    { ...input, klarnaCredentialId: null, verified: input.environment === ctx.settings.environment },
    'credentials.add',
  );
}

type StoreInput = AddCredentialInput & { klarnaCredentialId: string | null; verified: boolean; activate?: boolean };

async function storeCredential(
  ctx: Ctx,
  input: StoreInput,
  action: 'credentials.add' | 'credentials.create' | 'credentials.rotate',
) {
  return ctx.db.transaction(async (tx) => {
    const { row, audit } = await writeCredential(ctx, tx, input);
    await recordAudit(tx, { actor: ctx.actor ?? 'system', action, ...audit, requestId: ctx.requestId });
    return row;
  });
}

/** Stores a key in `tx` (the first of its environment, or `activate`, becomes active); returns its audit target and details. */
async function writeCredential(ctx: Ctx, tx: Db, input: StoreInput) {
  const id = randomUUID();
  const [current] = await tx
    .select({ id: klarnaCredentials.id })
    .from(klarnaCredentials)
    .where(and(eq(klarnaCredentials.environment, input.environment), eq(klarnaCredentials.active, true)));
  const activate = input.activate || !current;
  if (activate && current)
    await tx.update(klarnaCredentials).set({ active: false }).where(eq(klarnaCredentials.id, current.id));
  const [row] = await tx
    .insert(klarnaCredentials)
    .values({
      id,
      environment: input.environment,
      label: input.label,
      apiKeySealed: sealApiKey(id, input.apiKey, ctx.settings.keyring),
      last4: input.apiKey.slice(-4),
      klarnaCredentialId: input.klarnaCredentialId,
      active: activate,
      createdBy: ctx.actor?.id ?? null,
      verifiedAt: input.verified ? new Date() : null,
    })
    .returning(publicColumns);
  const audit = {
    target: { type: 'klarna_credential', id },
    details: {
      environment: input.environment,
      label: input.label,
      last4: row!.last4,
      active: activate,
      klarnaCredentialId: input.klarnaCredentialId,
      ...(current && activate ? { replaced: current.id } : {}),
    },
  };
  return { row: row!, audit };
}

export const createAtKlarnaInputSchema = z.object({
  description: z.string().trim().min(1, 'Describe what the key is for').max(100, 'At most 100 characters'),
  type: z.enum(['API', 'CLIENT']),
  intentId: z.uuid(),
});

export async function createCredentialAtKlarna(
  ctx: Ctx,
  input: z.infer<typeof createAtKlarnaInputSchema>,
): Promise<{ credential: Credential; stored: StoredCredential | null }> {
  assertCan(ctx.actor, 'credentials.manage');
  const { apiKey } = await activeApiKey(ctx.db, ctx.settings);
  let stored: StoredCredential | null = null;
  const credential = await klarnaOperation(ctx, {
    capability: 'credentials.manage',
    intent: { operation: 'credentials.create', target: ctx.settings.environment, nonce: input.intentId },
    audit: { action: 'credentials.create', details: { type: input.type, description: input.description } },
    klarna: () => klarnaWithKey(ctx.db, ctx.settings, apiKey),
    fields: { description: 'description' },
    call: (api, key) =>
      api.credentials.create(
        {
          description: input.description,
          type: input.type,
          environment: ctx.settings.environment === 'live' ? 'LIVE' : 'TEST',
        },
        { idempotencyKey: key },
      ),
    // An API key is sealed at once: Klarna shows it only in this answer.
    record: async (created, tx) => {
      if (!(input.type === 'API' && created.api_key))
        return { target: { type: 'klarna_credential', id: created.credential_id } };
      const written = await writeCredential(ctx, tx, {
        environment: ctx.settings.environment,
        label: input.description,
        apiKey: created.api_key,
        klarnaCredentialId: created.credential_id,
        verified: false,
      });
      stored = written.row;
      return { target: written.audit.target, details: written.audit.details };
    },
  });
  // A repeated intent gets Klarna's first answer again: the key stored then.
  stored ??= input.type === 'API' ? await storedByKlarnaId(ctx.db, credential.credential_id) : null;
  return { credential: { ...credential, api_key: undefined }, stored };
}

async function storedByKlarnaId(db: Db, klarnaCredentialId: string): Promise<StoredCredential | null> {
  const [row] = await db
    .select(publicColumns)
    .from(klarnaCredentials)
    .where(eq(klarnaCredentials.klarnaCredentialId, klarnaCredentialId))
    .limit(1);
  return row ?? null;
}

async function getStoredOrThrow(db: Db, id: string): Promise<KlarnaCredentialRow> {
  const [row] = await db.select().from(klarnaCredentials).where(eq(klarnaCredentials.id, id)).limit(1);
  if (!row) throw new NotFoundError('That API key is no longer stored here.');
  return row;
}

export async function activateCredential(ctx: Ctx, id: string): Promise<void> {
  assertCan(ctx.actor, 'credentials.manage');
  const row = await getStoredOrThrow(ctx.db, id);
  if (row.active) return;
  if (row.environment === ctx.settings.environment) {
    await klarnaWithKey(ctx.db, ctx.settings, openApiKey(row, ctx.settings.keyring)).credentials.list();
  }
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(klarnaCredentials)
      .set({ active: false })
      .where(and(eq(klarnaCredentials.environment, row.environment), eq(klarnaCredentials.active, true)));
    await tx
      .update(klarnaCredentials)
      .set({ active: true, verifiedAt: new Date() })
      .where(eq(klarnaCredentials.id, id));
    await recordAudit(tx, {
      actor: ctx.actor ?? 'system',
      action: 'credentials.activate',
      target: { type: 'klarna_credential', id },
      details: { environment: row.environment, last4: row.last4 },
      requestId: ctx.requestId,
    });
  });
}

/** Rotation, first half (seed, "For rotating credentials"): create, prove and switch to a new API key. */
export async function rotateCredential(
  ctx: Ctx,
  input: { intentId: string },
): Promise<{ created: StoredCredential; previous: StoredCredential }> {
  assertCan(ctx.actor, 'credentials.manage');
  const current = await activeApiKey(ctx.db, ctx.settings);
  const previous = await getStoredOrThrow(ctx.db, current.id);
  const description = `Rotated from …${previous.last4} on ${new Date().toISOString().slice(0, 10)}`;
  let created: StoredCredential | null = null;
  const credential = await klarnaOperation(ctx, {
    capability: 'credentials.manage',
    intent: { operation: 'credentials.rotate', target: current.id, nonce: input.intentId },
    audit: { action: 'credentials.rotate' },
    klarna: () => klarnaWithKey(ctx.db, ctx.settings, current.apiKey),
    call: async (api, key) => {
      const credential = await api.credentials.create(
        { description, type: 'API', environment: ctx.settings.environment === 'live' ? 'LIVE' : 'TEST' },
        { idempotencyKey: key },
      );
      if (!credential.api_key)
        throw new ConflictError(
          'Klarna created the credential but returned no API key; rotation stopped before switching.',
        );
      // The new key proves itself before the dashboard switches to it.
      await klarnaWithKey(ctx.db, ctx.settings, credential.api_key).credentials.list();
      return { ...credential, api_key: credential.api_key };
    },
    record: async (credential, tx) => {
      const written = await writeCredential(ctx, tx, {
        environment: ctx.settings.environment,
        label: description,
        apiKey: credential.api_key,
        klarnaCredentialId: credential.credential_id,
        verified: true,
        activate: true,
      });
      created = written.row;
      return written.audit;
    },
  });
  // A repeated intent gets Klarna's first answer again: the key stored then.
  created ??= await storedByKlarnaId(ctx.db, credential.credential_id);
  if (!created) throw new NotFoundError('The rotated key is no longer stored here.');
  const { apiKeySealed: _, ...prev } = previous;
  return { created, previous: { ...prev, active: false } };
}

/** Deletes a stored key, with `atKlarna` there too (using another key); not the active key while another exists. */
export async function deleteCredential(ctx: Ctx, input: { id: string; atKlarna: boolean }): Promise<void> {
  assertCan(ctx.actor, 'credentials.manage');
  const row = await getStoredOrThrow(ctx.db, input.id);
  if (row.active) {
    const [other] = await ctx.db
      .select({ id: klarnaCredentials.id })
      .from(klarnaCredentials)
      .where(and(eq(klarnaCredentials.environment, row.environment), ne(klarnaCredentials.id, row.id)))
      .limit(1);
    if (other)
      throw new ConflictError(
        'This is the key the dashboard uses. Make another key active first, then delete this one.',
      );
  }
  const details = {
    environment: row.environment,
    last4: row.last4,
    atKlarna: input.atKlarna,
    klarnaCredentialId: row.klarnaCredentialId,
  };
  const forget = async (_: unknown, tx: Db) => {
    await tx.delete(klarnaCredentials).where(eq(klarnaCredentials.id, row.id));
  };
  if (input.atKlarna) {
    if (!row.klarnaCredentialId)
      throw new InputError(
        'Klarna’s id for this key is unknown (it was pasted in), so it cannot be deleted at Klarna from here. Delete it in the list of credentials at Klarna below.',
      );
    const using = row.active
      ? openApiKey(row, ctx.settings.keyring)
      : (await activeApiKey(ctx.db, ctx.settings)).apiKey;
    const klarnaId = row.klarnaCredentialId;
    await klarnaOperation(ctx, {
      capability: 'credentials.manage',
      audit: { action: 'credentials.delete', target: { type: 'klarna_credential', id: row.id }, details },
      klarna: () => klarnaWithKey(ctx.db, ctx.settings, using),
      call: (api) => api.credentials.delete(klarnaId),
      record: forget,
    });
    return;
  }
  await ctx.db.transaction(async (tx) => {
    await forget(undefined, tx);
    await recordAudit(tx, {
      actor: ctx.actor ?? 'system',
      action: 'credentials.delete',
      target: { type: 'klarna_credential', id: row.id },
      details,
      requestId: ctx.requestId,
    });
  });
}

export async function deleteKlarnaCredential(ctx: Ctx, credentialId: string): Promise<void> {
  assertCan(ctx.actor, 'credentials.manage');
  const [storedActive] = await ctx.db
    .select()
    .from(klarnaCredentials)
    .where(and(eq(klarnaCredentials.klarnaCredentialId, credentialId), eq(klarnaCredentials.active, true)))
    .limit(1);
  if (storedActive) throw new ConflictError('This is the key the dashboard uses. Make another key active first.');
  const { apiKey } = await activeApiKey(ctx.db, ctx.settings);
  await klarnaOperation(ctx, {
    capability: 'credentials.manage',
    audit: {
      action: 'credentials.delete',
      target: { type: 'klarna_credential', id: credentialId },
      details: { atKlarna: true },
    },
    klarna: () => klarnaWithKey(ctx.db, ctx.settings, apiKey),
    call: (api) => api.credentials.delete(credentialId),
    record: async (_, tx) => {
      await tx.delete(klarnaCredentials).where(eq(klarnaCredentials.klarnaCredentialId, credentialId));
    },
  });
}
