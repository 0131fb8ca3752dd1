import { z } from 'zod';
import { cardPromiseCreateSchema, cardSettlementCreateSchema } from '../../lib/klarna/schemas/cards';
import { parseWith, sandboxErrors } from '../errors';
import {
  cardCancellationStatus,
  cardScope,
  createCardPromise,
  createCardSettlement,
  getCardPromise,
  publicCardPromise,
  publicCardSettlement,
  readCardSettlement,
  requestCardCancellation,
} from '../state/cards';
import type { OperationContext, RouteGroup } from './types';

// The cancel request carries nothing; the client sends no body (or `{}`).
const noBody = z.strictObject({});

/** The `KeyId` header the settlement reads require (seed 001); missing → 400 naming it. */
function keyIdOf(ctx: OperationContext): string {
  const keyId = ctx.header('KeyId')?.trim();
  if (!keyId) throw sandboxErrors.validation([{ parameter: 'KeyId', error_message: 'the KeyId header is required' }]);
  return keyId;
}

/** Merchant Card Service (seed 001, base /merchantcard/v3); state and rules in sandbox/state/cards.ts. */
export const cardsRoutes: RouteGroup = {
  'cardPromises.create': ({ sandbox, body, accountId }) => {
    const scope = cardScope(sandbox, accountId);
    const promise = createCardPromise(sandbox, scope, parseWith(cardPromiseCreateSchema, body));
    return { status: 201, body: { expires_at: promise.expires_at, promise_id: promise.promise_id } };
  },

  'cardPromises.get': ({ sandbox, params, accountId }) => ({
    status: 200,
    body: publicCardPromise(getCardPromise(sandbox, cardScope(sandbox, accountId), params.promise_id!)),
  }),

  'cardSettlements.create': ({ sandbox, body, accountId }) => {
    const scope = cardScope(sandbox, accountId);
    const { settlement, key } = createCardSettlement(sandbox, scope, parseWith(cardSettlementCreateSchema, body));
    return { status: 201, body: publicCardSettlement(settlement, key) };
  },

  'cardSettlements.get': (ctx) => {
    const scope = cardScope(ctx.sandbox, ctx.accountId);
    const keyId = keyIdOf(ctx);
    const { settlement, key } = readCardSettlement(
      ctx.sandbox,
      scope,
      { settlement_id: ctx.params.settlement_id! },
      keyId,
    );
    return { status: 200, body: publicCardSettlement(settlement, key) };
  },

  'cardSettlements.getByOrder': (ctx) => {
    const scope = cardScope(ctx.sandbox, ctx.accountId);
    const keyId = keyIdOf(ctx);
    const { settlement, key } = readCardSettlement(ctx.sandbox, scope, { order_id: ctx.params.order_id! }, keyId);
    return { status: 200, body: publicCardSettlement(settlement, key) };
  },

  'cardCancellations.request': ({ sandbox, params, body, accountId }) => {
    parseWith(noBody, body);
    return requestCardCancellation(sandbox, cardScope(sandbox, accountId), params.order_id!);
  },

  'cardCancellations.get': ({ sandbox, params, accountId }) => ({
    status: 200,
    body: cardCancellationStatus(sandbox, cardScope(sandbox, accountId), params.order_id!),
  }),
};
