import type { AreaRegistration } from '@/lib/area';
import { registerMerchantHandlers } from './webhook-handlers';

/** Merchants in the app (lib/app.ts): account and product state webhooks update the merchant cache. */
export const merchantsArea: AreaRegistration = { name: 'merchants', webhooks: registerMerchantHandlers };
