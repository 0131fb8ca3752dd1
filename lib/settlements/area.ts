import type { AreaRegistration } from '@/lib/area';
import { registerSettlementHandlers, settlementJobHandlers } from './jobs';
import { queueRecheckFor } from './recheck';

/** Settlement jobs: import, re-check, and a fetch every 15 minutes and on `settlement.report.created`. */
export const settlementsArea: AreaRegistration = {
  name: 'settlements',
  webhooks: registerSettlementHandlers,
  jobs: () => settlementJobHandlers(),
  schedules: { fetchCron: '*/15 * * * *' },
  subscriptions: { 'payment-operations.learnt': ({ db, operations }) => queueRecheckFor(db, operations) },
};
