import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/start';
import { mutation, sandboxClient, startReceiver } from '../../sandbox/test-helpers';
import type { KlarnaApi } from './api';
import { KlarnaApiError } from './errors';
import { merchantCategoryCodes, type MerchantCategoryCode } from './mcc';
import {
  accountStateChangePayloadSchema,
  pricePlanSchema,
  productStateChangePayloadSchema,
  settlementConfigurationSchema,
  type ChannelCreateRequest,
  type OnboardRequest,
} from './schemas/accounts';
import { webhookEventSchema } from './schemas/webhooks';
import { verifyWebhookSignature } from './signature';

// Merchant accounts against the embedded sandbox, over real HTTP through the typed client:
// onboarding (the seed's account structures), activation and its webhook, accounts and
// business information, the payment product, channels, channel collections, the read-only
// configuration, and portal deep links.

let sandbox: RunningSandbox;
let apiKey: string;
let api: KlarnaApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, dataDir: null, rateLimits: 'production' });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await sandbox.control.reset();
  await sandbox.control.clearFaults();
  await sandbox.control.setAccountActivationDelay(2000);
  apiKey = (await sandbox.control.bootstrapKey()).api_key;
  ({ api } = sandboxClient(sandbox.baseUrl, apiKey));
});

const SEED_PROFILE = 'krn:partner:global:account:distribution-profile:206bbb83-9b6e-46fa-940d-337153c04a58';
const ACCOUNT_ID = /^krn:partner:global:account:test:[A-Z0-9]{8}$/;
const PRODUCT_ID = /^krn:partner:global:account:product:payment:[0-9a-f-]{36}$/;
const CHANNEL_ID = /^krn:partner:global:account:channel:[0-9a-f-]{36}$/;

// The seed's onboarding examples ("Account structure use cases"), trailing commas fixed.
const coolBrand: OnboardRequest = {
  account_reference: 'M123786123412',
  account_name: 'CoolBrand',
  account_owner: { given_name: 'Julia', family_name: 'Doe', email: 'julia.doe@CoolBrand.com', phone: '+15555555555' },
  products: [{ distribution_profile_id: SEED_PROFILE, type: 'PAYMENT', merchant_category_code: '5691' }],
  channel: { websites: [{ urls: ['https://CoolBrand.com'] }] },
};
const ivette: OnboardRequest = {
  account_reference: 'M123789922222',
  account_name: 'Ivette Croissanterie',
  account_owner: {
    given_name: 'Ivette',
    family_name: 'Doe',
    email: 'Ivette@IvetteCroissanterie.fr',
    phone: '+49555555555',
  },
  products: [{ distribution_profile_id: SEED_PROFILE, type: 'PAYMENT', merchant_category_code: '5462' }],
  channel: {
    websites: [{ urls: ['https://IvetteCroissanterie.fr'] }],
    'physical-stores': [{ name: 'Ivette Croissanterie Joliette' }, { name: 'Ivette Croissanterie Port' }],
  },
};
const franchisee = (given: string, stores: string[]): OnboardRequest => ({
  account_reference: 'M123789922222',
  account_name: `${given} WTB`,
  account_owner: {
    given_name: given,
    family_name: 'Doe',
    email: `${given.toLowerCase()}.franchisee@wtb.se`,
    phone: '+49555555555',
  },
  products: [{ distribution_profile_id: SEED_PROFILE, type: 'PAYMENT', merchant_category_code: '5812' }],
  channel: { 'physical-stores': stores.map((name) => ({ name })) },
});
// The seed's "Sample business data".
const sampleAddress = {
  street_address: '800 N. High St',
  street_address2: 'Ste. 400',
  postal_code: '43215',
  city: 'Columbus',
  region: 'OH',
  country: 'US',
};
const sampleBusiness = {
  business_name: 'John Doe LLC',
  business_entity_type: 'LIMITED_LIABILITY_COMPANY' as const,
  registration_authority: 'Ohio',
  registration_number: '12345678',
  tax_registration_number: '999-999-999',
  financial_registration_number: '123-456-789',
  operating_address: sampleAddress,
  registration_address: sampleAddress,
};

type Failure = {
  status: number;
  errorType: string | null;
  errorCode: string | null;
  parameters: string[];
  message: string;
  fieldMessages: Record<string, string>;
};

/** Runs `fn`, which must fail with a Klarna error; returns what the tests compare, with the error_message. */
async function failure(fn: () => Promise<unknown>): Promise<Failure> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof KlarnaApiError)) throw error;
    return {
      status: error.status,
      errorType: error.errorType,
      errorCode: error.errorCode,
      parameters: error.errors.map((e) => e.parameter ?? '').sort(),
      message: error.errorMessage ?? '',
      fieldMessages: Object.fromEntries(error.errors.map((e) => [e.parameter ?? '', e.message])),
    };
  }
  throw new Error('expected a Klarna error');
}

const conflict = (text: string) => ({
  status: 409,
  errorType: 'RESOURCE_ERROR',
  errorCode: 'RESOURCE_CONFLICT',
  message: expect.stringContaining(text),
});
const validation = (...parameters: string[]) => ({
  status: 400,
  errorType: 'INPUT_ERROR',
  errorCode: 'VALIDATION_ERROR',
  parameters: [...parameters].sort(),
});
const notFound = { status: 404, errorType: 'RESOURCE_ERROR', errorCode: 'RESOURCE_NOT_FOUND' };

async function onboard(body: OnboardRequest, key = mutation()): Promise<string> {
  return (await api.accounts.onboard(body, key)).account_id;
}

/** Onboards and lets Klarna finish setting the account up (advancing the clock past the activation delay). */
async function onboardOperational(body: OnboardRequest): Promise<string> {
  const accountId = await onboard(body);
  await sandbox.control.advanceClock(2);
  expect((await api.accounts.get(accountId)).state).toBe('OPERATIONAL');
  return accountId;
}

/** A receiver with a webhook for `patterns`; `events()` checks every signature and parses the envelopes. */
async function webhookReceiver(patterns = ['partner.account.*']) {
  const receiver = await startReceiver();
  const key = await api.signingKeys.create(mutation());
  const webhook = await api.webhooks.create(
    { url: receiver.url, event_types: patterns, event_version: 'v1', signing_key_id: key.signing_key_id },
    mutation(),
  );
  return {
    webhook,
    close: receiver.close,
    /** The events in the order the sandbox emitted them (deliveries may arrive in another). */
    async events(count: number) {
      const deliveries = await sandbox.control.waitForDeliveries({ webhook_id: webhook.webhook_id }, { count });
      expect(deliveries.every((d) => d.state === 'delivered')).toBe(true);
      return deliveries.map((delivery) => {
        const request = receiver.received.find((r) => r.body === delivery.body)!;
        expect(request).toBeDefined();
        expect(
          verifyWebhookSignature(request.body, request.headers['klarna-signature'] as string, key.signing_key).valid,
        ).toBe(true);
        expect(request.headers['klarna-signing-key-id']).toBe(key.signing_key_id);
        return webhookEventSchema.parse(JSON.parse(request.body));
      });
    },
  };
}

describe('onboarding', () => {
  it("onboards the seed's three account structures and reads them back with their channels", async () => {
    const coolBrandId = await onboard(coolBrand);
    const ivetteId = await onboard(ivette);
    const franchise = [
      await onboard(franchisee('Maja', ['Maja WTB'])),
      await onboard(franchisee('Liam', ['Liam WTB'])),
      await onboard(franchisee('Vera', ['Vera WTB #1', 'Vera WTB #2', 'Vera WTB #3', 'Vera WTB #4'])),
    ];
    const all = [coolBrandId, ivetteId, ...franchise];
    for (const id of all) expect(id).toMatch(ACCOUNT_ID);
    expect(new Set(all).size).toBe(5);

    const plans = (await api.pricePlans.list()).price_plans;
    const plan = (name: string) => plans.find((p) => p.name === name)!.price_plan_id;
    const { settlement_configurations } = await api.settlementConfigurations.list();
    const defaultSettlement = settlement_configurations.find((s) => s.default === true)!.settlement_configuration_id;

    // Example 1: one account, one product, one website channel.
    const cool = await api.accounts.get(coolBrandId);
    expect(cool).toMatchObject({
      account_id: coolBrandId,
      account_reference: 'M123786123412',
      account_name: 'CoolBrand',
      state: 'PARTIALLY_OPERATIONAL',
      account_owner: coolBrand.account_owner,
      settlement_configuration_id: defaultSettlement,
    });
    expect(cool.products).toEqual([
      {
        product_instance_id: expect.stringMatching(PRODUCT_ID),
        type: 'PAYMENT',
        merchant_category_code: '5691',
        state: 'ENABLED',
        disabled_by: null,
        distribution_profile_id: SEED_PROFILE,
        price_plan_id: plan('Standard retail'),
        updated_at: cool.created_at,
      },
    ]);
    const coolChannels = (await api.channels.list(coolBrandId)).channels;
    expect(coolChannels).toEqual([
      {
        channel_id: expect.stringMatching(CHANNEL_ID),
        type: 'WEBSITE',
        name: null,
        urls: ['https://CoolBrand.com'],
        collection_reference: null,
        created_at: cool.created_at,
        updated_at: cool.created_at,
      },
    ]);

    // Example 3: one account, one website and two stores, priced as a bakery.
    const croissanterie = await api.accounts.get(ivetteId);
    expect(croissanterie.products[0]).toMatchObject({
      merchant_category_code: '5462',
      price_plan_id: plan('Restaurants & food'),
    });
    const ivetteChannels = (await api.channels.list(ivetteId)).channels;
    expect(ivetteChannels.map((c) => [c.type, c.name])).toEqual([
      ['WEBSITE', null],
      ['PHYSICAL_STORE', 'Ivette Croissanterie Joliette'],
      ['PHYSICAL_STORE', 'Ivette Croissanterie Port'],
    ]);
    expect(ivetteChannels[0]!.urls).toEqual(['https://IvetteCroissanterie.fr']);
    expect(ivetteChannels[1]).toMatchObject({ address: null });
    expect(ivetteChannels[1]).not.toHaveProperty('urls');

    // Example 4: a franchise as three accounts sharing the partner's account_reference.
    const accounts = await Promise.all(franchise.map((id) => api.accounts.get(id)));
    expect(accounts.map((a) => [a.account_name, a.account_reference, a.account_owner.email])).toEqual([
      ['Maja WTB', 'M123789922222', 'maja.franchisee@wtb.se'],
      ['Liam WTB', 'M123789922222', 'liam.franchisee@wtb.se'],
      ['Vera WTB', 'M123789922222', 'vera.franchisee@wtb.se'],
    ]);
    for (const a of accounts)
      expect(a.products[0]).toMatchObject({
        merchant_category_code: '5812',
        price_plan_id: plan('Restaurants & food'),
      });
    const veraChannels = (await api.channels.list(franchise[2]!)).channels;
    expect(veraChannels.map((c) => `${c.type} ${c.name}`)).toEqual([
      'PHYSICAL_STORE Vera WTB #1',
      'PHYSICAL_STORE Vera WTB #2',
      'PHYSICAL_STORE Vera WTB #3',
      'PHYSICAL_STORE Vera WTB #4',
    ]);
    expect(new Set(veraChannels.map((c) => c.channel_id)).size).toBe(4);

    expect((await api.accounts.list()).accounts.map((a) => a.account_id)).toEqual(all);
  });

  it('keeps the settlement configuration, distribution profile, business information and mobile apps it is given', async () => {
    const { settlement_configurations } = await api.settlementConfigurations.list();
    const uk = settlement_configurations.find((s) => s.default !== true)!;
    const { distribution_profiles } = await api.distributionProfiles.list();
    const other = distribution_profiles.find((p) => p.distribution_profile_id !== SEED_PROFILE)!;
    const id = await onboard({
      ...coolBrand,
      products: [
        { type: 'PAYMENT', merchant_category_code: '4511', distribution_profile_id: other.distribution_profile_id },
      ],
      settlement_configuration_id: uk.settlement_configuration_id,
      business_information: sampleBusiness,
      channel: { 'mobile-apps': [{ name: 'CoolBrand app', app_store_urls: ['https://apps.apple.com/app/coolbrand'] }] },
    });
    const account = await api.accounts.get(id);
    expect(account.settlement_configuration_id).toBe(uk.settlement_configuration_id);
    expect(account.products[0]!.distribution_profile_id).toBe(other.distribution_profile_id);
    expect(await api.businessInformation.get(id)).toEqual(sampleBusiness);
    expect((await api.channels.list(id)).channels).toEqual([
      expect.objectContaining({
        type: 'MOBILE_APP',
        name: 'CoolBrand app',
        app_store_urls: ['https://apps.apple.com/app/coolbrand'],
        collection_reference: null,
      }),
    ]);
    // Without a profile, the partner's default (the seed's) is assigned.
    const plain = await onboard({ ...coolBrand, products: [{ type: 'PAYMENT', merchant_category_code: '5691' }] });
    expect((await api.accounts.get(plain)).products[0]!.distribution_profile_id).toBe(SEED_PROFILE);
  });

  it('rejects bad bodies with exact parameter paths', async () => {
    const bad = {
      ...coolBrand,
      account_owner: { ...coolBrand.account_owner, email: 'julia at coolbrand' },
      products: [{ type: 'PAYMENT', merchant_category_code: '6011' }],
      channel: { websites: [{ urls: ['http://CoolBrand.com'] }], 'physical-stores': [{ name: ' ' }] },
      surprise: true,
    } as unknown as OnboardRequest;
    expect(await failure(() => api.accounts.onboard(bad, mutation()))).toMatchObject(
      validation(
        'account_owner.email',
        'products[0].merchant_category_code',
        'channel.websites[0].urls[0]',
        'channel.physical-stores[0].name',
        'surprise',
      ),
    );
    expect(await failure(() => api.accounts.onboard({ ...coolBrand, channel: {} }, mutation()))).toMatchObject(
      validation('channel'),
    );
    expect(await failure(() => api.accounts.onboard({ ...coolBrand, products: [] }, mutation()))).toMatchObject(
      validation('products'),
    );
    expect(
      await failure(() =>
        api.accounts.onboard(
          { ...coolBrand, channel: { websites: [{ urls: ['https://a.example'] }, { urls: ['https://b.example'] }] } },
          mutation(),
        ),
      ),
    ).toMatchObject(validation('channel.websites'));
    const { account_owner: _owner, ...noOwner } = coolBrand;
    expect(await failure(() => api.accounts.onboard(noOwner as OnboardRequest, mutation()))).toMatchObject(
      validation('account_owner'),
    );

    // References the schema cannot check.
    const references = await failure(() =>
      api.accounts.onboard(
        {
          ...ivette,
          products: [
            {
              type: 'PAYMENT',
              merchant_category_code: '5462',
              distribution_profile_id: 'krn:partner:global:account:distribution-profile:nope',
            },
          ],
          settlement_configuration_id: 'krn:partner:global:payment:settlement-configuration:nope',
          channel: {
            websites: [{ urls: ['https://IvetteCroissanterie.fr'] }],
            'physical-stores': [{ name: 'Joliette' }, { name: 'Port', collection_reference: 'ivette-main' }],
          },
        },
        mutation(),
      ),
    );
    expect(references).toMatchObject(
      validation(
        'products[0].distribution_profile_id',
        'settlement_configuration_id',
        'channel.physical-stores[1].collection_reference',
      ),
    );
    expect(references.fieldMessages['channel.physical-stores[1].collection_reference']).toContain(
      'create the channel collection after onboarding, then assign it',
    );
    expect((await api.accounts.list()).accounts).toEqual([]);
  });

  it('onboards once for a repeated idempotency key', async () => {
    const key = mutation();
    const first = await onboard(coolBrand, key);
    const again = await onboard({ ...ivette }, key);
    expect(again).toBe(first);
    expect((await api.accounts.list()).accounts.map((a) => a.account_id)).toEqual([first]);
    expect(await onboard(coolBrand)).not.toBe(first);
  });
});

describe('activation', () => {
  it('moves PARTIALLY_OPERATIONAL → OPERATIONAL after the delay with a signed webhook; refuses management before', async () => {
    const hooks = await webhookReceiver();
    expect((await sandbox.control.info()).account_activation_ms).toBe(2000);
    const id = await onboard(ivette);
    const channelId = (await api.channels.list(id)).channels[1]!.channel_id;

    // Reads work at once; every change is refused until Klarna has finished.
    expect((await api.accounts.get(id)).state).toBe('PARTIALLY_OPERATIONAL');
    expect(await api.businessInformation.get(id)).toMatchObject({ business_name: null });
    expect((await api.channelCollections.list(id)).channel_collections).toEqual([]);
    const refusals = [
      () => api.accounts.update(id, { account_name: 'Ivette' }, mutation()),
      () => api.businessInformation.update(id, { business_name: 'Ivette Croissants SARL' }, mutation()),
      () => api.paymentProduct.disable(id, mutation()),
      () => api.paymentProduct.enable(id, mutation()),
      () => api.channels.create(id, { type: 'PHYSICAL_STORE', name: 'Vieux-Port' }, mutation()),
      () => api.channels.update(id, channelId, { name: 'Joliette' }, mutation()),
      () => api.channels.delete(id, channelId),
      () => api.channelCollections.create(id, { collection_reference: 'ivette' }, mutation()),
      () => api.portal.deepLink(id, { user_reference: 'ops-1' }, mutation()),
    ];
    for (const refused of refusals) expect(await failure(refused)).toMatchObject(conflict('still being set up'));
    expect((await failure(refusals[0]!)).message).toContain('try again in a few seconds');

    const [event] = await hooks.events(1);
    expect(event!.metadata).toMatchObject({
      event_type: 'partner.account.state-change.operational',
      account_id: id,
      event_version: 'v1',
      live: false,
    });
    expect(event!.metadata).not.toHaveProperty('product_instance_id');
    expect(event!.payload).toEqual({
      account_reference: 'M123789922222',
      state: 'OPERATIONAL',
      previous_state: 'PARTIALLY_OPERATIONAL',
    });
    expect(accountStateChangePayloadSchema.parse(event!.payload).state).toBe('OPERATIONAL');
    const account = await api.accounts.get(id);
    expect(account.state).toBe('OPERATIONAL');
    expect(Date.parse(account.updated_at) - Date.parse(account.created_at)).toBeGreaterThanOrEqual(2000);
    expect((await api.accounts.update(id, { account_name: 'Ivette' }, mutation())).account_name).toBe('Ivette');
    await hooks.close();
  });

  it('activates when the sandbox clock passes the due time, with the delay set through the control API', async () => {
    await sandbox.control.setAccountActivationDelay(60_000);
    expect((await sandbox.control.info()).account_activation_ms).toBe(60_000);
    const id = await onboard(coolBrand);
    await sandbox.control.advanceClock(30);
    expect((await api.accounts.get(id)).state).toBe('PARTIALLY_OPERATIONAL');
    await sandbox.control.advanceClock(31);
    expect((await api.accounts.get(id)).state).toBe('OPERATIONAL');

    // 0: at the next tick of the activation timer.
    await sandbox.control.setAccountActivationDelay(0);
    const quick = await onboard(coolBrand);
    await expect
      .poll(async () => (await api.accounts.get(quick)).state, { timeout: 2000, interval: 50 })
      .toBe('OPERATIONAL');
    expect(await sandbox.control.setAccountActivationDelay(-1).catch((e: Error) => e.message)).toContain('400');
  });

  it('an account onboarded while the clock ran ahead is not held back when the clock is set back', async () => {
    await sandbox.control.setAccountActivationDelay(60_000);
    const { now } = await sandbox.control.clock();
    // Another test moves the clock 10 minutes ahead; an account is onboarded meanwhile; the clock is set back.
    await sandbox.control.advanceClock(600);
    const id = await onboard(coolBrand);
    await sandbox.control.setClock(now);
    expect((await api.accounts.get(id)).state).toBe('PARTIALLY_OPERATIONAL');
    // Due within the activation delay of the time set, not 10 minutes later.
    await sandbox.control.advanceClock(61);
    expect((await api.accounts.get(id)).state).toBe('OPERATIONAL');
    await sandbox.control.setAccountActivationDelay(2000);
  });

  it('Klarna can make an account OPERATIONAL at once, or DISABLED: its product is disabled and nothing can be managed', async () => {
    const hooks = await webhookReceiver();
    const id = await onboard(coolBrand);
    const operational = await sandbox.control.setAccountState(id, 'OPERATIONAL');
    expect(operational.state).toBe('OPERATIONAL');
    const disabled = await sandbox.control.setAccountState(id, 'DISABLED');
    expect(disabled).toMatchObject({
      state: 'DISABLED',
      products: [expect.objectContaining({ state: 'DISABLED', disabled_by: 'KLARNA' })],
    });
    const events = await hooks.events(2);
    expect(events.map((e) => [e.metadata.event_type, e.payload!.state, e.payload!.previous_state])).toEqual([
      ['partner.account.state-change.operational', 'OPERATIONAL', 'PARTIALLY_OPERATIONAL'],
      ['partner.account.product.payment.state-change.disabled', 'DISABLED', 'ENABLED'],
    ]);

    expect((await api.accounts.get(id)).state).toBe('DISABLED');
    expect((await api.channels.list(id)).channels).toHaveLength(1);
    for (const refused of [
      () => api.accounts.update(id, { account_name: 'Cool' }, mutation()),
      () => api.paymentProduct.enable(id, mutation()),
      () => api.channelCollections.create(id, { collection_reference: 'cool' }, mutation()),
      () => api.portal.deepLink(id, { user_reference: 'ops-1' }, mutation()),
    ]) {
      expect(await failure(refused)).toMatchObject(conflict('disabled by Klarna'));
    }
    await expect(
      sandbox.control.setAccountState('krn:partner:global:account:test:NOPE0000', 'DISABLED'),
    ).rejects.toMatchObject({ status: 404 });
    await hooks.close();
  });

  it('keeps accounts, their channels and pending activations across a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'klarna-sandbox-accounts-'));
    try {
      const first = await startSandbox({ dataDir, rateLimits: 'production', accountActivationMs: 60_000 });
      const key = (await first.control.bootstrapKey()).api_key;
      const one = sandboxClient(first.baseUrl, key).api;
      const id = (await one.accounts.onboard(ivette, mutation())).account_id;
      const channels = (await one.channels.list(id)).channels;
      await first.close();

      const second = await startSandbox({ dataDir, rateLimits: 'production' });
      try {
        const two = sandboxClient(second.baseUrl, key).api;
        expect((await two.accounts.get(id)).state).toBe('PARTIALLY_OPERATIONAL');
        expect((await two.channels.list(id)).channels).toEqual(channels);
        await second.control.advanceClock(61);
        expect((await two.accounts.get(id)).state).toBe('OPERATIONAL');
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('accounts', () => {
  it('lists only this partner’s accounts, oldest first, in pages', async () => {
    const foreign = (await sandbox.control.createForeignAccount()).account_id;
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++)
      ids.push(await onboard({ ...coolBrand, account_reference: `M${i}`, account_name: `Shop ${i}` }));

    const all = await api.accounts.list();
    expect(all).toEqual({ accounts: expect.any(Array), has_more: false });
    expect(all.accounts.map((a) => a.account_id)).toEqual(ids);
    const first = await api.accounts.list({ limit: 2 });
    expect([first.accounts.map((a) => a.account_id), first.has_more]).toEqual([ids.slice(0, 2), true]);
    const second = await api.accounts.list({ limit: 2, startingAfter: ids[1] });
    expect([second.accounts.map((a) => a.account_id), second.has_more]).toEqual([ids.slice(2, 4), true]);
    const last = await api.accounts.list({ limit: 2, startingAfter: ids[3] });
    expect([last.accounts.map((a) => a.account_name), last.has_more]).toEqual([['Shop 5'], false]);
    expect(await api.accounts.list({ limit: 100, startingAfter: ids[4] })).toEqual({ accounts: [], has_more: false });
    expect((await api.accounts.list({ limit: 5 })).has_more).toBe(false);

    for (const limit of [0, 101, 1.5])
      expect(await failure(() => api.accounts.list({ limit }))).toMatchObject(validation('limit'));
    for (const startingAfter of [foreign, 'krn:partner:global:account:test:NOPE0000']) {
      expect(await failure(() => api.accounts.list({ startingAfter }))).toMatchObject(validation('starting_after'));
    }
    expect(await failure(() => api.accounts.list({ limit: 0, startingAfter: 'x' }))).toMatchObject(
      validation('limit', 'starting_after'),
    );
  });

  it('fetches and updates account information (seed test case 6); the owner is merged field by field', async () => {
    const id = await onboardOperational(coolBrand);
    const before = await api.accounts.get(id);
    await sandbox.control.advanceClock(5);
    const updated = await api.accounts.update(
      id,
      {
        account_name: 'CoolBrand Milano',
        account_reference: 'M999',
        account_owner: { phone: '+390255555555', family_name: 'Rossi' },
      },
      mutation(),
    );
    expect(updated).toMatchObject({
      account_id: id,
      account_name: 'CoolBrand Milano',
      account_reference: 'M999',
      state: 'OPERATIONAL',
      account_owner: {
        given_name: 'Julia',
        family_name: 'Rossi',
        email: 'julia.doe@CoolBrand.com',
        phone: '+390255555555',
      },
      created_at: before.created_at,
    });
    expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(before.updated_at));
    expect(await api.accounts.get(id)).toEqual(updated);

    expect(await failure(() => api.accounts.update(id, {}, mutation()))).toMatchObject(validation('body'));
    expect(
      await failure(() => api.accounts.update(id, { account_owner: { email: 'nope' }, account_name: '' }, mutation())),
    ).toMatchObject(validation('account_owner.email', 'account_name'));
    expect(
      await failure(() => api.accounts.update(id, { account_name: 'x', state: 'DISABLED' } as never, mutation())),
    ).toMatchObject(validation('state'));
    expect(await api.accounts.get(id)).toEqual(updated);
  });

  it('fetches and updates business information (seed test case 7): fields merged, addresses replaced whole', async () => {
    const id = await onboardOperational(coolBrand);
    expect(await api.businessInformation.get(id)).toEqual({
      business_name: null,
      business_entity_type: null,
      registration_authority: null,
      registration_number: null,
      tax_registration_number: null,
      financial_registration_number: null,
      operating_address: null,
      registration_address: null,
    });
    expect(await api.businessInformation.update(id, sampleBusiness, mutation())).toEqual(sampleBusiness);
    const moved = { street_address: 'Via Torino 1', postal_code: '20123', city: 'Milano', country: 'IT' };
    const updated = await api.businessInformation.update(
      id,
      { registration_number: '87654321', operating_address: moved },
      mutation(),
    );
    expect(updated).toEqual({ ...sampleBusiness, registration_number: '87654321', operating_address: moved });
    expect(updated.operating_address).not.toHaveProperty('street_address2');
    expect(await api.businessInformation.get(id)).toEqual(updated);

    expect(
      await failure(() =>
        api.businessInformation.update(
          id,
          { operating_address: { ...moved, country: 'Italy' }, business_entity_type: 'LLC' as never },
          mutation(),
        ),
      ),
    ).toMatchObject(validation('operating_address.country', 'business_entity_type'));
    expect(await failure(() => api.businessInformation.update(id, {}, mutation()))).toMatchObject(validation('body'));
  });

  it('answers 404 for an unknown account and 403 for one another partner onboarded', async () => {
    const unknown = 'krn:partner:global:account:test:NOPE0000';
    const foreign = (await sandbox.control.createForeignAccount()).account_id;
    expect(foreign).toMatch(ACCOUNT_ID);
    const calls = (id: string) => [
      () => api.accounts.get(id),
      () => api.accounts.update(id, { account_name: 'x' }, mutation()),
      () => api.businessInformation.get(id),
      () => api.businessInformation.update(id, { business_name: 'x' }, mutation()),
      () => api.paymentProduct.disable(id, mutation()),
      () => api.paymentProduct.enable(id, mutation()),
      () => api.channels.list(id),
      () => api.channels.create(id, { type: 'PHYSICAL_STORE', name: 'x' }, mutation()),
      () => api.channelCollections.list(id),
      () => api.channelCollections.create(id, { collection_reference: 'x' }, mutation()),
      () => api.portal.deepLink(id, { user_reference: 'ops-1' }, mutation()),
    ];
    for (const call of calls(unknown)) expect(await failure(call)).toMatchObject(notFound);
    for (const call of calls(foreign)) {
      expect(await failure(call)).toMatchObject({
        status: 403,
        errorType: 'RESOURCE_ERROR',
        errorCode: 'OPERATION_FORBIDDEN',
        message: expect.stringContaining('not onboarded by this partner'),
      });
    }
    expect((await api.accounts.list()).accounts).toEqual([]);
  });
});

describe('payment product', () => {
  it('disables and enables again (seed test case 3), each with its webhook', async () => {
    const id = await onboardOperational(ivette);
    const hooks = await webhookReceiver(['partner.account.product.*']);
    const product = (await api.accounts.get(id)).products[0]!;

    await sandbox.control.advanceClock(1);
    const disabled = await api.paymentProduct.disable(id, mutation());
    expect(disabled).toMatchObject({
      product_instance_id: product.product_instance_id,
      state: 'DISABLED',
      disabled_by: 'PARTNER',
      merchant_category_code: '5462',
    });
    expect(Date.parse(disabled.updated_at!)).toBeGreaterThan(Date.parse(product.updated_at!));
    expect((await api.accounts.get(id)).products[0]).toEqual(disabled);
    expect(await failure(() => api.paymentProduct.disable(id, mutation()))).toMatchObject(conflict('already DISABLED'));

    const enabled = await api.paymentProduct.enable(id, mutation());
    expect(enabled).toMatchObject({ state: 'ENABLED', disabled_by: null });
    expect(await failure(() => api.paymentProduct.enable(id, mutation()))).toMatchObject(conflict('already ENABLED'));

    const events = await hooks.events(2);
    expect(events.map((e) => e.metadata.event_type)).toEqual([
      'partner.account.product.payment.state-change.disabled',
      'partner.account.product.payment.state-change.enabled',
    ]);
    for (const e of events)
      expect(e.metadata).toMatchObject({ account_id: id, product_instance_id: product.product_instance_id });
    expect(events.map((e) => e.payload)).toEqual([
      {
        account_reference: 'M123789922222',
        product_instance_id: product.product_instance_id,
        state: 'DISABLED',
        previous_state: 'ENABLED',
      },
      {
        account_reference: 'M123789922222',
        product_instance_id: product.product_instance_id,
        state: 'ENABLED',
        previous_state: 'DISABLED',
      },
    ]);
    for (const e of events) productStateChangePayloadSchema.parse(e.payload);
    await hooks.close();
  });

  it('a product Klarna disabled only Klarna can enable; a TERMINATED one cannot be changed at all', async () => {
    const id = await onboardOperational(coolBrand);
    const hooks = await webhookReceiver(['partner.account.product.*']);

    expect(await sandbox.control.setProductState(id, 'DISABLED')).toMatchObject({
      state: 'DISABLED',
      disabled_by: 'KLARNA',
    });
    expect(await failure(() => api.paymentProduct.enable(id, mutation()))).toMatchObject(
      conflict('only Klarna can enable it'),
    );
    expect(await failure(() => api.paymentProduct.disable(id, mutation()))).toMatchObject(conflict('already DISABLED'));
    expect(await sandbox.control.setProductState(id, 'ENABLED')).toMatchObject({ state: 'ENABLED', disabled_by: null });

    // Disabled by the partner, then by Klarna: now only Klarna can lift it.
    await api.paymentProduct.disable(id, mutation());
    expect(await sandbox.control.setProductState(id, 'DISABLED')).toMatchObject({
      state: 'DISABLED',
      disabled_by: 'KLARNA',
    });
    expect(await failure(() => api.paymentProduct.enable(id, mutation()))).toMatchObject(
      conflict('only Klarna can enable it'),
    );

    const terminated = await sandbox.control.setProductState(id, 'TERMINATED');
    expect(terminated).toMatchObject({ state: 'TERMINATED', disabled_by: 'KLARNA' });
    expect((await api.accounts.get(id)).products[0]!.state).toBe('TERMINATED');
    expect(await failure(() => api.paymentProduct.enable(id, mutation()))).toMatchObject(
      conflict('terminated by Klarna'),
    );
    expect(await failure(() => api.paymentProduct.disable(id, mutation()))).toMatchObject(
      conflict('terminated by Klarna'),
    );

    // Klarna taking over a partner-disabled product changes no state, so it sends no event.
    const events = await hooks.events(4);
    expect(
      events.map((e) => [e.metadata.event_type.split('.').at(-1), e.payload!.state, e.payload!.previous_state]),
    ).toEqual([
      ['disabled', 'DISABLED', 'ENABLED'],
      ['enabled', 'ENABLED', 'DISABLED'],
      ['disabled', 'DISABLED', 'ENABLED'],
      ['disabled', 'TERMINATED', 'DISABLED'],
    ]);
    expect(await sandbox.control.deliveries({ webhook_id: hooks.webhook.webhook_id })).toHaveLength(4);
    await hooks.close();
  });
});

describe('simulated account events', () => {
  it('carry the payload shapes the sandbox sends for real ones; product events name their product instance', async () => {
    const hooks = await webhookReceiver();
    for (const event_type of [
      'partner.account.state-change.operational',
      'partner.account.product.payment.state-change.disabled',
      'partner.account.product.payment.state-change.enabled',
    ]) {
      await api.webhooks.simulate(hooks.webhook.webhook_id, { event_type, event_version: 'v1' }, mutation());
    }
    const [account, disabled, enabled] = await hooks.events(3);
    expect(account!.metadata).not.toHaveProperty('product_instance_id');
    expect(account!.payload).toEqual({
      account_reference: expect.any(String),
      state: 'OPERATIONAL',
      previous_state: 'PARTIALLY_OPERATIONAL',
    });
    for (const [event, state, previous] of [
      [disabled!, 'DISABLED', 'ENABLED'],
      [enabled!, 'ENABLED', 'DISABLED'],
    ] as const) {
      expect(event.metadata.product_instance_id).toMatch(PRODUCT_ID);
      expect(event.payload).toEqual({
        account_reference: expect.any(String),
        product_instance_id: event.metadata.product_instance_id,
        state,
        previous_state: previous,
      });
    }
    await hooks.close();
  });
});

describe('channels', () => {
  it('creates, reads, updates and deletes channels; one website at most, at least one channel', async () => {
    const id = await onboardOperational(ivette);
    const [website, joliette, port] = (await api.channels.list(id)).channels;

    const app = await api.channels.create(
      id,
      {
        type: 'MOBILE_APP',
        name: 'Ivette app',
        app_store_urls: ['https://play.google.com/store/apps/details?id=fr.ivette'],
      },
      mutation(),
    );
    expect(app).toMatchObject({
      channel_id: expect.stringMatching(CHANNEL_ID),
      type: 'MOBILE_APP',
      name: 'Ivette app',
      collection_reference: null,
    });
    const store = await api.channels.create(
      id,
      {
        type: 'PHYSICAL_STORE',
        name: 'Vieux-Port',
        address: { street_address: '1 Quai du Port', postal_code: '13002', city: 'Marseille', country: 'FR' },
      },
      mutation(),
    );
    expect(store.address).toEqual({
      street_address: '1 Quai du Port',
      postal_code: '13002',
      city: 'Marseille',
      country: 'FR',
    });
    expect((await api.channels.list(id)).channels.map((c) => c.channel_id)).toEqual([
      website!.channel_id,
      joliette!.channel_id,
      port!.channel_id,
      app.channel_id,
      store.channel_id,
    ]);
    expect(await api.channels.get(id, store.channel_id)).toEqual(store);

    const secondWebsite = await failure(() =>
      api.channels.create(id, { type: 'WEBSITE', urls: ['https://ivette.example'] }, mutation()),
    );
    expect(secondWebsite).toMatchObject(validation('type'));
    expect(secondWebsite.fieldMessages).toEqual({ type: 'an account can have only one website channel' });
    expect(
      await failure(() =>
        api.channels.create(
          id,
          { type: 'PHYSICAL_STORE', name: 'Nowhere', collection_reference: 'missing' },
          mutation(),
        ),
      ),
    ).toMatchObject(validation('collection_reference'));
    expect(
      await failure(() =>
        api.channels.create(id, { type: 'KIOSK', name: 'x' } as unknown as ChannelCreateRequest, mutation()),
      ),
    ).toMatchObject(validation('type'));
    expect(
      await failure(() =>
        api.channels.create(
          id,
          { type: 'PHYSICAL_STORE', name: 'x', urls: ['https://x.example'] } as unknown as ChannelCreateRequest,
          mutation(),
        ),
      ),
    ).toMatchObject(validation('urls'));
    expect(
      await failure(() => api.channels.create(id, { type: 'PHYSICAL_STORE', name: '' }, mutation())),
    ).toMatchObject(validation('name'));

    await sandbox.control.advanceClock(1);
    const renamed = await api.channels.update(
      id,
      joliette!.channel_id,
      {
        name: 'Joliette',
        address: { street_address: '2 Place de la Joliette', postal_code: '13002', city: 'Marseille', country: 'FR' },
      },
      mutation(),
    );
    expect(renamed).toMatchObject({
      channel_id: joliette!.channel_id,
      type: 'PHYSICAL_STORE',
      name: 'Joliette',
      address: { city: 'Marseille' },
      created_at: joliette!.created_at,
    });
    expect(Date.parse(renamed.updated_at)).toBeGreaterThan(Date.parse(joliette!.updated_at));
    const site = await api.channels.update(
      id,
      website!.channel_id,
      { urls: ['https://ivettecroissanterie.fr', 'https://ivette.fr'], name: 'Boutique en ligne' },
      mutation(),
    );
    expect(site).toMatchObject({
      urls: ['https://ivettecroissanterie.fr', 'https://ivette.fr'],
      name: 'Boutique en ligne',
    });
    expect(await api.channels.get(id, website!.channel_id)).toEqual(site);

    expect(
      await failure(() => api.channels.update(id, joliette!.channel_id, { urls: ['https://x.example'] }, mutation())),
    ).toMatchObject(validation('urls'));
    expect(
      await failure(() =>
        api.channels.update(
          id,
          website!.channel_id,
          { address: { street_address: 'x', postal_code: '1', city: 'x', country: 'FR' }, app_store_urls: [] },
          mutation(),
        ),
      ),
    ).toMatchObject(validation('address', 'app_store_urls'));
    expect(await failure(() => api.channels.update(id, app.channel_id, { name: '' }, mutation()))).toMatchObject(
      validation('name'),
    );
    expect(
      await failure(() => api.channels.update(id, app.channel_id, { collection_reference: 'missing' }, mutation())),
    ).toMatchObject(validation('collection_reference'));
    expect(
      await failure(() => api.channels.update(id, app.channel_id, { name: 'x', type: 'WEBSITE' } as never, mutation())),
    ).toMatchObject(validation('type'));
    expect(await failure(() => api.channels.update(id, app.channel_id, {}, mutation()))).toMatchObject(
      validation('body'),
    );

    await expect(api.channels.delete(id, port!.channel_id)).resolves.toBeUndefined();
    const unknownChannel = 'krn:partner:global:account:channel:00000000-0000-0000-0000-000000000000';
    for (const channelId of [port!.channel_id, unknownChannel]) {
      expect(await failure(() => api.channels.get(id, channelId))).toMatchObject(notFound);
      expect(await failure(() => api.channels.update(id, channelId, { name: 'x' }, mutation()))).toMatchObject(
        notFound,
      );
      expect(await failure(() => api.channels.delete(id, channelId))).toMatchObject(notFound);
    }
    expect((await api.channels.list(id)).channels).toHaveLength(4);

    // The only channel of an account stays.
    const single = await onboardOperational(coolBrand);
    const [only] = (await api.channels.list(single)).channels;
    expect(await failure(() => api.channels.delete(single, only!.channel_id))).toMatchObject(
      conflict('an account must have at least one channel'),
    );
    const shop = await api.channels.create(single, { type: 'PHYSICAL_STORE', name: 'Milano' }, mutation());
    await api.channels.delete(single, only!.channel_id);
    expect((await api.channels.list(single)).channels).toEqual([shop]);
    // With the website gone, a website may be added again.
    expect(
      (await api.channels.create(single, { type: 'WEBSITE', urls: ['https://coolbrand.it'] }, mutation())).type,
    ).toBe('WEBSITE');
  });
});

describe('channel collections', () => {
  it('creates, reads, updates, assigns and deletes collections; a collection in use cannot go', async () => {
    const id = await onboardOperational(ivette);
    const [website, joliette] = (await api.channels.list(id)).channels;
    const body = {
      collection_reference: 'ivette-main',
      branding: {
        display_name: 'Ivette Croissanterie',
        logo_url: 'https://ivettecroissanterie.fr/logo.png',
        brand_color: '#FFB3C7',
      },
      support: {
        email: 'support@ivettecroissanterie.fr',
        phone: '+33491555555',
        returns_url: 'https://ivettecroissanterie.fr/retours',
      },
      social_links: [{ platform: 'INSTAGRAM' as const, url: 'https://instagram.com/ivette' }],
    };
    const created = await api.channelCollections.create(id, body, mutation());
    expect(created).toEqual({ ...body, created_at: expect.any(String), updated_at: created.created_at });
    expect(
      await failure(() => api.channelCollections.create(id, { collection_reference: 'ivette-main' }, mutation())),
    ).toMatchObject(conflict('already has a channel collection ivette-main'));
    const bare = await api.channelCollections.create(id, { collection_reference: 'ivette.port_2' }, mutation());
    expect(bare).toMatchObject({
      collection_reference: 'ivette.port_2',
      branding: null,
      support: null,
      social_links: null,
    });
    expect((await api.channelCollections.list(id)).channel_collections.map((c) => c.collection_reference)).toEqual([
      'ivette-main',
      'ivette.port_2',
    ]);
    expect(await api.channelCollections.get(id, 'ivette-main')).toEqual(created);

    expect(
      await failure(() =>
        api.channelCollections.create(
          id,
          { collection_reference: 'bad ref', branding: { display_name: 'x', brand_color: 'pink' } },
          mutation(),
        ),
      ),
    ).toMatchObject(validation('collection_reference', 'branding.brand_color'));
    expect(await failure(() => api.channelCollections.update(id, 'ivette-main', {}, mutation()))).toMatchObject(
      validation('body'),
    );

    // Each section given replaces the stored one; the others stay.
    const updated = await api.channelCollections.update(
      id,
      'ivette-main',
      { support: { email: 'aide@ivettecroissanterie.fr' } },
      mutation(),
    );
    expect(updated).toMatchObject({
      branding: body.branding,
      support: { email: 'aide@ivettecroissanterie.fr' },
      social_links: body.social_links,
    });
    expect(updated.support).not.toHaveProperty('phone');
    expect(await api.channelCollections.get(id, 'ivette-main')).toEqual(updated);

    // Assigning: on update, and on create.
    expect(
      (await api.channels.update(id, website!.channel_id, { collection_reference: 'ivette-main' }, mutation()))
        .collection_reference,
    ).toBe('ivette-main');
    expect(
      (await api.channels.update(id, joliette!.channel_id, { collection_reference: 'ivette-main' }, mutation()))
        .collection_reference,
    ).toBe('ivette-main');
    const app = await api.channels.create(
      id,
      { type: 'MOBILE_APP', name: 'Ivette app', collection_reference: 'ivette.port_2' },
      mutation(),
    );
    expect(app.collection_reference).toBe('ivette.port_2');

    const inUse = await failure(() => api.channelCollections.delete(id, 'ivette-main'));
    expect(inUse).toMatchObject(conflict('is assigned to channels'));
    expect(inUse.message).toContain('Ivette Croissanterie Joliette');
    expect(inUse.message).toContain('unassign it first');
    expect((await api.channelCollections.list(id)).channel_collections).toHaveLength(2);

    // `collection_reference: null` unassigns; then it can go.
    expect(
      (await api.channels.update(id, website!.channel_id, { collection_reference: null }, mutation()))
        .collection_reference,
    ).toBeNull();
    expect(await failure(() => api.channelCollections.delete(id, 'ivette-main'))).toMatchObject(
      conflict('is assigned to channel '),
    );
    await api.channels.update(id, joliette!.channel_id, { collection_reference: null }, mutation());
    await expect(api.channelCollections.delete(id, 'ivette-main')).resolves.toBeUndefined();
    for (const call of [
      () => api.channelCollections.get(id, 'ivette-main'),
      () => api.channelCollections.update(id, 'ivette-main', { branding: { display_name: 'x' } }, mutation()),
      () => api.channelCollections.delete(id, 'ivette-main'),
    ]) {
      expect(await failure(call)).toMatchObject(notFound);
    }
    expect((await api.channelCollections.list(id)).channel_collections.map((c) => c.collection_reference)).toEqual([
      'ivette.port_2',
    ]);
  });
});

describe('configuration Klarna assigns', () => {
  it('lists price plans that price every merchant category code, settlement configurations and distribution profiles', async () => {
    const { price_plans } = await api.pricePlans.list();
    expect(price_plans.length).toBeGreaterThanOrEqual(2);
    for (const plan of price_plans) {
      pricePlanSchema.parse(plan);
      expect(plan.price_plan_id).toMatch(/^krn:partner:global:pricing:payments:price-plan:[0-9a-f-]{36}$/);
      expect(plan.rates.length).toBeGreaterThan(0);
      for (const rate of plan.rates) {
        expect(rate.market).toMatch(/^[A-Z]{2}$/);
        expect(rate.currency).toMatch(/^[A-Z]{3}$/);
        // The seed's rate shape: fixed in minor units, variable as percent × 1 000 000 (between 0 and 10 %).
        expect(Number.isInteger(rate.rate.fixed) && rate.rate.fixed >= 0).toBe(true);
        expect(rate.rate.variable).toBeGreaterThan(0);
        expect(rate.rate.variable).toBeLessThan(10 * 1_000_000);
        expect(rate.rate.tax?.variable ?? 0).toBeGreaterThanOrEqual(0);
      }
    }
    const byName = Object.fromEntries(price_plans.map((p) => [p.name, p]));
    expect(byName['Restaurants & food']!.merchant_category_codes.sort()).toEqual(['5462', '5812', '5814']);
    expect(byName['Standard retail']!.merchant_category_codes).toContain('5691');
    // Every code Klarna accepts is priced by exactly one plan.
    for (const code of Object.keys(merchantCategoryCodes)) {
      expect(
        price_plans.filter((p) => p.merchant_category_codes.includes(code)).map((p) => p.name),
        code,
      ).toHaveLength(1);
    }

    const { settlement_configurations } = await api.settlementConfigurations.list();
    expect(settlement_configurations).toHaveLength(2);
    for (const config of settlement_configurations) settlementConfigurationSchema.parse(config);
    expect(settlement_configurations.filter((c) => c.default === true)).toHaveLength(1);
    expect(new Set(settlement_configurations.map((c) => c.bank_account.iban_last4)).size).toBe(2);

    const { distribution_profiles } = await api.distributionProfiles.list();
    expect(distribution_profiles.map((p) => p.distribution_profile_id)).toContain(SEED_PROFILE);
    expect(distribution_profiles.length).toBeGreaterThanOrEqual(2);
  });

  it('gives a new account the price plan of its merchant category code', async () => {
    const plans = Object.fromEntries((await api.pricePlans.list()).price_plans.map((p) => [p.name, p.price_plan_id]));
    const planOf = async (mcc: MerchantCategoryCode) =>
      (
        await api.accounts.get(
          await onboard({ ...coolBrand, products: [{ type: 'PAYMENT', merchant_category_code: mcc }] }),
        )
      ).products[0]!.price_plan_id;
    expect(await planOf('5691')).toBe(plans['Standard retail']);
    expect(await planOf('5814')).toBe(plans['Restaurants & food']);
    expect(await planOf('4511')).toBe(plans['Travel & hospitality']);
  });
});

describe('portal deep links', () => {
  const html = async (url: string, init?: RequestInit) => {
    const response = await fetch(url, init);
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  it('opens the portal once within 60 s, then says it was used; a later link expires', async () => {
    const id = await onboardOperational({ ...coolBrand, account_name: 'Cool <b>Brand</b> & "Co"' });
    const { now } = await sandbox.control.clock();
    const link = await api.portal.deepLink(
      id,
      { user_reference: 'ops-user-42', roles: ['boost-admin', '<dispute>'] },
      mutation(),
    );
    expect(link.url).toMatch(
      new RegExp(`^${sandbox.baseUrl.replace(/[.]/g, '\\.')}/portal/deep-link/[A-Za-z0-9_-]{32}$`),
    );
    expect(Date.parse(link.expires_at) - Date.parse(now)).toBeGreaterThanOrEqual(60_000);
    expect(Date.parse(link.expires_at) - Date.parse(now)).toBeLessThan(62_000);

    // A HEAD (a link preview) does not spend it.
    expect((await fetch(link.url, { method: 'HEAD' })).status).toBe(200);
    const opened = await html(link.url);
    expect(opened.status).toBe(200);
    expect(opened.type).toMatch(/^text\/html/);
    expect(opened.text).toContain('Klarna portal (sandbox)');
    expect(opened.text).toContain('Cool &lt;b&gt;Brand&lt;/b&gt; &amp; &quot;Co&quot;');
    expect(opened.text).not.toContain('<b>Brand</b>');
    expect(opened.text).toContain(id);
    expect(opened.text).toContain('ops-user-42');
    expect(opened.text).toContain('boost-admin');
    expect(opened.text).toContain('&lt;dispute&gt;');
    expect(opened.text).toContain('Session valid for 8 hours');

    const again = await html(link.url);
    expect(again.status).toBe(410);
    expect(again.text).toContain('already been used');
    expect(again.text).not.toContain('ops-user-42');

    const late = await api.portal.deepLink(id, { user_reference: 'ops-user-42' }, mutation());
    await sandbox.control.advanceClock(61);
    const expired = await html(late.url);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('expired');

    const unknown = await html(`${sandbox.baseUrl}/portal/deep-link/not-a-token`);
    expect(unknown.status).toBe(404);
    expect(unknown.type).toMatch(/^text\/html/);
  });

  it('refuses foreign and unknown accounts, personal identifiers, and accounts not OPERATIONAL', async () => {
    const foreign = (await sandbox.control.createForeignAccount()).account_id;
    expect(await failure(() => api.portal.deepLink(foreign, { user_reference: 'ops-1' }, mutation()))).toMatchObject({
      status: 403,
      errorCode: 'OPERATION_FORBIDDEN',
    });
    expect(
      await failure(() =>
        api.portal.deepLink('krn:partner:global:account:test:NOPE0000', { user_reference: 'ops-1' }, mutation()),
      ),
    ).toMatchObject(notFound);

    const id = await onboardOperational(coolBrand);
    const email = await failure(() =>
      api.portal.deepLink(id, { user_reference: 'julia.doe@coolbrand.com' }, mutation()),
    );
    expect(email).toMatchObject(validation('user_reference'));
    expect(await failure(() => api.portal.deepLink(id, { user_reference: '' }, mutation()))).toMatchObject(
      validation('user_reference'),
    );

    const pending = await onboard(coolBrand);
    expect(await failure(() => api.portal.deepLink(pending, { user_reference: 'ops-1' }, mutation()))).toMatchObject(
      conflict('PARTIALLY_OPERATIONAL'),
    );
    await sandbox.control.setAccountState(id, 'DISABLED');
    expect(await failure(() => api.portal.deepLink(id, { user_reference: 'ops-1' }, mutation()))).toMatchObject(
      conflict('DISABLED'),
    );
  });
});
