import { randomBytes, randomInt, randomUUID } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random alphanumeric string (no `_`, so `klarna_<env>_<type>_<random>` stays splittable). */
export function randomToken(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

function randomUpper(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += UPPER_ALPHANUMERIC[randomInt(UPPER_ALPHANUMERIC.length)];
  return out;
}

export const ids = {
  partnerAccount: () => `krn:partner:global:account:${randomUUID()}`,
  /** Ours: the seed prints no credential id. */
  credential: () => `krn:partner:global:account:credential:${randomUUID()}`,
  signingKey: () => `krn:partner:global:notification:signing-key:${randomUUID()}`,
  webhook: () => `krn:partner:global:notification:webhook:${randomUUID()}`,
  /** A merchant account, shaped like the seed's `krn:partner:global:account:live:LWT2XJSW` (test environment). */
  account: () => `krn:partner:global:account:test:${randomUpper(8)}`,
  /** An account's payment product instance (ours: the seed prints none). */
  paymentProduct: () => `krn:partner:global:account:product:payment:${randomUUID()}`,
  /** A channel of an account (ours). */
  channel: () => `krn:partner:global:account:channel:${randomUUID()}`,
  /** A made-up product instance for events that name none (payment events from simulate). */
  productInstance: () => `krn:partner:global:account:product:payment:${randomUUID()}`,
  /** Seed: `krn:payment:eu1:request:<uuid>` (the sandbox always answers in eu1). */
  paymentRequest: () => `krn:payment:eu1:request:${randomUUID()}`,
  /** Seed: `krn:payment:eu1:confirmation-token:<uuid>`. */
  confirmationToken: () => `krn:payment:eu1:confirmation-token:${randomUUID()}`,
  /** Seed's confirm example: a plain uuid. */
  paymentTransaction: () => randomUUID(),
  /** Seed's settlement file: plain uuids for captures and refunds. */
  paymentCapture: () => randomUUID(),
  paymentRefund: () => randomUUID(),
  /** The secret part of a portal deep link: 192 random bits, URL-safe. */
  deepLinkToken: () => randomBytes(24).toString('base64url'),
  apiKey: (environment: 'TEST' | 'LIVE') => `klarna_${environment === 'LIVE' ? 'live' : 'test'}_api_${randomToken(48)}`,
  clientId: (environment: 'TEST' | 'LIVE') =>
    `klarna_${environment === 'LIVE' ? 'live' : 'test'}_client_${randomToken(32)}`,
};
