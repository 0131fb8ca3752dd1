import type { KlarnaSettings } from '@/lib/credentials/connection';
import { serviceContext, type ServiceContext } from '@/lib/context';
import { testKeyring } from '@/test/factories';

/** Settings for tests that must not reach Klarna: nothing listens on port 9. */
export const offlineSettings = (): KlarnaSettings => ({
  environment: 'sandbox',
  baseUrl: 'http://127.0.0.1:9',
  rateLimits: 'production',
  keyring: testKeyring,
});

/** A service context for a test: its database, and whatever else it names; no Klarna unless settings are given. */
export function testContext(parts: Pick<ServiceContext, 'db'> & Partial<ServiceContext>): ServiceContext {
  return serviceContext({ settings: offlineSettings(), ...parts });
}
