import 'server-only';
import type { Db } from '@/db/client';
import { appDb } from '@/lib/db';
import { env } from '@/lib/env';
import { queues, type JobHandlers } from '@/lib/jobs/queue';
import { pruneExpired, retentionPeriods, type RetentionPeriods } from './prune';

/** Hourly, at a minute no other job uses. */
export const retentionCron = '23 * * * *';

/** The retention job (lib/jobs/queue.ts runs it on `retentionCron`). */
export function retentionJobHandlers(
  log: (line: string) => void = console.log,
  deps: { db: () => Db; periods: () => RetentionPeriods } = {
    db: () => appDb().db,
    periods: () => retentionPeriods(env()),
  },
): JobHandlers {
  return {
    [queues.retention]: async () => {
      const counts = await pruneExpired(deps.db(), deps.periods());
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      if (total > 0) {
        log(
          `retention: deleted ${counts.rejectedWebhooks} rejected webhook deliveries, ${counts.webhookEvents} webhook events, ${counts.apiRequests} API requests, ${counts.signInAttempts} sign-in attempts, ${counts.sessions} ended sessions`,
        );
      }
    },
  };
}
