import type { AreaRegistration } from '@/lib/area';
import { retentionCron, retentionJobHandlers } from './jobs';

/** Retention in the app (lib/app.ts): the hourly prune of log rows past their period. */
export const retentionArea: AreaRegistration = {
  name: 'retention',
  jobs: (log) => retentionJobHandlers(log),
  schedules: { retentionCron },
};
