import type { KlarnaClient } from './client';
import { klarnaPath, klarnaRoutes, type KlarnaOperation, type RouteParams } from './routes';
import {
  credentialListSchema,
  credentialSchema,
  signingKeyCreatedSchema,
  signingKeyListSchema,
  signingKeySchema,
  type CredentialCreateRequest,
} from './schemas/management';
import {
  webhookListSchema,
  webhookSchema,
  webhookSimulatedSchema,
  type WebhookCreateRequest,
  type WebhookSimulateRequest,
  type WebhookUpdateRequest,
} from './schemas/webhooks';
import {
  accountListSchema,
  accountSchema,
  businessInformationResponseSchema,
  channelCollectionListSchema,
  channelCollectionSchema,
  channelListSchema,
  channelSchema,
  deepLinkSchema,
  distributionProfileListSchema,
  onboardResponseSchema,
  pricePlanListSchema,
  productActionResponseSchema,
  settlementConfigurationListSchema,
  type AccountUpdateRequest,
  type BusinessInformationUpdate,
  type ChannelCollectionCreateRequest,
  type ChannelCollectionUpdateRequest,
  type ChannelCreateRequest,
  type ChannelUpdateRequest,
  type DeepLinkRequest,
  type OnboardRequest,
} from './schemas/accounts';
import {
  captureResultSchema,
  paymentRequestSchema,
  paymentTransactionSchema,
  refundResultSchema,
  type CaptureCreateRequest,
  type PaymentConfirmRequest,
  type PaymentRequestCreateRequest,
  type PaymentRequestUpdateRequest,
  type ReauthorizeRequest,
  type RefundCreateRequest,
  type TransactionUpdateRequest,
} from './schemas/payments';
import {
  checkoutPlacementResponseSchema,
  messagingQueryParameters,
  paymentDescriptorsResponseSchema,
  type MessagingQuery,
} from './schemas/messaging';
import { settlementListSchema, settlementSchema, settlementTransactionListSchema } from './schemas/settlements';
import { downloadSettlementCsv } from './settlement-download';
import {
  cancellationSchema,
  cardPromiseCreatedSchema,
  cardPromiseSchema,
  cardSettlementSchema,
  type CardPromiseCreateRequest,
  type CardSettlementCreateRequest,
} from './schemas/cards';
import type { z } from 'zod';

export type Mutation = { idempotencyKey: string; correlationId?: string };

export type KlarnaApiOptions = {
  /** Thrown instead of KlarnaApiError/KlarnaNetworkError: the app's typed error, so no call site translates. */
  translateError?: (error: unknown) => unknown;
};

export function klarnaApi(client: KlarnaClient, options: KlarnaApiOptions = {}) {
  const translate = options.translateError;
  const typed = <T>(pending: Promise<T>): Promise<T> =>
    translate
      ? pending.catch((error: unknown) => {
          throw translate(error);
        })
      : pending;
  function call<O extends KlarnaOperation, T>(
    operation: O,
    params: RouteParams<O>,
    options: {
      body?: unknown;
      response?: z.ZodType<T>;
      mutation?: Mutation;
      accountId?: string;
      query?: Record<string, string | undefined>;
      headers?: Record<string, string>;
    },
  ): Promise<T> {
    const route = klarnaRoutes[operation];
    const query = new URLSearchParams(
      Object.entries(options.query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ).toString();
    return typed(
      client.request<T>({
        operation,
        method: route.method,
        path: klarnaPath(operation, params) + (query ? `?${query}` : ''),
        category: route.category,
        body: options.body,
        response: options.response,
        idempotencyKey: options.mutation?.idempotencyKey,
        correlationId: options.mutation?.correlationId,
        accountId: options.accountId,
        headers: options.headers,
      }),
    );
  }
  const none = {} as Record<never, string>;

  return {
    credentials: {
      create: (body: CredentialCreateRequest, mutation: Mutation) =>
        call('credentials.create', none, { body, mutation, response: credentialSchema }),
      list: () => call('credentials.list', none, { response: credentialListSchema }),
      delete: (credentialId: string) => call('credentials.delete', { credential_id: credentialId }, {}),
    },
    signingKeys: {
      create: (mutation: Mutation) =>
        call('signingKeys.create', none, { body: {}, mutation, response: signingKeyCreatedSchema }),
      list: () => call('signingKeys.list', none, { response: signingKeyListSchema }),
      get: (signingKeyId: string) =>
        call('signingKeys.get', { signing_key_id: signingKeyId }, { response: signingKeySchema }),
      delete: (signingKeyId: string) => call('signingKeys.delete', { signing_key_id: signingKeyId }, {}),
    },
    webhooks: {
      create: (body: WebhookCreateRequest, mutation: Mutation) =>
        call('webhooks.create', none, { body, mutation, response: webhookSchema }),
      list: () => call('webhooks.list', none, { response: webhookListSchema }),
      get: (webhookId: string) => call('webhooks.get', { webhook_id: webhookId }, { response: webhookSchema }),
      update: (webhookId: string, body: WebhookUpdateRequest, mutation: Mutation) =>
        call('webhooks.update', { webhook_id: webhookId }, { body, mutation, response: webhookSchema }),
      delete: (webhookId: string) => call('webhooks.delete', { webhook_id: webhookId }, {}),
      simulate: (webhookId: string, body: WebhookSimulateRequest, mutation: Mutation) =>
        call('webhooks.simulate', { webhook_id: webhookId }, { body, mutation, response: webhookSimulatedSchema }),
    },
    accounts: {
      onboard: (body: OnboardRequest, mutation: Mutation) =>
        call('accounts.onboard', none, { body, mutation, response: onboardResponseSchema }),
      /** One page, oldest first; `startingAfter` is the last account_id of the previous page. */
      list: (page: { limit?: number; startingAfter?: string } = {}) =>
        call('accounts.list', none, {
          response: accountListSchema,
          query: { limit: page.limit?.toString(), starting_after: page.startingAfter },
        }),
      get: (accountId: string) =>
        call('accounts.get', { account_id: accountId }, { response: accountSchema, accountId }),
      update: (accountId: string, body: AccountUpdateRequest, mutation: Mutation) =>
        call('accounts.update', { account_id: accountId }, { body, mutation, response: accountSchema, accountId }),
    },
    businessInformation: {
      get: (accountId: string) =>
        call(
          'businessInformation.get',
          { account_id: accountId },
          { response: businessInformationResponseSchema, accountId },
        ),
      update: (accountId: string, body: BusinessInformationUpdate, mutation: Mutation) =>
        call(
          'businessInformation.update',
          { account_id: accountId },
          { body, mutation, response: businessInformationResponseSchema, accountId },
        ),
    },
    paymentProduct: {
      disable: (accountId: string, mutation: Mutation) =>
        call(
          'paymentProduct.disable',
          { account_id: accountId },
          { body: {}, mutation, response: productActionResponseSchema, accountId },
        ),
      enable: (accountId: string, mutation: Mutation) =>
        call(
          'paymentProduct.enable',
          { account_id: accountId },
          { body: {}, mutation, response: productActionResponseSchema, accountId },
        ),
    },
    channels: {
      list: (accountId: string) =>
        call('channels.list', { account_id: accountId }, { response: channelListSchema, accountId }),
      create: (accountId: string, body: ChannelCreateRequest, mutation: Mutation) =>
        call('channels.create', { account_id: accountId }, { body, mutation, response: channelSchema, accountId }),
      get: (accountId: string, channelId: string) =>
        call('channels.get', { account_id: accountId, channel_id: channelId }, { response: channelSchema, accountId }),
      update: (accountId: string, channelId: string, body: ChannelUpdateRequest, mutation: Mutation) =>
        call(
          'channels.update',
          { account_id: accountId, channel_id: channelId },
          { body, mutation, response: channelSchema, accountId },
        ),
      delete: (accountId: string, channelId: string) =>
        call('channels.delete', { account_id: accountId, channel_id: channelId }, { accountId }),
    },
    channelCollections: {
      list: (accountId: string) =>
        call(
          'channelCollections.list',
          { account_id: accountId },
          { response: channelCollectionListSchema, accountId },
        ),
      create: (accountId: string, body: ChannelCollectionCreateRequest, mutation: Mutation) =>
        call(
          'channelCollections.create',
          { account_id: accountId },
          { body, mutation, response: channelCollectionSchema, accountId },
        ),
      get: (accountId: string, reference: string) =>
        call(
          'channelCollections.get',
          { account_id: accountId, collection_reference: reference },
          { response: channelCollectionSchema, accountId },
        ),
      update: (accountId: string, reference: string, body: ChannelCollectionUpdateRequest, mutation: Mutation) =>
        call(
          'channelCollections.update',
          { account_id: accountId, collection_reference: reference },
          { body, mutation, response: channelCollectionSchema, accountId },
        ),
      delete: (accountId: string, reference: string) =>
        call('channelCollections.delete', { account_id: accountId, collection_reference: reference }, { accountId }),
    },
    pricePlans: { list: () => call('pricePlans.list', none, { response: pricePlanListSchema }) },
    settlementConfigurations: {
      list: () => call('settlementConfigurations.list', none, { response: settlementConfigurationListSchema }),
    },
    distributionProfiles: {
      list: () => call('distributionProfiles.list', none, { response: distributionProfileListSchema }),
    },
    portal: {
      /** A one-time link, valid 60 s: create it only when the user asked to open the portal. */
      deepLink: (accountId: string, body: DeepLinkRequest, mutation: Mutation) =>
        call('portal.deepLink', { account_id: accountId }, { body, mutation, response: deepLinkSchema, accountId }),
    },
    paymentRequests: {
      /** 201 with `state_context.distribution.url`, where the shopper approves or denies. */
      create: (accountId: string, body: PaymentRequestCreateRequest, mutation: Mutation) =>
        call(
          'paymentRequests.create',
          { account_id: accountId },
          { body, mutation, response: paymentRequestSchema, accountId },
        ),
      get: (accountId: string, paymentRequestId: string) =>
        call(
          'paymentRequests.get',
          { account_id: accountId, payment_request_id: paymentRequestId },
          { response: paymentRequestSchema, accountId },
        ),
      /** Only while SUBMITTED. */
      update: (accountId: string, paymentRequestId: string, body: PaymentRequestUpdateRequest, mutation: Mutation) =>
        call(
          'paymentRequests.update',
          { account_id: accountId, payment_request_id: paymentRequestId },
          { body, mutation, response: paymentRequestSchema, accountId },
        ),
      /** Until AUTHORIZED; answers the CANCELED request. */
      cancel: (accountId: string, paymentRequestId: string) =>
        call(
          'paymentRequests.cancel',
          { account_id: accountId, payment_request_id: paymentRequestId },
          { response: paymentRequestSchema, accountId },
        ),
      /** Idempotent per token: a repeat answers the same AUTHORIZED request with the same `payment_transaction_id`. */
      confirm: (accountId: string, paymentConfirmationToken: string, body: PaymentConfirmRequest, mutation: Mutation) =>
        call(
          'paymentRequests.confirm',
          { account_id: accountId, payment_confirmation_token: paymentConfirmationToken },
          { body, mutation, response: paymentRequestSchema, accountId },
        ),
    },
    paymentTransactions: {
      get: (accountId: string, transactionId: string) =>
        call(
          'paymentTransactions.get',
          { account_id: accountId, payment_transaction_id: transactionId },
          { response: paymentTransactionSchema, accountId },
        ),
      update: (accountId: string, transactionId: string, body: TransactionUpdateRequest, mutation: Mutation) =>
        call(
          'paymentTransactions.update',
          { account_id: accountId, payment_transaction_id: transactionId },
          { body, mutation, response: paymentTransactionSchema, accountId },
        ),
      capture: (accountId: string, transactionId: string, body: CaptureCreateRequest, mutation: Mutation) =>
        call(
          'paymentTransactions.capture',
          { account_id: accountId, payment_transaction_id: transactionId },
          { body, mutation, response: captureResultSchema, accountId },
        ),
      refundCapture: (
        accountId: string,
        transactionId: string,
        captureId: string,
        body: RefundCreateRequest,
        mutation: Mutation,
      ) =>
        call(
          'paymentTransactions.refundCapture',
          { account_id: accountId, payment_transaction_id: transactionId, payment_capture_id: captureId },
          { body, mutation, response: refundResultSchema, accountId },
        ),
      refund: (accountId: string, transactionId: string, body: RefundCreateRequest, mutation: Mutation) =>
        call(
          'paymentTransactions.refund',
          { account_id: accountId, payment_transaction_id: transactionId },
          { body, mutation, response: refundResultSchema, accountId },
        ),
      /** Releases what is not captured: CLOSED when nothing was captured, else COMPLETED. */
      void: (accountId: string, transactionId: string, mutation: Mutation) =>
        call(
          'paymentTransactions.void',
          { account_id: accountId, payment_transaction_id: transactionId },
          { body: {}, mutation, response: paymentTransactionSchema, accountId },
        ),
      reauthorize: (accountId: string, transactionId: string, body: ReauthorizeRequest, mutation: Mutation) =>
        call(
          'paymentTransactions.reauthorize',
          { account_id: accountId, payment_transaction_id: transactionId },
          { body, mutation, response: paymentTransactionSchema, accountId },
        ),
    },
    messaging: {
      /** An empty list means Klarna is not offered for this locale, currency and amount. */
      paymentDescriptors: (accountId: string, query: MessagingQuery) =>
        call(
          'messaging.paymentDescriptors',
          { account_id: accountId },
          { query: messagingQueryParameters(query), response: paymentDescriptorsResponseSchema, accountId },
        ),
      /** The checkout placement; no nodes where Klarna is not offered. */
      checkout: (accountId: string, query: MessagingQuery) =>
        call(
          'messaging.checkout',
          { account_id: accountId },
          { query: messagingQueryParameters(query), response: checkoutPlacementResponseSchema, accountId },
        ),
    },
    settlements: {
      /** One page, newest first; `startingAfter` is the last settlement_id of the previous page. */
      list: (
        filter: {
          currency?: string;
          settlementConfigurationId?: string;
          createdAfter?: string;
          limit?: number;
          startingAfter?: string;
        } = {},
      ) =>
        call('settlements.list', none, {
          response: settlementListSchema,
          query: {
            currency: filter.currency,
            settlement_configuration_id: filter.settlementConfigurationId,
            created_after: filter.createdAfter,
            limit: filter.limit?.toString(),
            starting_after: filter.startingAfter,
          },
        }),
      get: (settlementId: string) =>
        call('settlements.get', { settlement_id: settlementId }, { response: settlementSchema }),
      /** The report's lines as JSON, in file order, `limit` (≤ 1000) from `offset`. */
      transactions: (settlementId: string, page: { limit?: number; offset?: number } = {}) =>
        call(
          'settlements.transactions',
          { settlement_id: settlementId },
          {
            response: settlementTransactionListSchema,
            query: { limit: page.limit?.toString(), offset: page.offset?.toString() },
          },
        ),
      downloadCsv: (settlementId: string, options?: Parameters<typeof downloadSettlementCsv>[2]) =>
        typed(downloadSettlementCsv(client, settlementId, options)),
    },
    // Merchant Card Service (seed 001). Calls act for the partner, or for `accountId` when given.
    cardPromises: {
      /** 201 `{promise_id, expires_at}`; a newer promise for the same order invalidates the older. */
      create: (body: CardPromiseCreateRequest, mutation: Mutation, accountId?: string) =>
        call('cardPromises.create', none, { body, mutation, response: cardPromiseCreatedSchema, accountId }),
      get: (promiseId: string, accountId?: string) =>
        call('cardPromises.get', { promise_id: promiseId }, { response: cardPromiseSchema, accountId }),
    },
    cardSettlements: {
      /** 201 with every card's data encrypted for `key_id`. */
      create: (body: CardSettlementCreateRequest, mutation: Mutation, accountId?: string) =>
        call('cardSettlements.create', none, { body, mutation, response: cardSettlementSchema, accountId }),
      /** The cards encrypted for `keyId` (sent as the `KeyId` header). */
      get: (settlementId: string, keyId: string, accountId?: string) =>
        call(
          'cardSettlements.get',
          { settlement_id: settlementId },
          { response: cardSettlementSchema, accountId, headers: { KeyId: keyId } },
        ),
      getByOrder: (orderId: string, keyId: string, accountId?: string) =>
        call(
          'cardSettlements.getByOrder',
          { order_id: orderId },
          { response: cardSettlementSchema, accountId, headers: { KeyId: keyId } },
        ),
    },
    cardCancellations: {
      /** 200 `CANCELLED` when already cancelled, else 202 `PENDING` with `check_after`. */
      request: (orderId: string, mutation: Mutation, accountId?: string) =>
        call('cardCancellations.request', { order_id: orderId }, { mutation, response: cancellationSchema, accountId }),
      get: (orderId: string, accountId?: string) =>
        call('cardCancellations.get', { order_id: orderId }, { response: cancellationSchema, accountId }),
    },
  };
}

export type KlarnaApi = ReturnType<typeof klarnaApi>;
