import { paymentDescriptorsRequestSchema, placementRequestSchema } from '../../lib/klarna/schemas/messaging';
import { parseWith } from '../errors';
import { getAccountOrThrow } from '../state/accounts';
import { checkoutPlacement, paymentDescriptors } from '../state/messaging-copy';
import type { RouteGroup } from './types';

/**
 * Messaging (seed, "Checking Klarna availability", "2.2" and "2.3"): Klarna.js's
 * `getPlacementContent({key: "payment-descriptors"})` and the checkout placement, as HTTP
 * operations at paths of our own, answering static copy (sandbox/state/messaging-copy.ts).
 * Reads, so nothing changes; an account whose payment product is not ENABLED is offered nothing.
 */
export const messagingRoutes: RouteGroup = {
  'messaging.paymentDescriptors': ({ sandbox, params, body }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    const input = parseWith(paymentDescriptorsRequestSchema, body);
    if (account.product.state !== 'ENABLED') return { status: 200, body: { paymentDescriptors: [] } };
    return { status: 200, body: paymentDescriptors(input) };
  },

  'messaging.placements': ({ sandbox, params, body }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    const input = parseWith(placementRequestSchema, body);
    if (account.product.state !== 'ENABLED') return { status: 200, body: { key: 'checkout', content: { nodes: [] } } };
    return { status: 200, body: checkoutPlacement(input) };
  },
};
