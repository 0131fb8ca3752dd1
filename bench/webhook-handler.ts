/**
 * Preloaded into the production server by bench/webhooks.ts (`node --conditions=react-server --import tsx
 * --import ./bench/webhook-handler.ts server.ts`, unless BENCH_HANDLER=app): registers, in the process's
 * one handler registry, a handler for the bench's `bench.applied` events that stands for a
 * well-written handler: one row per event in the receiver's transaction, written as one prepared
 * statement per batch whose text never changes (the rows travel as one JSON parameter). It is
 * the handler the figures were taken with (308 events/s behind `next start`).
 */
import { sql } from 'drizzle-orm';
import { executePrepared } from '@/db/client';
import { webhookHandlers } from '@/lib/webhooks/handlers';

webhookHandlers().register('bench.applied', async (tx, events) => {
  await executePrepared(
    tx,
    sql`insert into audit_log (action, actor_email, target_id, outcome)
      select 'bench.webhook-applied', 'system', event_id, 'success'
      from jsonb_array_elements_text(${JSON.stringify(events.map((e) => e.row.eventId))}::jsonb) as event_id`,
  );
});
