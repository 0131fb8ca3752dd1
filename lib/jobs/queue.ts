import 'server-only';
import PgBoss from 'pg-boss';
import type { DbHandle } from '@/db/client';

/** pg-boss jobs in Postgres: instances share the queue and a job survives a restart (on PGlite, the app's own). */

export const queues = {
  /** Parse, COPY and reconcile one stored settlement file: `{ importId }`. */
  settlementImport: 'settlement-import',
  /** Ask Klarna for settlement reports not imported yet (on a schedule, on a webhook, on a click): `{ settlementId? }`. */
  settlementFetch: 'settlement-fetch',
  /** Re-reconcile an import after a capture or refund it concerns was learnt late: `{ importId }`. */
  settlementRecheck: 'settlement-recheck',
  /** Send the refunds of one approved mass-refund batch, resuming where a run stopped (lib/refunds/run.ts): `{ batchId }`. */
  refundBatchRun: 'refund-batch-run',
  /** Queue a run for approved batches that have none alive (its instance died), every minute: `{}`. */
  refundBatchSweep: 'refund-batch-sweep',
  /** Delete log rows past their retention period (lib/retention/prune.ts), hourly: `{}`. */
  retention: 'retention',
  /** Mask personal data in API request log rows stored before masking existed (lib/klarna/mask-backfill.ts), queued at start-up while any is left: `{}`. */
  apiRequestMasking: 'api-request-masking',
  /** Ask Klarna again about an order's pending card cancellation (lib/cards), after its check_after: `{ orderId }`. */
  cardCancellationCheck: 'card-cancellation-check',
} as const;
export type QueueName = (typeof queues)[keyof typeof queues];

export type JobData = {
  'settlement-import': { importId: string };
  'settlement-fetch': { settlementId?: string | null; requestedBy?: string | null };
  'settlement-recheck': { importId: string };
  'refund-batch-run': { batchId: string };
  'refund-batch-sweep': Record<string, never>;
  retention: Record<string, never>;
  'api-request-masking': Record<string, never>;
  'card-cancellation-check': { orderId: string };
};

/** The queues this process works, each with its handler (a queue left out waits for a process that works it). */
export type JobHandlers = { [Q in QueueName]?: (data: JobData[Q]) => Promise<void> };

const globalForJobs = globalThis as unknown as { __jobs?: PgBoss; __jobsStarting?: Promise<PgBoss> };

function pgliteAdapter(handle: Extract<DbHandle, { driver: 'pglite' }>): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (!values || values.length === 0) {
        const results = await handle.client.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      }
      const result = await handle.client.query(text, values);
      return { rows: result.rows };
    },
  };
}

/** Starts the queue once per process (on globalThis: Next has several module graphs); `schedule` adds the fetch. */
export async function startJobs(
  handle: DbHandle,
  handlers: JobHandlers,
  options: {
    fetchCron?: string | null;
    retentionCron?: string | null;
    refundSweepCron?: string | null;
    pollingIntervalSeconds?: number;
  } = {},
): Promise<PgBoss> {
  if (globalForJobs.__jobs) return globalForJobs.__jobs;
  globalForJobs.__jobsStarting ??= (async () => {
    const boss = new PgBoss({
      ...(handle.driver === 'postgres' ? { connectionString: handle.url, max: 4 } : { db: pgliteAdapter(handle) }),
      application_name: 'klarna-dashboard-jobs',
    });
    boss.on('error', (error) => console.error('jobs:', error.message));
    await boss.start();
    const polling = options.pollingIntervalSeconds ?? 0.5;
    await boss.createQueue(queues.settlementImport, {
      name: queues.settlementImport,
      retryLimit: 2,
      retryDelay: 5,
      expireInSeconds: 60 * 60,
    });
    await boss.createQueue(queues.settlementRecheck, {
      name: queues.settlementRecheck,
      retryLimit: 3,
      retryDelay: 30,
      retryBackoff: true,
      expireInSeconds: 60 * 60,
    });
    await boss.createQueue(queues.settlementFetch, {
      name: queues.settlementFetch,
      retryLimit: 3,
      retryDelay: 30,
      retryBackoff: true,
      expireInSeconds: 15 * 60,
    });
    // A batch's rows are keyed (batch, row), so a second run of one batch could not refund twice; `singletonKey`
    // (the batch id) keeps to one anyway. A run that dies is retried and resumes with the rows not finished.
    await boss.createQueue(queues.refundBatchRun, {
      name: queues.refundBatchRun,
      retryLimit: 20,
      retryDelay: 10,
      retryBackoff: true,
      expireInSeconds: 4 * 60 * 60,
    });
    await boss.createQueue(queues.refundBatchSweep, {
      name: queues.refundBatchSweep,
      policy: 'singleton',
      retryLimit: 0,
      expireInSeconds: 5 * 60,
    });
    // One prune at a time across instances; a run cut short is simply taken up by the next.
    await boss.createQueue(queues.retention, {
      name: queues.retention,
      policy: 'singleton',
      retryLimit: 1,
      retryDelay: 300,
      expireInSeconds: 30 * 60,
    });
    // At most one queued and one running across instances (each start queues one while rows are left).
    await boss.createQueue(queues.apiRequestMasking, {
      name: queues.apiRequestMasking,
      policy: 'stately',
      retryLimit: 3,
      retryDelay: 60,
      expireInSeconds: 60 * 60,
    });
    await boss.createQueue(queues.cardCancellationCheck, {
      name: queues.cardCancellationCheck,
      retryLimit: 5,
      retryDelay: 60,
      retryBackoff: true,
      expireInSeconds: 5 * 60,
    });
    for (const name of Object.values(queues)) {
      const handler = handlers[name] as ((data: JobData[typeof name]) => Promise<void>) | undefined;
      if (!handler) continue;
      await boss.work<JobData[typeof name]>(name, { batchSize: 1, pollingIntervalSeconds: polling }, async (jobs) => {
        for (const job of jobs) await handler(job.data);
      });
    }
    if (options.fetchCron) await boss.schedule(queues.settlementFetch, options.fetchCron, {});
    else await boss.unschedule(queues.settlementFetch).catch(() => {});
    if (options.refundSweepCron) await boss.schedule(queues.refundBatchSweep, options.refundSweepCron, {});
    else await boss.unschedule(queues.refundBatchSweep).catch(() => {});
    if (options.retentionCron) await boss.schedule(queues.retention, options.retentionCron, {});
    else await boss.unschedule(queues.retention).catch(() => {});
    globalForJobs.__jobs = boss;
    return boss;
  })();
  return globalForJobs.__jobsStarting;
}

/** Queues a job. Refuses (rather than dropping the work) when this process runs no queue. */
export async function enqueue<Q extends QueueName>(
  name: Q,
  data: JobData[Q],
  options: PgBoss.SendOptions = {},
): Promise<string | null> {
  const boss = globalForJobs.__jobs ?? (globalForJobs.__jobsStarting ? await globalForJobs.__jobsStarting : null);
  if (!boss) throw new Error('The job queue is not running in this process, so the work cannot be queued.');
  return boss.send(name, data, options);
}

export async function stopJobs(): Promise<void> {
  const boss = globalForJobs.__jobs;
  globalForJobs.__jobs = undefined;
  globalForJobs.__jobsStarting = undefined;
  await boss?.stop({ graceful: true, wait: true, timeout: 10_000 });
}
