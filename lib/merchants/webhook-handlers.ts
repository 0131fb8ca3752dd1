import 'server-only';
import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { merchantAccounts } from '@/db/schema';
import { accountStateChangePayloadSchema, productStateChangePayloadSchema } from '@/lib/klarna/schemas/accounts';
import type { StoredWebhookEvent, WebhookHandler, WebhookHandlerRegistry } from '@/lib/webhooks/handlers';
import { addTimeline } from './cache';

/** An older state is logged, never applied. An uncached account gets its timeline entry only; the first read from
 * Klarna applies it if newer. */
export const accountStateHandler: WebhookHandler = async (tx, events) => {
  for (const event of events) await applyAccountState(tx, event);
};

export const productStateHandler: WebhookHandler = async (tx, events) => {
  for (const event of events) await applyProductState(tx, event);
};

export function registerMerchantHandlers(registry: WebhookHandlerRegistry): void {
  registry.register('partner.account.state-change.*', accountStateHandler);
  registry.register('partner.account.product.payment.state-change.*', productStateHandler);
}

function occurredAt(event: StoredWebhookEvent): Date {
  const at = new Date(event.envelope.metadata.occurred_at);
  return Number.isNaN(at.getTime()) ? event.row.receivedAt : at;
}

async function applyAccountState(tx: Db, event: StoredWebhookEvent) {
  const accountId = event.envelope.metadata.account_id;
  if (!accountId) throw new Error('account event without metadata.account_id');
  const payload = accountStateChangePayloadSchema.parse(event.envelope.payload);
  const at = occurredAt(event);
  const updated = await tx
    .update(merchantAccounts)
    .set({ state: payload.state, stateChangedAt: at, updatedAt: new Date() })
    .where(
      and(
        eq(merchantAccounts.accountId, accountId),
        or(isNull(merchantAccounts.stateChangedAt), lte(merchantAccounts.stateChangedAt, at)),
      ),
    )
    .returning({ accountId: merchantAccounts.accountId });
  await addTimeline(tx, {
    accountId,
    occurredAt: at,
    source: 'webhook',
    kind: 'account_state',
    summary: `Account ${payload.state}${payload.previous_state ? ` (was ${payload.previous_state})` : ''}${updated.length ? '' : await notApplied(tx, accountId)}`,
    state: payload.state,
    previousState: payload.previous_state ?? null,
    eventId: event.row.eventId,
    details: { event_type: event.row.eventType },
  });
}

async function applyProductState(tx: Db, event: StoredWebhookEvent) {
  const accountId = event.envelope.metadata.account_id;
  if (!accountId) throw new Error('product event without metadata.account_id');
  const payload = productStateChangePayloadSchema.parse(event.envelope.payload);
  const at = occurredAt(event);
  const productInstanceId = payload.product_instance_id ?? event.envelope.metadata.product_instance_id ?? null;
  const updated = await tx
    .update(merchantAccounts)
    .set({
      productState: payload.state,
      productStateChangedAt: at,
      updatedAt: new Date(),
      ...(productInstanceId
        ? { productInstanceId: sql`coalesce(${merchantAccounts.productInstanceId}, ${productInstanceId})` }
        : {}),
    })
    .where(
      and(
        eq(merchantAccounts.accountId, accountId),
        or(isNull(merchantAccounts.productStateChangedAt), lte(merchantAccounts.productStateChangedAt, at)),
      ),
    )
    .returning({ accountId: merchantAccounts.accountId });
  await addTimeline(tx, {
    accountId,
    occurredAt: at,
    source: 'webhook',
    kind: 'product_state',
    summary: `Payment product ${payload.state}${payload.previous_state ? ` (was ${payload.previous_state})` : ''}${updated.length ? '' : await notApplied(tx, accountId)}`,
    state: payload.state,
    previousState: payload.previous_state ?? null,
    eventId: event.row.eventId,
    details: { event_type: event.row.eventType, product_instance_id: productInstanceId },
  });
}

async function notApplied(tx: Db, accountId: string): Promise<string> {
  const [known] = await tx
    .select({ accountId: merchantAccounts.accountId })
    .from(merchantAccounts)
    .where(eq(merchantAccounts.accountId, accountId))
    .limit(1);
  return known
    ? ' – arrived after a newer change, not applied'
    : ' – account not in the dashboard yet; applied when it is first read from Klarna (Sync from Klarna)';
}
