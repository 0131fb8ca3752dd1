import type { AreaRegistration } from '@/lib/area';
import { registerSettlementHandlers, settlementJobHandlers } from './jobs';
import { queueRecheckFor } from './recheck';

/**
 * Settlements in the app (lib/app.ts): import, re-check and fetch jobs, a fetch every 15 minutes
 * and on `settlement.report.created`, and a re-check of reconciled payouts when payments learn a
 * capture or refund late.
 */
export const settlementsArea: AreaRegistration = {
  name: 'settlements',
  webhooks: registerSettlementHandlers,
  jobs: () => settlementJobHandlers(),
  schedules: { fetchCron: '*/15 * * * *' },
  subscriptions: { 'payment-operations.learnt': ({ db, operations }) => queueRecheckFor(db, operations) },
};
