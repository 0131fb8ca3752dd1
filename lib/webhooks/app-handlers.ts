import { registerMerchantHandlers } from '@/lib/merchants/webhook-handlers';
import { registerPaymentHandlers } from '@/lib/payments/webhook-handlers';
import { registerSettlementHandlers } from '@/lib/settlements/jobs';
import { webhookHandlers, type WebhookHandlerRegistry } from './handlers';

const globalForApp = globalThis as unknown as { __appHandlersRegistered?: boolean };

/**
 * The app's handler registry with every area's handlers registered (merchants, payments,
 * settlements). The receiver and re-processing both use this.
 */
export function appWebhookHandlers(): WebhookHandlerRegistry {
  const registry = webhookHandlers();
  if (!globalForApp.__appHandlersRegistered) {
    globalForApp.__appHandlersRegistered = true;
    registerMerchantHandlers(registry);
    registerPaymentHandlers(registry);
    registerSettlementHandlers(registry);
  }
  return registry;
}
