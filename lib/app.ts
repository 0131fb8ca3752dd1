import 'server-only';
import type { AreaRegistration, JobSchedules, Log } from '@/lib/area';
import { cardsArea } from '@/lib/cards/area';
import { subscribeDomainEvents } from '@/lib/domain-events';
import type { JobHandlers } from '@/lib/jobs/queue';
import { klarnaArea } from '@/lib/klarna/area';
import { merchantsArea } from '@/lib/merchants/area';
import { paymentsArea } from '@/lib/payments/area';
import { refundsArea } from '@/lib/refunds/area';
import { retentionArea } from '@/lib/retention/area';
import { settlementsArea } from '@/lib/settlements/area';
import { webhookHandlers, type WebhookHandlerRegistry } from '@/lib/webhooks/handlers';

/** The composition root, the one module that knows every area: add a new area's `lib/<area>/area.ts` here. */
export const areas: readonly AreaRegistration[] = [
  merchantsArea,
  paymentsArea,
  settlementsArea,
  refundsArea,
  retentionArea,
  klarnaArea,
  cardsArea,
];

const globalForApp = globalThis as unknown as { __areasRegistered?: boolean };

/** Registers every area's webhook handlers and event listeners once per process (registries live on globalThis). */
export function registerAreas(): void {
  if (globalForApp.__areasRegistered) return;
  globalForApp.__areasRegistered = true;
  const registry = webhookHandlers();
  for (const area of areas) {
    area.webhooks?.(registry);
    if (area.subscriptions) subscribeDomainEvents(area.subscriptions);
  }
}

/** The process's webhook handler registry with every area registered (the receiver and re-processing read it). */
export function appWebhookHandlers(): WebhookHandlerRegistry {
  registerAreas();
  return webhookHandlers();
}

/** Every area's job handlers and schedules, for lib/jobs/queue.ts `startJobs`. */
export function appJobs(log: Log): { handlers: JobHandlers; schedules: JobSchedules } {
  return {
    handlers: areas.reduce<JobHandlers>((all, area) => ({ ...all, ...area.jobs?.(log) }), {}),
    schedules: areas.reduce<JobSchedules>((all, area) => ({ ...all, ...area.schedules }), {}),
  };
}
