/** A well-formed incoming `X-Request-Id` is kept, anything else replaced, so a client can never put an arbitrary
 * string into the audit log. */
const SAFE_ID = /^[A-Za-z0-9._-]{8,128}$/;

export function requestIdFrom(incoming: string | string[] | null | undefined): string {
  return typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : globalThis.crypto.randomUUID();
}
