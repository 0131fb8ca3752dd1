import 'server-only';
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { webhookEvents, type WebhookEventRow } from '@/db/schema';
import type { WebhookEvent } from '@/lib/klarna/schemas/webhooks';
import { isIgnoredEvent, type WebhookHandler } from './handlers';
import { outcomeNote } from './outcome';

/** Runs the handler in a savepoint: a throw leaves the event stored as failed with the reason (re-processable). */
export async function applyStoredEvent(
  tx: Db,
  row: WebhookEventRow,
  envelope: WebhookEvent,
  handler: WebhookHandler,
): Promise<'processed' | 'failed' | 'ignored'> {
  try {
    await tx.transaction(async (savepoint) => {
      await handler(savepoint, [{ row, envelope }]);
    });
  } catch (error) {
    const ignored = isIgnoredEvent(error);
    await tx
      .update(webhookEvents)
      .set({
        status: ignored ? 'ignored' : 'failed',
        processingError: outcomeNote(error).slice(0, 4000),
        processedAt: sql`now()`,
      })
      .where(sql`${webhookEvents.id} = ${row.id}`);
    return ignored ? 'ignored' : 'failed';
  }
  await tx
    .update(webhookEvents)
    .set({
      status: 'processed',
      processingError: null,
      applyCount: sql`${webhookEvents.applyCount} + 1`,
      processedAt: sql`now()`,
    })
    .where(sql`${webhookEvents.id} = ${row.id}`);
  return 'processed';
}
