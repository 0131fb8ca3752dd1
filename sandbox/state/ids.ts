import { randomInt, randomUUID } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random alphanumeric string (no `_`, so `klarna_<env>_<type>_<random>` stays splittable). */
export function randomToken(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

export const ids = {
  partnerAccount: () => `krn:partner:global:account:${randomUUID()}`,
  /** Ours: the seed prints no credential id. */
  credential: () => `krn:partner:global:account:credential:${randomUUID()}`,
  signingKey: () => `krn:partner:global:notification:signing-key:${randomUUID()}`,
  webhook: () => `krn:partner:global:notification:webhook:${randomUUID()}`,
  productInstance: () => `krn:partner:product:payment:${randomUUID()}`,
  apiKey: (environment: 'TEST' | 'LIVE') => `klarna_${environment === 'LIVE' ? 'live' : 'test'}_api_${randomToken(48)}`,
  clientId: (environment: 'TEST' | 'LIVE') => `klarna_${environment === 'LIVE' ? 'live' : 'test'}_client_${randomToken(32)}`,
};
