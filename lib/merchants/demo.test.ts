import { afterAll, beforeAll, expect, it } from 'vitest';
import { addCredential } from '@/lib/credentials/service';
import { onboardRequestSchema } from '@/lib/klarna/schemas/accounts';
import { startSandbox, type RunningSandbox } from '@/sandbox/start';
import { describeEachDriver } from '@/test/db';
import { createUser, testKeyring } from '@/test/factories';
import { listMerchants } from './cache';
import { seedDemoMerchants } from './demo';
import { seedExamples } from './seed-examples';
import { testContext } from '@/test/context';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off' });
});
afterAll(() => sandbox.close());

it('the seed’s three account structures are valid onboarding bodies', () => {
  for (const { request } of seedExamples) expect(onboardRequestSchema.safeParse(request).success).toBe(true);
  expect(seedExamples.map((e) => e.structure)).toEqual([
    'retail',
    'multi-channel',
    'franchise',
    'franchise',
    'franchise',
  ]);
});

describeEachDriver('demo merchants', (db) => {
  it('onboards the seed’s examples into an empty sandbox once, through the API, and lists them', async () => {
    await sandbox.control.reset();
    const { actor } = await createUser(db(), { role: 'admin' });
    const settings = {
      environment: 'sandbox' as const,
      baseUrl: sandbox.baseUrl,
      rateLimits: 'production' as const,
      keyring: testKeyring,
    };
    await addCredential(testContext({ db: db(), actor, settings }), {
      environment: 'sandbox',
      label: 'Demo',
      apiKey: (await sandbox.control.bootstrapKey()).api_key,
    });
    expect(await seedDemoMerchants(db(), settings)).toMatch(/5 example merchants/);
    expect(await seedDemoMerchants(db(), settings)).toBe('the sandbox already has merchant accounts');
    const { rows } = await listMerchants(db(), {});
    expect(rows.map((r) => r.accountName).sort()).toEqual([
      'CoolBrand',
      'Ivette Croissanterie',
      'Liam WTB',
      'Maja WTB',
      'Vera WTB',
    ]);
    expect(rows.find((r) => r.accountName === 'Vera WTB')!.channelsCount).toBe(4);
    expect(rows.find((r) => r.accountName === 'Ivette Croissanterie')!.channelsCount).toBe(3);
  });
});
