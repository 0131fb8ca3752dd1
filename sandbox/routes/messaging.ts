import { messagingQuerySchema } from '../../lib/klarna/schemas/messaging';
import { parseWith } from '../errors';
import { getAccountOrThrow } from '../state/accounts';
import { checkoutPlacement, paymentDescriptors } from '../state/messaging-copy';
import type { RouteGroup } from './types';

/**
 * The Partner Product Messaging API (seed 002 l. 2310–2470): payment descriptors and the
 * checkout placement, read with query parameters, answered from static copy
 * (sandbox/state/messaging-copy.ts). Reads, so nothing changes; an account whose payment
 * product is not ENABLED is offered nothing.
 */
export const messagingRoutes: RouteGroup = {
  'messaging.paymentDescriptors': ({ sandbox, params, query }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    const input = parseWith(messagingQuerySchema, Object.fromEntries(query));
    if (account.product.state !== 'ENABLED') return { status: 200, body: { payment_descriptors: [] } };
    return { status: 200, body: paymentDescriptors(input) };
  },

  'messaging.checkout': ({ sandbox, params, query }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    const input = parseWith(messagingQuerySchema, Object.fromEntries(query));
    if (account.product.state !== 'ENABLED') return { status: 200, body: { content: { nodes: [] } } };
    return { status: 200, body: checkoutPlacement(input) };
  },
};
