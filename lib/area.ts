import type { DomainEventSubscriptions } from '@/lib/domain-events';
import type { JobHandlers } from '@/lib/jobs/queue';
import type { WebhookHandlerRegistry } from '@/lib/webhooks/handlers';

export type Log = (line: string) => void;

/** Recurring jobs (cron expressions, UTC) that lib/jobs/queue.ts `startJobs` schedules. */
export type JobSchedules = {
  fetchCron?: string | null;
  retentionCron?: string | null;
  refundSweepCron?: string | null;
};

/** What an area adds to the app, wired by lib/app.ts; areas never import each other (use a job or a domain event). */
export type AreaRegistration = {
  name: string;
  webhooks?: (registry: WebhookHandlerRegistry) => void;
  jobs?: (log: Log) => JobHandlers;
  schedules?: JobSchedules;
  subscriptions?: DomainEventSubscriptions;
};
