import type { AreaRegistration } from '@/lib/area';
import { registerPaymentHandlers } from './webhook-handlers';

/** Payments in the app (lib/app.ts): transaction and request webhooks update the payment cache. */
export const paymentsArea: AreaRegistration = { name: 'payments', webhooks: registerPaymentHandlers };
