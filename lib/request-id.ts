/**
 * A request's id for logs and audit entries: a well-formed incoming `X-Request-Id` (from a
 * trusted upstream) is kept, anything else is replaced by a new one. One rule for proxy.ts, the
 * routes it skips (the settlement upload) and the production server's webhook path, so a client
 * can never put an arbitrary string into the audit log as a request id.
 */
const SAFE_ID = /^[A-Za-z0-9._-]{8,128}$/;

export function requestIdFrom(incoming: string | string[] | null | undefined): string {
  return typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : globalThis.crypto.randomUUID();
}
