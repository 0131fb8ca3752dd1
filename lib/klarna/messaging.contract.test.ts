import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/start';
import { mutation, sandboxClient } from '../../sandbox/test-helpers';
import type { KlarnaApi } from './api';
import { KlarnaApiError } from './errors';
import type { OnboardRequest } from './schemas/accounts';
import type { PaymentDescriptorsResponse } from './schemas/messaging';

// Messaging against the embedded sandbox, over real HTTP through the typed client: payment
// descriptors (seed, "2.2", the getPlacementContent response shape) and the checkout
// placement (seed, "2.3"), from static copy, by locale and the seed's amount thresholds.

let sandbox: RunningSandbox;
let api: KlarnaApi;
let accountId: string;

const coolBrand: OnboardRequest = {
  account_reference: 'M123786123412',
  account_name: 'CoolBrand',
  account_owner: { given_name: 'Julia', family_name: 'Doe', email: 'julia.doe@CoolBrand.com', phone: '+15555555555' },
  products: [{ type: 'PAYMENT', merchant_category_code: '5691' }],
  channel: { websites: [{ urls: ['https://CoolBrand.com'] }] },
};

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, dataDir: null, rateLimits: 'off' });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await sandbox.control.reset();
  await sandbox.control.clearFaults();
  await sandbox.control.setAccountActivationDelay(0);
  const apiKey = (await sandbox.control.bootstrapKey()).api_key;
  ({ api } = sandboxClient(sandbox.baseUrl, apiKey));
  accountId = (await api.accounts.onboard(coolBrand, mutation())).account_id;
  await sandbox.control.advanceClock(1);
});

type Failure = { status: number; errorType: string | null; errorCode: string | null; parameters: string[] };

async function failure(fn: () => Promise<unknown>): Promise<Failure> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof KlarnaApiError)) throw error;
    return { status: error.status, errorType: error.errorType, errorCode: error.errorCode, parameters: error.errors.map((e) => e.parameter ?? '').sort() };
  }
  throw new Error('expected a Klarna error');
}
const validation = (...parameters: string[]) => ({ status: 400, errorType: 'INPUT_ERROR', errorCode: 'VALIDATION_ERROR', parameters: [...parameters].sort() });

const BADGE = { name: 'KLARNA_BADGE', type: 'IMAGE', url: expect.stringMatching(/^https:\/\//), label: 'Klarna logo' };
/** Descriptor → subheader, per option. */
const texts = (r: PaymentDescriptorsResponse) =>
  Object.fromEntries(r.paymentDescriptors.map((d) => [d.content.nodes[0]!.value, d.content.nodes[1]!.value]));

describe('payment descriptors', () => {
  it('answers the seed response shape: one entry per option, descriptor, subheader and badge', async () => {
    // The seed's order: $544.38 → "Pay in 4-interest-free payments of $136.09".
    const r = await api.messaging.paymentDescriptors(accountId, { key: 'payment-descriptors', locale: 'en-US', amount: 54438, currency: 'USD' }, mutation());
    expect(r.paymentDescriptors.map((d) => d.paymentOptionId)).toEqual(['pay-now', 'pay-in-4', 'pay-later', 'pay-over-time']);
    for (const d of r.paymentDescriptors) {
      expect(d.content.nodes).toEqual([
        { name: 'PAYMENT_DESCRIPTOR', type: 'TEXT', value: expect.any(String) },
        { name: 'PAYMENT_DESCRIPTOR_SUBHEADER', type: 'TEXT', value: expect.any(String) },
        BADGE,
      ]);
    }
    expect(texts(r)).toEqual({
      'Pay now': 'Pay in full today',
      'Pay in 4-interest-free': 'Pay in 4-interest-free payments of $136.09',
      'Pay later': 'Pay in 30 days, interest-free',
      'Pay over time': 'Split the cost into smaller payments over 6-24 months',
    });
  });

  it('omits an option outside its market range (seed, "Sample payment data")', async () => {
    // US Pay in 4 is 35–4000 USD, Pay later 0–1000, over time 149–10000, Pay now 0–4000.
    const small = await api.messaging.paymentDescriptors(accountId, { locale: 'en-US', amount: 3499, currency: 'USD' }, mutation());
    expect(Object.keys(texts(small))).toEqual(['Pay now', 'Pay later']);
    const atMin = await api.messaging.paymentDescriptors(accountId, { locale: 'en-US', amount: 3500 }, mutation());
    expect(Object.keys(texts(atMin))).toEqual(['Pay now', 'Pay in 4-interest-free', 'Pay later']);
    const large = await api.messaging.paymentDescriptors(accountId, { locale: 'en-US', amount: 500_000, currency: 'USD' }, mutation());
    expect(Object.keys(texts(large))).toEqual(['Pay over time']);
    // Sweden: Pay in 3 only up to 849.99 SEK.
    const se = await api.messaging.paymentDescriptors(accountId, { locale: 'sv-SE', amount: 85_000, currency: 'SEK' }, mutation());
    expect(se.paymentDescriptors.map((d) => d.paymentOptionId)).toEqual(['pay-now', 'pay-later', 'pay-over-time']);
  });

  it('varies copy by locale, and offers nothing where Klarna is not available', async () => {
    const de = await api.messaging.paymentDescriptors(accountId, { locale: 'de-DE', amount: 30000, currency: 'EUR' }, mutation());
    expect(texts(de)['In 3 Raten zinsfrei']).toBe('3 zinsfreie Raten von 100,00\u00a0€');
    const gb = await api.messaging.paymentDescriptors(accountId, { locale: 'en-GB', amount: 30000, currency: 'GBP' }, mutation());
    expect(texts(gb)['Pay in 3-interest-free']).toBe('Pay in 3-interest-free payments of £100.00');
    expect((await api.messaging.paymentDescriptors(accountId, { locale: 'en-US', amount: 10000, currency: 'EUR' }, mutation())).paymentDescriptors).toEqual([]);
    expect((await api.messaging.paymentDescriptors(accountId, { locale: 'fr-CA', amount: 20000 }, mutation())).paymentDescriptors).toEqual([]);
  });

  it('rejects a bad locale, currency or amount with VALIDATION_ERROR naming the parameters', async () => {
    const bad = { locale: 'english', amount: 12.5, currency: 'usd' };
    expect(await failure(() => api.messaging.paymentDescriptors(accountId, bad, mutation()))).toEqual(validation('amount', 'currency', 'locale'));
    expect(await failure(() => api.messaging.paymentDescriptors(accountId, { locale: 'en-US', amount: -1 }, mutation()))).toEqual(validation('amount'));
    const unknown = { locale: 'en-US', amount: 100, key: 'checkout', extra: 1 } as never;
    expect(await failure(() => api.messaging.paymentDescriptors(accountId, unknown, mutation()))).toEqual(validation('extra', 'key'));
  });
});

describe('checkout placement', () => {
  it('answers the buyer-protection message, a learn-more link and the badge', async () => {
    const r = await api.messaging.placements(accountId, { key: 'checkout', locale: 'en-US', amount: 10000, currency: 'USD' }, mutation());
    expect(r).toEqual({
      key: 'checkout',
      content: {
        nodes: [
          { name: 'TEXT_MAIN', type: 'TEXT', value: expect.stringContaining('buyer protection') },
          { name: 'ACTION_LEARN_MORE', type: 'ACTION', label: 'Learn more', url: expect.stringMatching(/^https:\/\//) },
          BADGE,
        ],
      },
    });
    const sv = await api.messaging.placements(accountId, { locale: 'sv-SE', amount: 10000 }, mutation());
    expect(sv.content.nodes[1]).toMatchObject({ label: 'Läs mer' });
    // Beyond every US range: nothing to place.
    expect((await api.messaging.placements(accountId, { locale: 'en-US', amount: 2_000_000 }, mutation())).content.nodes).toEqual([]);
  });

  it('rejects a bad body with VALIDATION_ERROR naming the parameters', async () => {
    expect(await failure(() => api.messaging.placements(accountId, { locale: 'en_US', amount: 100, currency: 'US' }, mutation()))).toEqual(validation('currency', 'locale'));
    expect(await failure(() => api.messaging.placements(accountId, { locale: 'en-US' } as never, mutation()))).toEqual(validation('amount'));
  });
});

describe('accounts', () => {
  it('answers 404 for an unknown account, as the other account routes', async () => {
    const unknown = 'krn:partner:global:account:test:ZZZZZZZZ';
    const body = { locale: 'en-US', amount: 10000, currency: 'USD' };
    const notFound = { status: 404, errorType: 'RESOURCE_ERROR', errorCode: 'RESOURCE_NOT_FOUND', parameters: [] };
    expect(await failure(() => api.messaging.paymentDescriptors(unknown, body, mutation()))).toEqual(notFound);
    expect(await failure(() => api.messaging.placements(unknown, body, mutation()))).toEqual(notFound);
  });

  it('offers nothing while the payment product is disabled', async () => {
    await api.paymentProduct.disable(accountId, mutation());
    expect((await api.messaging.paymentDescriptors(accountId, { locale: 'en-US', amount: 10000 }, mutation())).paymentDescriptors).toEqual([]);
  });
});
