import type { KlarnaOperation } from '../../lib/klarna/routes';
import type { OperationResult } from '../idempotency';
import type { SandboxRuntime } from '../runtime';

export type { OperationResult } from '../idempotency';

export type OperationContext = {
  sandbox: SandboxRuntime;
  /** The parsed JSON body (undefined when none was sent); validate it with the shared schema. */
  body: unknown;
  params: Record<string, string>;
  query: URLSearchParams;
  /** `Klarna-Partner-Account`, when the caller acts for a sub-partner. */
  accountId: string | null;
  /** The API credential that authenticated the call. */
  credentialId: string;
  /** A request header (case-insensitive), e.g. the Merchant Card Service's `KeyId`. */
  header: (name: string) => string | undefined;
  /** The sandbox's own origin as the caller reached it (`http://127.0.0.1:4100`), for URLs it hands out. */
  origin: string;
};

export type OperationHandler = (ctx: OperationContext) => OperationResult | Promise<OperationResult>;

/**
 * One API group's handlers, keyed by the operation names of lib/klarna/routes.ts; the server
 * takes method and path from that table, so a group only says what each operation does.
 */
export type RouteGroup = { [O in KlarnaOperation]?: OperationHandler };
