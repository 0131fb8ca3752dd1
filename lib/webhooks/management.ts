import 'server-only';
import { and, desc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { klarnaSigningKeys, webhookEvents } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { assertCan } from '@/lib/auth/guard';
import { klarnaFor } from '@/lib/credentials/connection';
import type { ServiceContext } from '@/lib/context';
import { ConflictError, InputError, KlarnaRefusedError } from '@/lib/errors';
import { idempotencyKey } from '@/lib/klarna/idempotency';
import { klarnaOperation } from '@/lib/klarna-operation';
import { MAX_SIGNING_KEYS } from '@/lib/klarna/schemas/management';
import { eventTypePatternSchema, webhookStatuses, type Webhook } from '@/lib/klarna/schemas/webhooks';
import { escapeLike, reprocessWebhookEvent } from './events';
import { forgetCachedSigningKeys, RETIRED_KEY_GRACE_MS, sealSigningKey } from './signing-keys';
import { AWAITING_SIMULATION, noteSimulationRequested } from './simulations';

type Ctx = ServiceContext;

export type SigningKeyView = {
  signingKeyId: string;
  createdAt: string;
  /** Whether this dashboard holds the secret, i.e. can verify events signed with it. */
  storedHere: boolean;
  usedBy: string[];
  /** Retired here by a rotation and kept at Klarna: accepted until then (ISO), or null. */
  retiredUntil: string | null;
};

export type RetiredKeyView = { signingKeyId: string; createdAt: Date; acceptedUntil: Date };

export async function loadWebhookSetup(ctx: Ctx): Promise<{
  signingKeys: SigningKeyView[];
  webhooks: Webhook[];
  heldKeys: { signingKeyId: string; createdAt: Date }[];
  retiredKeys: RetiredKeyView[];
  deletedKeyIds: string[];
}> {
  assertCan(ctx.actor, 'dashboard.read');
  const api = await klarnaFor(ctx.db, ctx.settings);
  const [{ signing_keys }, { webhooks }, stored, gone] = await Promise.all([
    api.signingKeys.list(),
    api.webhooks.list(),
    ctx.db
      .select({ signingKeyId: klarnaSigningKeys.signingKeyId, createdAt: klarnaSigningKeys.createdAt })
      .from(klarnaSigningKeys)
      .where(and(eq(klarnaSigningKeys.environment, ctx.settings.environment), isNull(klarnaSigningKeys.deletedAt)))
      .orderBy(desc(klarnaSigningKeys.createdAt)),
    ctx.db
      .select({
        signingKeyId: klarnaSigningKeys.signingKeyId,
        createdAt: klarnaSigningKeys.createdAt,
        deletedAt: klarnaSigningKeys.deletedAt,
      })
      .from(klarnaSigningKeys)
      .where(and(eq(klarnaSigningKeys.environment, ctx.settings.environment), isNotNull(klarnaSigningKeys.deletedAt)))
      .orderBy(desc(klarnaSigningKeys.deletedAt)),
  ]);
  const now = Date.now();
  const storedIds = new Set(stored.map((s) => s.signingKeyId));
  return {
    signingKeys: signing_keys
      .map((k) => ({
        signingKeyId: k.signing_key_id,
        createdAt: k.created_at,
        storedHere: storedIds.has(k.signing_key_id),
        usedBy: webhooks.filter((w) => w.signing_key_id === k.signing_key_id).map((w) => w.webhook_id),
        retiredUntil:
          gone
            .find((g) => g.signingKeyId === k.signing_key_id && g.deletedAt!.getTime() > now)
            ?.deletedAt!.toISOString() ?? null,
      }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    webhooks,
    /** Keys this dashboard holds the secret of: the only ones a webhook form may choose. */
    heldKeys: stored,
    /** Keys retired by a rotation and still accepted until their grace ends. */
    retiredKeys: gone
      .filter((k) => k.deletedAt!.getTime() > now)
      .map((k) => ({ signingKeyId: k.signingKeyId, createdAt: k.createdAt, acceptedUntil: k.deletedAt! })),
    /** Keys deleted here: a webhook still naming one has its events rejected. */
    deletedKeyIds: gone.map((k) => k.signingKeyId),
  };
}

export async function getSigningKey(
  ctx: Ctx,
  signingKeyId: string,
): Promise<{ signingKeyId: string; createdAt: string }> {
  assertCan(ctx.actor, 'dashboard.read');
  const api = await klarnaFor(ctx.db, ctx.settings);
  const key = await api.signingKeys.get(signingKeyId);
  return { signingKeyId: key.signing_key_id, createdAt: key.created_at };
}

/** Seals a new signing key at once: Klarna shows it only in this answer (seed, "Signing keys considerations"). */
export async function createSigningKey(ctx: Ctx, input: { intentId: string }): Promise<{ signingKeyId: string }> {
  assertCan(ctx.actor, 'webhooks.manage');
  await deleteEndedKeysAtKlarna(ctx);
  const created = await klarnaOperation(ctx, {
    capability: 'webhooks.manage',
    intent: { operation: 'signingKeys.create', target: ctx.settings.environment, nonce: input.intentId },
    audit: { action: 'signing_keys.create' },
    call: (api, key) => api.signingKeys.create({ idempotencyKey: key }),
    record: async (answer, tx) => {
      await tx
        .insert(klarnaSigningKeys)
        .values({
          signingKeyId: answer.signing_key_id,
          environment: ctx.settings.environment,
          keySealed: sealSigningKey(answer.signing_key_id, answer.signing_key, ctx.settings.keyring),
          createdAt: new Date(answer.created_at),
          createdBy: ctx.actor?.id ?? null,
        })
        // A repeated intent gets Klarna's first answer again: the key is already stored.
        .onConflictDoNothing();
      return { target: { type: 'signing_key', id: answer.signing_key_id } };
    },
  });
  return { signingKeyId: created.signing_key_id };
}

/** Deletes a key at Klarna, even one in use, and stops accepting it here at once (Management API test case 8). */
export async function deleteSigningKey(ctx: Ctx, signingKeyId: string): Promise<void> {
  assertCan(ctx.actor, 'webhooks.manage');
  // Only a key held for this environment: another environment's Klarna and key are not this call's.
  const ofThisEnvironment = and(
    eq(klarnaSigningKeys.signingKeyId, signingKeyId),
    eq(klarnaSigningKeys.environment, ctx.settings.environment),
  );
  const [held] = await ctx.db
    .select({ deletedAt: klarnaSigningKeys.deletedAt })
    .from(klarnaSigningKeys)
    .where(ofThisEnvironment);
  await klarnaOperation(ctx, {
    capability: 'webhooks.manage',
    audit: { action: 'signing_keys.delete', target: { type: 'signing_key', id: signingKeyId } },
    call: async (api) => {
      try {
        await api.signingKeys.delete(signingKeyId);
      } catch (error) {
        if (!(goneAtKlarna(error) && held)) throw error;
      }
    },
    record: async (_, tx) => {
      await tx
        .update(klarnaSigningKeys)
        .set({ deletedAt: sql`least(coalesce(${klarnaSigningKeys.deletedAt}, now()), now())` })
        .where(ofThisEnvironment);
    },
  });
  forgetCachedSigningKeys();
}

/** Seed 002 l. 655–660: the new key is stored here first so the receiver accepts it, then webhooks move to it.
 * The old key lives 12 h, the span of Klarna's retries (seed 002 l. 608), unless an admin ends it. */
export async function rotateSigningKey(
  ctx: Ctx,
  input: { signingKeyId: string; intentId: string },
): Promise<{ signingKeyId: string; movedWebhooks: string[]; acceptedUntil: Date }> {
  assertCan(ctx.actor, 'webhooks.manage');
  const { signingKeyId } = await createSigningKey(ctx, { intentId: input.intentId });
  // The old key stays at Klarna in parallel (seed 002 l. 610, 655–660) until its grace ends here.
  const acceptedUntil = new Date(Date.now() + RETIRED_KEY_GRACE_MS);
  const moved = await klarnaOperation(ctx, {
    capability: 'webhooks.manage',
    audit: {
      action: 'signing_keys.rotate',
      target: { type: 'signing_key', id: input.signingKeyId },
      details: { replacement: signingKeyId },
    },
    // Each webhook moved under its own key: a repeated rotation moves each once.
    call: async (api) => {
      const { webhooks } = await api.webhooks.list();
      const movedIds: string[] = [];
      for (const webhook of webhooks.filter((w) => w.signing_key_id === input.signingKeyId)) {
        const key = idempotencyKey({
          operation: 'webhooks.update',
          target: webhook.webhook_id,
          nonce: `rotate:${input.intentId}`,
        });
        await api.webhooks.update(webhook.webhook_id, { signing_key_id: signingKeyId }, { idempotencyKey: key });
        movedIds.push(webhook.webhook_id);
      }
      return movedIds;
    },
    record: async (movedIds, tx) => {
      await tx
        .update(klarnaSigningKeys)
        .set({
          deletedAt: sql`coalesce(${klarnaSigningKeys.deletedAt}, ${acceptedUntil.toISOString()}::timestamptz)`,
        })
        .where(eq(klarnaSigningKeys.signingKeyId, input.signingKeyId));
      return { details: { movedWebhooks: movedIds, acceptedUntil: acceptedUntil.toISOString() } };
    },
  });
  return { signingKeyId, movedWebhooks: moved, acceptedUntil };
}

const goneAtKlarna = (error: unknown) => error instanceof KlarnaRefusedError && error.code === 'RESOURCE_NOT_FOUND';

export async function endSigningKeyGrace(ctx: Ctx, signingKeyId: string): Promise<void> {
  assertCan(ctx.actor, 'webhooks.manage');
  await ctx.db.transaction(async (tx) => {
    const ended = await tx
      .update(klarnaSigningKeys)
      .set({ deletedAt: sql`now()` })
      .where(and(eq(klarnaSigningKeys.signingKeyId, signingKeyId), gt(klarnaSigningKeys.deletedAt, sql`now()`)))
      .returning({ id: klarnaSigningKeys.signingKeyId });
    if (ended.length === 0)
      throw new ConflictError('That key is not in a grace period: it is either in use or no longer accepted.');
    await recordAudit(tx, {
      actor: ctx.actor ?? 'system',
      action: 'signing_keys.end_grace',
      target: { type: 'signing_key', id: signingKeyId },
      requestId: ctx.requestId,
    });
  });
  forgetCachedSigningKeys();
  await deleteEndedKeysAtKlarna(ctx);
}

/** Deletes at Klarna retired keys whose grace ended; every key action calls it, so expiry is handled lazily. */
export async function deleteEndedKeysAtKlarna(ctx: Ctx): Promise<string[]> {
  const api = await klarnaFor(ctx.db, ctx.settings);
  const ended = await ctx.db
    .select({ signingKeyId: klarnaSigningKeys.signingKeyId })
    .from(klarnaSigningKeys)
    .where(
      and(eq(klarnaSigningKeys.environment, ctx.settings.environment), sql`${klarnaSigningKeys.deletedAt} <= now()`),
    );
  if (ended.length === 0) return [];
  const { signing_keys } = await api.signingKeys.list();
  const atKlarna = new Set(signing_keys.map((k) => k.signing_key_id));
  const deleted: string[] = [];
  for (const { signingKeyId } of ended.filter((k) => atKlarna.has(k.signingKeyId))) {
    await klarnaOperation(ctx, {
      capability: 'webhooks.manage',
      system: true,
      klarna: () => api,
      audit: {
        action: 'signing_keys.delete',
        target: { type: 'signing_key', id: signingKeyId },
        details: { reason: 'its grace period ended' },
      },
      call: async (klarna) => {
        try {
          await klarna.signingKeys.delete(signingKeyId);
        } catch (error) {
          if (!goneAtKlarna(error)) throw error;
        }
      },
    });
    deleted.push(signingKeyId);
  }
  return deleted;
}

/** The dashboard's form for a webhook. Whether plain http is allowed depends on the environment (see checkWebhookForm). */
export const webhookFormSchema = z.object({
  url: z
    .string()
    .trim()
    .url('Enter an absolute URL')
    .refine((value) => ['https:', 'http:'].includes(new URL(value).protocol), 'Use an https:// URL'),
  eventTypes: z.array(eventTypePatternSchema).min(1, 'Choose at least one event type'),
  signingKeyId: z.string().min(1, 'Choose a signing key'),
  status: z.enum(webhookStatuses),
});
export type WebhookForm = z.infer<typeof webhookFormSchema>;
const webhookFieldMap = { url: 'url', event_types: 'eventTypes', signing_key_id: 'signingKeyId', status: 'status' };

/** Catches what Klarna would refuse or the receiver not verify (https only, a key we hold) as field errors. */
async function checkWebhookForm(ctx: Ctx, input: WebhookForm) {
  if (ctx.settings.environment !== 'sandbox' && new URL(input.url).protocol !== 'https:')
    throw new InputError('Klarna only calls https:// URLs.', { url: ['Use an https:// URL'] });
  const [row] = await ctx.db
    .select({ id: klarnaSigningKeys.signingKeyId })
    .from(klarnaSigningKeys)
    .where(and(eq(klarnaSigningKeys.signingKeyId, input.signingKeyId), isNull(klarnaSigningKeys.deletedAt)));
  if (!row)
    throw new InputError('This dashboard does not hold that signing key, so it could not verify the events.', {
      signingKeyId: ['Choose a key created from this dashboard'],
    });
}

export async function createWebhook(ctx: Ctx, input: WebhookForm & { intentId: string }): Promise<Webhook> {
  assertCan(ctx.actor, 'webhooks.manage');
  await checkWebhookForm(ctx, input);
  const webhook = await klarnaOperation(ctx, {
    capability: 'webhooks.manage',
    intent: { operation: 'webhooks.create', target: ctx.settings.environment, nonce: input.intentId },
    audit: {
      action: 'webhooks.create',
      details: { url: input.url, eventTypes: input.eventTypes, signingKeyId: input.signingKeyId, status: input.status },
    },
    fields: webhookFieldMap,
    call: (api, key) =>
      api.webhooks.create(
        {
          url: input.url,
          event_types: input.eventTypes,
          event_version: 'v1',
          signing_key_id: input.signingKeyId,
          status: input.status,
        },
        { idempotencyKey: key },
      ),
    record: async (created) => ({ target: { type: 'webhook', id: created.webhook_id } }),
  });
  return webhook;
}

export async function updateWebhook(
  ctx: Ctx,
  input: WebhookForm & { webhookId: string; intentId: string },
): Promise<Webhook> {
  assertCan(ctx.actor, 'webhooks.manage');
  await checkWebhookForm(ctx, input);
  const webhook = await klarnaOperation(ctx, {
    capability: 'webhooks.manage',
    intent: { operation: 'webhooks.update', target: input.webhookId, nonce: input.intentId },
    audit: {
      action: 'webhooks.update',
      target: { type: 'webhook', id: input.webhookId },
      details: { url: input.url, eventTypes: input.eventTypes, signingKeyId: input.signingKeyId, status: input.status },
    },
    fields: webhookFieldMap,
    call: (api, key) =>
      api.webhooks.update(
        input.webhookId,
        { url: input.url, event_types: input.eventTypes, signing_key_id: input.signingKeyId, status: input.status },
        { idempotencyKey: key },
      ),
  });
  return webhook;
}

export async function deleteWebhook(ctx: Ctx, webhookId: string): Promise<void> {
  assertCan(ctx.actor, 'webhooks.manage');
  await klarnaOperation(ctx, {
    capability: 'webhooks.manage',
    audit: { action: 'webhooks.delete', target: { type: 'webhook', id: webhookId } },
    call: (api) => api.webhooks.delete(webhookId),
  });
}

export async function simulateWebhookEvent(
  ctx: Ctx,
  input: { webhookId: string; eventType: string; intentId: string },
): Promise<{ eventId: string }> {
  assertCan(ctx.actor, 'webhooks.manage');
  if (ctx.settings.environment === 'live')
    throw new ConflictError('Klarna simulates events only in its test environment.');
  const requestedAt = new Date(Date.now() - 1000);
  const settle = noteSimulationRequested(input.webhookId, input.eventType);
  let answer: { event_id: string };
  try {
    answer = await klarnaOperation(ctx, {
      capability: 'webhooks.manage',
      intent: { operation: 'webhooks.simulate', target: input.webhookId, nonce: input.intentId },
      audit: {
        action: 'webhooks.simulate',
        target: { type: 'webhook', id: input.webhookId },
        details: { eventType: input.eventType },
      },
      fields: { event_type: 'eventType' },
      call: (api, key) =>
        api.webhooks.simulate(
          input.webhookId,
          { event_type: input.eventType, event_version: 'v1' },
          { idempotencyKey: key },
        ),
      record: async (simulated) => ({ details: { eventId: simulated.event_id } }),
    });
  } finally {
    // The audit entry names the test event now (or the request failed): the note is no longer needed.
    settle();
  }
  // Events held while the answer was pending may still be committing: retry up to 5 s, then an admin re-processes.
  for (let attempt = 0; attempt < 50; attempt++) {
    const held = await ctx.db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(
        and(
          eq(webhookEvents.webhookId, input.webhookId),
          eq(webhookEvents.eventType, input.eventType),
          eq(webhookEvents.status, 'failed'),
          gt(webhookEvents.receivedAt, requestedAt),
          eq(webhookEvents.processingError, AWAITING_SIMULATION),
        ),
      );
    for (const { id } of held) await reprocessWebhookEvent(ctx, id);
    const [named] = await ctx.db
      .select({ status: webhookEvents.status, error: webhookEvents.processingError })
      .from(webhookEvents)
      .where(eq(webhookEvents.eventId, answer.event_id))
      .limit(1);
    // The test event may commit, held, between the two reads above: then it is re-processed on the next round.
    const namedHeld = named?.status === 'failed' && named.error === AWAITING_SIMULATION;
    if (named && !namedHeld && held.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { eventId: answer.event_id };
}

export { MAX_SIGNING_KEYS };

/** The newest delivery of an event; a recent reject whose body names it stands in (rejects have no trusted id). */
export async function findReceivedEvent(db: Db, eventId: string) {
  const columns = {
    id: webhookEvents.id,
    verdict: webhookEvents.verdict,
    status: webhookEvents.status,
    rejectReason: webhookEvents.rejectReason,
    processingError: webhookEvents.processingError,
    receivedAt: webhookEvents.receivedAt,
  };
  const [row] = await db
    .select(columns)
    .from(webhookEvents)
    .where(eq(webhookEvents.eventId, eventId))
    .orderBy(desc(webhookEvents.id))
    .limit(1);
  if (row) return row;
  const [rejected] = await db
    .select(columns)
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.verdict, 'rejected'),
        gt(webhookEvents.receivedAt, sql`now() - interval '15 minutes'`),
        sql`${webhookEvents.rawBody} like ${`%"event_id":${escapeLike(JSON.stringify(eventId))}%`}`,
      ),
    )
    .orderBy(desc(webhookEvents.id))
    .limit(1);
  return rejected ?? null;
}
