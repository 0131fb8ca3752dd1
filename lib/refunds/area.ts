import type { AreaRegistration } from '@/lib/area';
import { refundJobHandlers } from './jobs';

/** Mass refunds: the run of an approved batch, and a sweep that restarts runs whose instance died. */
export const refundsArea: AreaRegistration = {
  name: 'refunds',
  jobs: () => refundJobHandlers(),
  schedules: { refundSweepCron: '* * * * *' },
};
