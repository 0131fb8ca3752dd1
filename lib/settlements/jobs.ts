import 'server-only';
import { jobContext } from '@/lib/context';
import { appDb } from '@/lib/db';
import { KlarnaNotConfiguredError, KlarnaRefusedError } from '@/lib/errors';
import { KlarnaApiError } from '@/lib/klarna/errors';
import { enqueue, queues, type JobHandlers } from '@/lib/jobs/queue';
import { settlementReportEventPayloadSchema } from '@/lib/klarna/schemas/settlements';
import type { WebhookHandlerRegistry } from '@/lib/webhooks/handlers';
import { fetchSettlementsFromKlarna, isSettlementKnown } from './fetch';
import { failStaleReceives, runImport } from './import';
import { recheckImport, sweepNowKnownLines } from './recheck';

export function settlementJobHandlers(): JobHandlers {
  return {
    [queues.settlementImport]: async ({ importId }) => {
      await runImport(appDb(), importId);
    },
    [queues.settlementRecheck]: async ({ importId }) => {
      await recheckImport(appDb().db, importId);
    },
    [queues.settlementFetch]: async ({ settlementId }) => {
      // Re-checks a lost re-check may have left behind; never in the way of the fetch.
      await sweepNowKnownLines(appDb().db).catch((error: unknown) => console.error('settlement sweep failed', error));
      // Uploads whose request died with its instance: failed, so nobody waits on them.
      await failStaleReceives(appDb().db).catch((error: unknown) =>
        console.error('settlement stale-upload sweep failed', error),
      );
      try {
        await fetchSettlementsFromKlarna({ ...jobContext({ db: appDb().db }), handle: appDb() }, { settlementId });
      } catch (error) {
        // The schedule runs before anyone has set Klarna up: nothing to fetch yet.
        if (error instanceof KlarnaNotConfiguredError) return;
        // A webhook named a settlement Klarna does not have (a simulated event): nothing to retry.
        if (
          settlementId &&
          error instanceof KlarnaRefusedError &&
          error.klarnaError instanceof KlarnaApiError &&
          error.klarnaError.status === 404
        ) {
          console.warn(`settlement ${settlementId} was announced but Klarna does not have it; nothing fetched`);
          return;
        }
        throw error;
      }
    },
  };
}

/** `settlement.report.created`: queues a fetch; without a queue, the scheduled fetch picks the report up. */
export function registerSettlementHandlers(registry: WebhookHandlerRegistry): void {
  registry.register('settlement.report.created', async (tx, events) => {
    for (const event of events) {
      const payload = settlementReportEventPayloadSchema.safeParse(event.envelope.payload);
      if (!payload.success)
        throw new Error(
          `settlement.report.created without a settlement_id: ${payload.error.issues[0]?.message ?? 'invalid payload'}`,
        );
      if (await isSettlementKnown(tx, payload.data.settlement_id)) continue;
      // Not awaited: on PGlite (one connection) the insert would wait for the receiver's transaction.
      // A fetch for an event that rolls back is harmless; one lost to a crash is caught by the schedule.
      const settlementId = payload.data.settlement_id;
      void enqueue(
        queues.settlementFetch,
        { settlementId },
        { singletonKey: settlementId, singletonSeconds: 60 },
      ).catch((error: Error) => {
        console.warn(
          `settlement ${settlementId} announced, fetch not queued now (${error.message}); the scheduled fetch will bring it in`,
        );
      });
    }
  });
}
