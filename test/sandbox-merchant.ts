import type { Db } from '@/db/client';
import type { KlarnaSettings } from '@/lib/credentials/connection';
import { addCredential } from '@/lib/credentials/service';
import { startSandbox, type RunningSandbox } from '@/sandbox/start';
import { mutation, sandboxClient } from '@/sandbox/test-helpers';
import { createUser, testKeyring } from '@/test/factories';
import { testContext } from '@/test/context';

/**
 * A sandbox (no rate limits, accounts active at once) with one merchant onboarded through
 * Klarna's API, for the tests that operate on its payments. The caller closes the sandbox.
 */
export async function startSandboxMerchant(
  merchant: { reference: string; name: string; website: string },
  options: { operational?: boolean } = {},
) {
  const sandbox = await startSandbox({ rateLimits: 'off', accountActivationMs: 0 });
  const { api } = sandboxClient(sandbox.baseUrl, (await sandbox.control.bootstrapKey()).api_key);
  const { account_id: accountId } = await api.accounts.onboard(
    {
      account_reference: merchant.reference,
      account_name: merchant.name,
      account_owner: { given_name: 'Julia', family_name: 'Doe', email: 'julia@example.com', phone: '+15555555555' },
      products: [{ type: 'PAYMENT', merchant_category_code: '5691' }],
      channel: { websites: [{ urls: [merchant.website] }] },
    },
    mutation(),
  );
  if (options.operational) await sandbox.control.setAccountState(accountId, 'OPERATIONAL').catch(() => undefined);
  return { sandbox, api, accountId };
}

export type SandboxMerchant = Awaited<ReturnType<typeof startSandboxMerchant>>;

/** The dashboard's settings for the sandbox, as the services read them. */
export const sandboxSettings = (sandbox: RunningSandbox): KlarnaSettings => ({
  environment: 'sandbox',
  baseUrl: sandbox.baseUrl,
  rateLimits: 'production',
  keyring: testKeyring,
});

/** An admin stores the sandbox's key as the dashboard's credential, as an operator's first step. */
export async function addSandboxCredential(db: Db, sandbox: RunningSandbox) {
  const { actor: admin } = await createUser(db, { role: 'admin' });
  await addCredential(testContext(testContext({ db, actor: admin, settings: sandboxSettings(sandbox) })), {
    environment: 'sandbox',
    label: 'Dashboard',
    apiKey: (await sandbox.control.bootstrapKey()).api_key,
  });
}
