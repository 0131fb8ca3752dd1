import { Hono, type Context } from 'hono';
import { klarnaRoutes, routerPath, type KlarnaOperation } from '../lib/klarna/routes';
import { registerControlRoutes } from './control';
import { SandboxError, sandboxErrors } from './errors';
import { errorResponse, jsonResponse, readJsonBody, type SandboxEnv } from './http';
import { IdempotencyStore, type OperationResult } from './idempotency';
import { accountsRoutes } from './routes/accounts';
import { channelsRoutes } from './routes/channels';
import { cardsRoutes } from './routes/cards';
import { credentialsRoutes } from './routes/credentials';
import { messagingRoutes } from './routes/messaging';
import { paymentsRoutes, registerShopperPages } from './routes/payments';
import { portalRoutes, registerPortalPages } from './routes/portal';
import { RawBody, settlementsRoutes } from './routes/settlements';
import { signingKeysRoutes } from './routes/signing-keys';
import type { OperationHandler, RouteGroup } from './routes/types';
import { webhooksRoutes } from './routes/webhooks';
import type { SandboxRuntime } from './runtime';

export { errorResponse, jsonResponse, readJsonBody, type SandboxEnv } from './http';

/** Every API group the sandbox serves; a new group is one file in routes/ and one entry here. */
export const routeGroups: RouteGroup[] = [
  credentialsRoutes,
  signingKeysRoutes,
  webhooksRoutes,
  accountsRoutes,
  channelsRoutes,
  portalRoutes,
  paymentsRoutes,
  messagingRoutes,
  settlementsRoutes,
  cardsRoutes,
];

/**
 * The sandbox's HTTP app: the control API under `/_sandbox`, and every operation of the route
 * groups at the method and path lib/klarna/routes.ts gives it, each through one pipeline:
 * latency → rate limit → auth → idempotency key and body → fault → handler (under the
 * idempotency key) → fault after the effect → answer.
 */
export function createSandboxApp(sandbox: SandboxRuntime, groups: RouteGroup[] = routeGroups): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  registerControlRoutes(app, sandbox);
  // What a portal deep link opens: a page for the browser, outside /v1 and its pipeline.
  registerPortalPages(app, sandbox);
  // Where a payment request's distribution URL leads: the shopper approves or denies.
  registerShopperPages(app, sandbox);
  for (const group of groups) {
    for (const [operation, handler] of Object.entries(group) as [KlarnaOperation, OperationHandler][]) {
      app.on(klarnaRoutes[operation].method, routerPath(operation), (c) =>
        handleOperation(c, sandbox, operation, handler),
      );
    }
  }
  app.notFound(() => errorResponse(sandboxErrors.notFound()));
  app.onError((error, c) => {
    if (error instanceof SandboxError) return errorResponse(error);
    console.error(`sandbox: ${c.req.method} ${c.req.path} failed`, error);
    return errorResponse(sandboxErrors.internal());
  });
  return app;
}

function authenticate(sandbox: SandboxRuntime, header: string | undefined): string | null {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const key = match[1]!;
  // The sandbox is Klarna's test environment: only TEST API keys get in.
  const credential = Object.values(sandbox.store.data.credentials).find((c) => c.secret === key);
  return credential && credential.type === 'API' && credential.environment === 'TEST' ? credential.credential_id : null;
}

async function handleOperation(
  c: Context<SandboxEnv>,
  sandbox: SandboxRuntime,
  operation: KlarnaOperation,
  handler: OperationHandler,
): Promise<Response> {
  const route = klarnaRoutes[operation];
  const headers: Record<string, string> = {};
  const correlationId = c.req.header('partner-correlation-id');
  if (correlationId) headers['Partner-Correlation-Id'] = correlationId;

  await sandbox.faults.latency();
  const accountId = c.req.header('klarna-partner-account') || null;
  const verdict = sandbox.rateLimiter.check(route.category, accountId, sandbox.faults.takeRateLimitBurst());
  Object.assign(headers, verdict.headers);
  if (!verdict.allowed) return errorResponse(sandboxErrors.rateLimited(), headers);

  const credentialId = authenticate(sandbox, c.req.header('authorization'));
  if (!credentialId) return errorResponse(sandboxErrors.unauthorized(), headers);

  try {
    const mutating = route.method === 'POST' || route.method === 'PATCH';
    const key = mutating ? IdempotencyStore.readKey(c.req.header('klarna-idempotency-key')) : null;
    const body = mutating ? await readJsonBody(c) : undefined;

    const fault = sandbox.faults.decide(operation, c.req.path);
    if (fault === 'error-before')
      return errorResponse(sandboxErrors.internal('Injected fault (before the effect).'), headers);
    if (fault === 'unavailable') return errorResponse(sandboxErrors.unavailable(), headers);

    const execute = async (): Promise<OperationResult> => {
      try {
        const url = new URL(c.req.url);
        return await handler({
          sandbox,
          body,
          params: c.req.param() as Record<string, string>,
          query: url.searchParams,
          accountId,
          credentialId,
          header: (name) => c.req.header(name),
          origin: url.origin,
        });
      } catch (error) {
        if (error instanceof SandboxError) return { status: error.status, body: error.toBody() };
        throw error;
      }
    };
    const result = key
      ? (await sandbox.idempotency.run(key, { method: route.method, path: c.req.path }, execute)).result
      : await execute();

    if (fault === 'error-after')
      return errorResponse(sandboxErrors.internal('Injected fault (after the effect).'), headers);
    if (fault === 'drop') {
      // The effect happened; the caller never hears about it.
      c.env?.incoming?.socket?.destroy();
      return new Response(null, { status: 500 });
    }
    // A file (the settlement CSV) goes out as it is.
    if (result.body instanceof RawBody) return result.body.toResponse(result.status, headers);
    return jsonResponse(result, headers);
  } catch (error) {
    if (error instanceof SandboxError) return errorResponse(error, headers);
    throw error;
  }
}
