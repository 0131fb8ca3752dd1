import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { sandboxErrors, type SandboxError } from './errors';
import type { OperationResult } from './idempotency';

/** Hono's environment for the sandbox app (Node's request and response as bindings). */
export type SandboxEnv = { Bindings: HttpBindings };

export function jsonResponse(result: OperationResult, headers: Record<string, string> = {}): Response {
  if (result.body === undefined || result.status === 204) return new Response(null, { status: result.status, headers });
  return new Response(JSON.stringify(result.body), {
    status: result.status,
    headers: { ...headers, 'Content-Type': 'application/json' },
  });
}

export function errorResponse(error: SandboxError, headers: Record<string, string> = {}): Response {
  return jsonResponse({ status: error.status, body: error.toBody() }, headers);
}

/** Reads a JSON body: none → undefined; not JSON, or not declared as JSON → 400 INVALID_CONTENT_TYPE. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json'))
    throw sandboxErrors.invalidContentType(`expected Content-Type application/json, got ${type || 'none'}`);
  try {
    return JSON.parse(text);
  } catch {
    throw sandboxErrors.invalidContentType('the body is not valid JSON');
  }
}
