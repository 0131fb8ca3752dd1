import type { Db } from '@/db/client';
import { appDb } from '@/lib/db';
import { enqueue, queues, type JobHandlers } from '@/lib/jobs/queue';
import { hasUnmaskedApiRequests, maskStoredApiRequests } from './mask-backfill';

/** The one-off backfill masking API request log rows stored before masking existed. */
export function apiRequestMaskingJobHandlers(
  log: (line: string) => void = console.log,
  deps: { db: () => Db } = { db: () => appDb().db },
): JobHandlers {
  return {
    [queues.apiRequestMasking]: async () => {
      const masked = await maskStoredApiRequests(deps.db());
      if (masked > 0) log(`api request log: masked personal data in ${masked} requests stored before masking existed`);
    },
  };
}

/** At start-up (after `startJobs`): queues the backfill if any row still waits for it. Says whether it did. */
export async function queueApiRequestMaskingIfNeeded(db: Db): Promise<boolean> {
  if (!(await hasUnmaskedApiRequests(db))) return false;
  await enqueue(queues.apiRequestMasking, {});
  return true;
}
