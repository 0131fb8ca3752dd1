import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { auditLog, type WebhookEventRow } from '@/db/schema';

/**
 * Which events are Klarna's test events ("Send test event"): their dummy data names payments
 * that exist nowhere, so a handler ignores them rather than invent a payment. Klarna's answer to
 * simulate names the event (audited as `webhooks.simulate`), but its delivery may arrive before
 * that answer: a request noted just before calling Klarna covers that moment, for the event of
 * that type on that webhook that arrives within a minute (this process only).
 */
const PENDING_MS = 60_000;
const globalForSimulations = globalThis as unknown as { __pendingSimulations?: Map<string, number> };
const pending = () => (globalForSimulations.__pendingSimulations ??= new Map());
const keyOf = (webhookId: string, eventType: string) => `${webhookId} ${eventType}`;

export function noteSimulationRequested(webhookId: string, eventType: string): () => void {
  const key = keyOf(webhookId, eventType);
  pending().set(key, Date.now() + PENDING_MS);
  return () => pending().delete(key);
}

export async function isSimulatedEvent(tx: Db, row: Pick<WebhookEventRow, 'eventId' | 'eventType' | 'webhookId'>): Promise<boolean> {
  if (row.webhookId && row.eventType) {
    const until = pending().get(keyOf(row.webhookId, row.eventType));
    if (until !== undefined && until > Date.now()) return true;
  }
  if (!row.eventId) return false;
  const [audited] = await tx
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'webhooks.simulate'), gt(auditLog.occurredAt, sql`now() - interval '1 day'`), sql`${auditLog.details}->>'eventId' = ${row.eventId}`))
    .limit(1);
  return Boolean(audited);
}
