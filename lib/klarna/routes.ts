import type { ApiCategory } from './rate-limit';

/** Every Klarna path we know; the category picks the rate limit (seed, "API operation categories"). */
export const klarnaRoutes = {
  'credentials.create': { method: 'POST', path: '/v1/account/credentials', category: 'partner-management' },
  'credentials.list': { method: 'GET', path: '/v1/account/credentials', category: 'partner-management' },
  'credentials.delete': {
    method: 'DELETE',
    path: '/v1/account/credentials/{credential_id}',
    category: 'partner-management',
  },
  'signingKeys.create': { method: 'POST', path: '/v1/notification/signing-keys', category: 'partner-management' },
  'signingKeys.list': { method: 'GET', path: '/v1/notification/signing-keys', category: 'partner-management' },
  'signingKeys.get': {
    method: 'GET',
    path: '/v1/notification/signing-keys/{signing_key_id}',
    category: 'partner-management',
  },
  'signingKeys.delete': {
    method: 'DELETE',
    path: '/v1/notification/signing-keys/{signing_key_id}',
    category: 'partner-management',
  },
  'webhooks.create': { method: 'POST', path: '/v1/notification/webhooks', category: 'partner-management' },
  'webhooks.list': { method: 'GET', path: '/v1/notification/webhooks', category: 'partner-management' },
  'webhooks.get': { method: 'GET', path: '/v1/notification/webhooks/{webhook_id}', category: 'partner-management' },
  'webhooks.update': {
    method: 'PATCH',
    path: '/v1/notification/webhooks/{webhook_id}',
    category: 'partner-management',
  },
  'webhooks.delete': {
    method: 'DELETE',
    path: '/v1/notification/webhooks/{webhook_id}',
    category: 'partner-management',
  },
  'webhooks.simulate': {
    method: 'POST',
    path: '/v1/notification/webhooks/{webhook_id}/simulate',
    category: 'partner-management',
  },
  'accounts.onboard': { method: 'POST', path: '/v1/distribution/onboard', category: 'account-onboarding' },
  'accounts.list': { method: 'GET', path: '/v1/accounts', category: 'partner-management' },
  'accounts.get': { method: 'GET', path: '/v1/accounts/{account_id}', category: 'partner-management' },
  'accounts.update': { method: 'PATCH', path: '/v1/accounts/{account_id}', category: 'partner-management' },
  'businessInformation.get': {
    method: 'GET',
    path: '/v1/accounts/{account_id}/business-information',
    category: 'partner-management',
  },
  'businessInformation.update': {
    method: 'PATCH',
    path: '/v1/accounts/{account_id}/business-information',
    category: 'partner-management',
  },
  'paymentProduct.disable': {
    method: 'POST',
    path: '/v1/accounts/{account_id}/products/payment/disable',
    category: 'partner-management',
  },
  'paymentProduct.enable': {
    method: 'POST',
    path: '/v1/accounts/{account_id}/products/payment/enable',
    category: 'partner-management',
  },
  'channels.list': { method: 'GET', path: '/v1/accounts/{account_id}/channels', category: 'partner-management' },
  'channels.create': { method: 'POST', path: '/v1/accounts/{account_id}/channels', category: 'partner-management' },
  'channels.get': {
    method: 'GET',
    path: '/v1/accounts/{account_id}/channels/{channel_id}',
    category: 'partner-management',
  },
  'channels.update': {
    method: 'PATCH',
    path: '/v1/accounts/{account_id}/channels/{channel_id}',
    category: 'partner-management',
  },
  'channels.delete': {
    method: 'DELETE',
    path: '/v1/accounts/{account_id}/channels/{channel_id}',
    category: 'partner-management',
  },
  'channelCollections.list': {
    method: 'GET',
    path: '/v1/accounts/{account_id}/channel-collections',
    category: 'partner-management',
  },
  'channelCollections.create': {
    method: 'POST',
    path: '/v1/accounts/{account_id}/channel-collections',
    category: 'partner-management',
  },
  'channelCollections.get': {
    method: 'GET',
    path: '/v1/accounts/{account_id}/channel-collections/{collection_reference}',
    category: 'partner-management',
  },
  'channelCollections.update': {
    method: 'PATCH',
    path: '/v1/accounts/{account_id}/channel-collections/{collection_reference}',
    category: 'partner-management',
  },
  'channelCollections.delete': {
    method: 'DELETE',
    path: '/v1/accounts/{account_id}/channel-collections/{collection_reference}',
    category: 'partner-management',
  },
  'pricePlans.list': { method: 'GET', path: '/v1/payment/pricing/price-plans', category: 'partner-management' },
  'settlementConfigurations.list': {
    method: 'GET',
    path: '/v1/payment/settlement-configurations',
    category: 'partner-management',
  },
  'distributionProfiles.list': { method: 'GET', path: '/v1/distribution-profiles', category: 'partner-management' },
  'portal.deepLink': {
    method: 'POST',
    path: '/v1/accounts/{account_id}/portal/deep-links',
    category: 'partner-management',
  },
  'paymentRequests.create': {
    method: 'POST',
    path: '/v1/accounts/{account_id}/payment/requests',
    category: 'payment-transaction-management',
  },
  'paymentRequests.get': {
    method: 'GET',
    path: '/v1/accounts/{account_id}/payment/requests/{payment_request_id}',
    category: 'payment-transaction-management',
  },
  'paymentRequests.update': {
    method: 'PATCH',
    path: '/v1/accounts/{account_id}/payment/requests/{payment_request_id}',
    category: 'payment-transaction-management',
  },
  'paymentRequests.cancel': {
    method: 'DELETE',
    path: '/v1/accounts/{account_id}/payment/requests/{payment_request_id}',
    category: 'payment-transaction-management',
  },
  'paymentRequests.confirm': {
    method: 'POST',
    path: '/v1/accounts/{account_id}/payment/confirmation-tokens/{payment_confirmation_token}/confirm',
    category: 'payment-transaction-management',
  },
  'paymentTransactions.get': {
    method: 'GET',
    path: '/v2/accounts/{account_id}/payment/transactions/{payment_transaction_id}',
    category: 'payment-transaction-management',
  },
  'paymentTransactions.update': {
    method: 'PATCH',
    path: '/v2/accounts/{account_id}/payment/transactions/{payment_transaction_id}',
    category: 'payment-transaction-management',
  },
  'paymentTransactions.capture': {
    method: 'POST',
    path: '/v2/accounts/{account_id}/payment/transactions/{payment_transaction_id}/captures',
    category: 'payment-transaction-capture',
  },
  'paymentTransactions.refundCapture': {
    method: 'POST',
    path: '/v2/accounts/{account_id}/payment/transactions/{payment_transaction_id}/captures/{payment_capture_id}/refunds',
    category: 'payment-transaction-capture',
  },
  'paymentTransactions.refund': {
    method: 'POST',
    path: '/v2/accounts/{account_id}/payment/transactions/{payment_transaction_id}/refunds',
    category: 'payment-transaction-capture',
  },
  'paymentTransactions.void': {
    method: 'POST',
    path: '/v2/accounts/{account_id}/payment/transactions/{payment_transaction_id}/void',
    category: 'payment-transaction-management',
  },
  'paymentTransactions.reauthorize': {
    method: 'POST',
    path: '/v2/accounts/{account_id}/payment/transactions/{payment_transaction_id}/reauthorize',
    category: 'payment-transaction-management',
  },
  // Messaging: the seed's Partner Product Messaging API (seed 002 l. 2312, 2434); reads with query parameters.
  'messaging.paymentDescriptors': {
    method: 'GET',
    path: '/v1/accounts/{account_id}/payment/messaging/payment-descriptors',
    category: 'payment-transaction-management',
  },
  'messaging.checkout': {
    method: 'GET',
    path: '/v1/accounts/{account_id}/payment/messaging/checkout',
    category: 'payment-transaction-management',
  },
  // Settlements: the seed's Settlement API is "a future release"; these paths are ours (klarna-api-notes.md).
  'settlements.list': { method: 'GET', path: '/v1/settlements', category: 'settlement' },
  'settlements.get': { method: 'GET', path: '/v1/settlements/{settlement_id}', category: 'settlement' },
  'settlements.transactions': {
    method: 'GET',
    path: '/v1/settlements/{settlement_id}/transactions',
    category: 'settlement',
  },
  'settlements.csv': { method: 'GET', path: '/v1/settlements/{settlement_id}/csv', category: 'settlement' },
  // Merchant Card Service (seed 001, base /merchantcard/v3). The seed gives it no rate-limit
  // category; ours: payment transaction management (docs/klarna-decisions.md, "Virtual cards").
  'cardPromises.create': {
    method: 'POST',
    path: '/merchantcard/v3/promises',
    category: 'payment-transaction-management',
  },
  'cardPromises.get': {
    method: 'GET',
    path: '/merchantcard/v3/promises/{promise_id}',
    category: 'payment-transaction-management',
  },
  'cardSettlements.create': {
    method: 'POST',
    path: '/merchantcard/v3/settlements',
    category: 'payment-transaction-management',
  },
  'cardSettlements.get': {
    method: 'GET',
    path: '/merchantcard/v3/settlements/{settlement_id}',
    category: 'payment-transaction-management',
  },
  'cardSettlements.getByOrder': {
    method: 'GET',
    path: '/merchantcard/v3/settlements/order/{order_id}',
    category: 'payment-transaction-management',
  },
  'cardCancellations.request': {
    method: 'POST',
    path: '/merchantcard/v3/orders/{order_id}/cancel-request',
    category: 'payment-transaction-management',
  },
  'cardCancellations.get': {
    method: 'GET',
    path: '/merchantcard/v3/orders/{order_id}/cancel-request',
    category: 'payment-transaction-management',
  },
} as const satisfies Record<
  string,
  { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; path: string; category: ApiCategory }
>;

export type KlarnaOperation = keyof typeof klarnaRoutes;
export type KlarnaRoute = (typeof klarnaRoutes)[KlarnaOperation];

type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;
export type RouteParams<O extends KlarnaOperation> = Record<ParamNames<(typeof klarnaRoutes)[O]['path']>, string>;

/** Fills a route's path parameters, each URL-encoded (Klarna ids contain `:`, which stays readable). */
export function klarnaPath<O extends KlarnaOperation>(operation: O, params: RouteParams<O>): string {
  const values = params as Record<string, string>;
  return klarnaRoutes[operation].path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (!value) throw new Error(`${operation}: missing path parameter ${name}`);
    return encodeURIComponent(value).replace(/%3A/gi, ':');
  });
}

/** The same path in the router syntax Hono uses (`:name`), for the sandbox. */
export function routerPath(operation: KlarnaOperation): string {
  return klarnaRoutes[operation].path.replace(/\{(\w+)\}/g, ':$1');
}
