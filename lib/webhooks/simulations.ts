import 'server-only';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { auditLog, type WebhookEventRow } from '@/db/schema';

/** Klarna test events name payments that exist nowhere. One of the simulated type arriving before the answer may be
 * real: it is left failed and re-processed once the answer names the test event, so nothing real is lost. */
const PENDING_MS = 60_000;
const globalForSimulations = globalThis as unknown as { __pendingSimulations?: Map<string, number> };
const pending = () => (globalForSimulations.__pendingSimulations ??= new Map());
const keyOf = (webhookId: string, eventType: string) => `${webhookId} ${eventType}`;

/** The sentence on an event held while a test event's answer is outstanding (also how settle() finds them). */
export const AWAITING_SIMULATION =
  'Not applied yet: a test event of this type was just requested for this webhook, and Klarna has not yet said which event it is; it is re-processed once Klarna answers (re-process it if it still shows this).';

export function noteSimulationRequested(webhookId: string, eventType: string): () => void {
  const key = keyOf(webhookId, eventType);
  const until = Date.now() + PENDING_MS;
  pending().set(key, until);
  return () => {
    if (pending().get(key) === until) pending().delete(key);
  };
}

export type SimulationVerdict = 'simulated' | 'awaiting' | 'real';

/** Whether an event is a test event Klarna named, may be one whose name has not come yet, or is real. */
export async function simulationVerdict(
  tx: Db,
  row: Pick<WebhookEventRow, 'eventId' | 'eventType' | 'webhookId'>,
): Promise<SimulationVerdict> {
  if (row.eventId) {
    const [audited] = await tx
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.action, 'webhooks.simulate'),
          gt(auditLog.occurredAt, sql`now() - interval '1 day'`),
          sql`${auditLog.details}->>'eventId' = ${row.eventId}`,
        ),
      )
      .limit(1);
    if (audited) return 'simulated';
  }
  if (row.webhookId && row.eventType) {
    const until = pending().get(keyOf(row.webhookId, row.eventType));
    if (until !== undefined && until > Date.now()) return 'awaiting';
  }
  return 'real';
}
