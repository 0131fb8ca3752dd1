import 'server-only';
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { refundBatches, refundBatchRows } from '@/db/schema';
import { jobContext } from '@/lib/context';
import { appDb } from '@/lib/db';
import { enqueue, queues, type JobHandlers } from '@/lib/jobs/queue';
import { runRefundBatch } from './run';

/** Queues the run of a batch; one queued run per batch (the lease keeps to one running anyway). */
export function queueRefundRun(batchId: string): Promise<unknown> {
  return enqueue(queues.refundBatchRun, { batchId }, { singletonKey: batchId });
}

/** Approved batches with no live run (never started, or its instance died): each gets a run queued. */
export async function sweepRefundBatches(db: Db, queue = queueRefundRun): Promise<number> {
  const orphans = await db
    .select({ id: refundBatches.id })
    .from(refundBatches)
    .where(
      and(
        inArray(refundBatches.status, ['queued', 'running']),
        or(isNull(refundBatches.leaseUntil), lt(refundBatches.leaseUntil, sql`now()`)),
      ),
    );
  // Cancelled batches whose run died with rows at Klarna: a run settles those rows (lib/refunds/run.ts).
  const unsettled = await db
    .selectDistinct({ id: refundBatches.id })
    .from(refundBatches)
    .innerJoin(refundBatchRows, eq(refundBatchRows.batchId, refundBatches.id))
    .where(
      and(
        eq(refundBatches.status, 'cancelled'),
        eq(refundBatchRows.result, 'sending'),
        or(isNull(refundBatches.leaseUntil), lt(refundBatches.leaseUntil, sql`now()`)),
      ),
    );
  for (const { id } of [...orphans, ...unsettled]) await queue(id);
  return orphans.length + unsettled.length;
}

export function refundJobHandlers(): JobHandlers {
  return {
    [queues.refundBatchRun]: async ({ batchId }) => {
      await runRefundBatch(jobContext({ db: appDb().db }), batchId);
    },
    [queues.refundBatchSweep]: async () => {
      await sweepRefundBatches(appDb().db);
    },
  };
}
