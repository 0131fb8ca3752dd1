import type { KlarnaClient } from './client';
import { klarnaPath, klarnaRoutes, type KlarnaOperation, type RouteParams } from './routes';
import {
  credentialListSchema,
  credentialSchema,
  signingKeyCreatedSchema,
  signingKeyListSchema,
  type CredentialCreateRequest,
} from './schemas/management';
import { webhookListSchema, webhookSchema, webhookSimulatedSchema, type WebhookCreateRequest, type WebhookSimulateRequest, type WebhookUpdateRequest } from './schemas/webhooks';
import type { z } from 'zod';

/** What a mutating call needs besides its body: the key of the intent (lib/klarna/idempotency.ts). */
export type Mutation = { idempotencyKey: string; correlationId?: string };

/**
 * Typed Klarna operations over the one client: each names its route from the shared table
 * and parses the answer with the shared schema.
 */
export function klarnaApi(client: KlarnaClient) {
  function call<O extends KlarnaOperation, T>(operation: O, params: RouteParams<O>, options: { body?: unknown; response?: z.ZodType<T>; mutation?: Mutation; accountId?: string }): Promise<T> {
    const route = klarnaRoutes[operation];
    return client.request<T>({
      operation,
      method: route.method,
      path: klarnaPath(operation, params),
      category: route.category,
      body: options.body,
      response: options.response,
      idempotencyKey: options.mutation?.idempotencyKey,
      correlationId: options.mutation?.correlationId,
      accountId: options.accountId,
    });
  }
  const none = {} as Record<never, string>;

  return {
    credentials: {
      create: (body: CredentialCreateRequest, mutation: Mutation) => call('credentials.create', none, { body, mutation, response: credentialSchema }),
      list: () => call('credentials.list', none, { response: credentialListSchema }),
      delete: (credentialId: string) => call('credentials.delete', { credential_id: credentialId }, {}),
    },
    signingKeys: {
      create: (mutation: Mutation) => call('signingKeys.create', none, { body: {}, mutation, response: signingKeyCreatedSchema }),
      list: () => call('signingKeys.list', none, { response: signingKeyListSchema }),
      delete: (signingKeyId: string) => call('signingKeys.delete', { signing_key_id: signingKeyId }, {}),
    },
    webhooks: {
      create: (body: WebhookCreateRequest, mutation: Mutation) => call('webhooks.create', none, { body, mutation, response: webhookSchema }),
      list: () => call('webhooks.list', none, { response: webhookListSchema }),
      get: (webhookId: string) => call('webhooks.get', { webhook_id: webhookId }, { response: webhookSchema }),
      update: (webhookId: string, body: WebhookUpdateRequest, mutation: Mutation) => call('webhooks.update', { webhook_id: webhookId }, { body, mutation, response: webhookSchema }),
      delete: (webhookId: string) => call('webhooks.delete', { webhook_id: webhookId }, {}),
      simulate: (webhookId: string, body: WebhookSimulateRequest, mutation: Mutation) => call('webhooks.simulate', { webhook_id: webhookId }, { body, mutation, response: webhookSimulatedSchema }),
    },
  };
}

export type KlarnaApi = ReturnType<typeof klarnaApi>;
