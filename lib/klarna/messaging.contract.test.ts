import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/start';
import { mutation, sandboxClient } from '../../sandbox/test-helpers';
import { klarnaPath } from './routes';
import type { KlarnaApi } from './api';
import { KlarnaApiError } from './errors';
import type { OnboardRequest } from './schemas/accounts';
import type { PaymentDescriptorsResponse } from './schemas/messaging';

// The Partner Product Messaging API against the embedded sandbox, over real HTTP through the
// typed client: GET …/payment/messaging/payment-descriptors and …/payment/messaging/checkout
// with the seed's query parameters (seed 002 l. 2312, 2434), from static copy, by locale and
// the seed's amount thresholds.

let sandbox: RunningSandbox;
let api: KlarnaApi;
let accountId: string;
let apiKey: string;

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
  apiKey = (await sandbox.control.bootstrapKey()).api_key;
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
    return {
      status: error.status,
      errorType: error.errorType,
      errorCode: error.errorCode,
      parameters: error.errors.map((e) => e.parameter ?? '').sort(),
    };
  }
  throw new Error('expected a Klarna error');
}
const validation = (...parameters: string[]) => ({
  status: 400,
  errorType: 'INPUT_ERROR',
  errorCode: 'VALIDATION_ERROR',
  parameters: [...parameters].sort(),
});

const BADGE = { name: 'KLARNA_BADGE', alt: 'Klarna', type: 'IMAGE', url: expect.stringMatching(/^https:\/\//) };
/** Descriptor → subheader, per option. */
const texts = (r: PaymentDescriptorsResponse) =>
  Object.fromEntries(r.payment_descriptors.map((d) => [d.content.nodes[0]!.value, d.content.nodes[1]!.value]));

describe('the seed’s routes', () => {
  it('are GETs at …/payment/messaging/payment-descriptors and …/payment/messaging/checkout with query parameters', async () => {
    // A caller that only knows the seed's text: the path and parameters as printed, no body, no key.
    const path = `/v1/accounts/${accountId}/payment/messaging/payment-descriptors?locale=en-US&payment_amount=2500&currency=USD`;
    expect(klarnaPath('messaging.paymentDescriptors', { account_id: accountId })).toBe(
      `/v1/accounts/${accountId}/payment/messaging/payment-descriptors`,
    );
    const res = await fetch(`${sandbox.baseUrl}${path}`, { headers: { Authorization: `Basic ${apiKey}` } });
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as PaymentDescriptorsResponse).payment_descriptors.map((d) => d.payment_option_id),
    ).toEqual(['pay-now', 'pay-later']);
    const checkout = await fetch(
      `${sandbox.baseUrl}/v1/accounts/${accountId}/payment/messaging/checkout?locale=en-US&payment_amount=10000`,
      { headers: { Authorization: `Basic ${apiKey}` } },
    );
    expect(checkout.status).toBe(200);
    // The old POST paths of ours are gone.
    const old = await fetch(`${sandbox.baseUrl}/v1/accounts/${accountId}/messaging/payment-descriptors`, {
      method: 'POST',
      headers: { Authorization: `Basic ${apiKey}`, 'Content-Type': 'application/json', 'Klarna-Idempotency-Key': 'k' },
      body: '{}',
    });
    expect(old.status).toBe(404);
  });
});

describe('payment descriptors', () => {
  it('answers the seed response shape: one entry per option, descriptor, subheader and badge', async () => {
    // The seed's order: $544.38 → "Pay in 4-interest-free payments of $136.09".
    const r = await api.messaging.paymentDescriptors(accountId, {
      locale: 'en-US',
      payment_amount: 54438,
      currency: 'USD',
    });
    expect(r.payment_descriptors.map((d) => d.payment_option_id)).toEqual([
      'pay-now',
      'pay-in-4',
      'pay-later',
      'pay-over-time',
    ]);
    for (const d of r.payment_descriptors) {
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

  it('follows message_preference: KLARNA one entry for all, another preference that option and one for the rest', async () => {
    const single = await api.messaging.paymentDescriptors(accountId, {
      locale: 'en-US',
      payment_amount: 54438,
      message_preference: 'KLARNA',
    });
    expect(texts(single)).toEqual({ 'All options with Klarna': 'Pay now, in 30 days or with Financing' });
    const two = await api.messaging.paymentDescriptors(accountId, {
      locale: 'en-US',
      payment_amount: 54438,
      message_preference: 'PAY_OVER_TIME',
    });
    expect(two.payment_descriptors.map((d) => d.payment_option_id)).toEqual(['pay-over-time', 'klarna']);
    // A promoted option the amount does not allow: the all-option answer.
    const small = await api.messaging.paymentDescriptors(accountId, {
      locale: 'en-US',
      payment_amount: 5000,
      message_preference: 'PAY_OVER_TIME',
    });
    expect(small.payment_descriptors.map((d) => d.payment_option_id)).toEqual(['pay-now', 'pay-in-4', 'pay-later']);
  });

  it('omits an option outside its market range (seed, "Sample payment data")', async () => {
    // US Pay in 4 is 35–4000 USD, Pay later 0–1000, over time 149–10000, Pay now 0–4000.
    const small = await api.messaging.paymentDescriptors(accountId, {
      locale: 'en-US',
      payment_amount: 3499,
      currency: 'USD',
    });
    expect(Object.keys(texts(small))).toEqual(['Pay now', 'Pay later']);
    const atMin = await api.messaging.paymentDescriptors(accountId, { locale: 'en-US', payment_amount: 3500 });
    expect(Object.keys(texts(atMin))).toEqual(['Pay now', 'Pay in 4-interest-free', 'Pay later']);
    const large = await api.messaging.paymentDescriptors(accountId, {
      locale: 'en-US',
      payment_amount: 500_000,
      currency: 'USD',
    });
    expect(Object.keys(texts(large))).toEqual(['Pay over time']);
    // Sweden: Pay in 3 only up to 849.99 SEK.
    const se = await api.messaging.paymentDescriptors(accountId, {
      locale: 'sv-SE',
      payment_amount: 85_000,
      currency: 'SEK',
    });
    expect(se.payment_descriptors.map((d) => d.payment_option_id)).toEqual(['pay-now', 'pay-later', 'pay-over-time']);
  });

  it('varies copy by locale, and offers nothing where Klarna is not available', async () => {
    const de = await api.messaging.paymentDescriptors(accountId, {
      locale: 'de-DE',
      payment_amount: 30000,
      currency: 'EUR',
    });
    expect(texts(de)['In 3 Raten zinsfrei']).toBe('3 zinsfreie Raten von 100,00\u00a0€');
    const gb = await api.messaging.paymentDescriptors(accountId, {
      locale: 'en-GB',
      payment_amount: 30000,
      currency: 'GBP',
    });
    expect(texts(gb)['Pay in 3-interest-free']).toBe('Pay in 3-interest-free payments of £100.00');
    expect(
      (await api.messaging.paymentDescriptors(accountId, { locale: 'en-US', payment_amount: 10000, currency: 'EUR' }))
        .payment_descriptors,
    ).toEqual([]);
    // The seed's own request example (fr-CA, 20000): a market the sandbox does not offer.
    expect(
      (await api.messaging.paymentDescriptors(accountId, { locale: 'fr-CA', payment_amount: 20000 }))
        .payment_descriptors,
    ).toEqual([]);
  });

  it('rejects a bad or missing parameter with VALIDATION_ERROR naming it', async () => {
    const bad = { locale: 'english', payment_amount: 12.5, currency: 'usd' };
    expect(await failure(() => api.messaging.paymentDescriptors(accountId, bad))).toEqual(
      validation('currency', 'locale', 'payment_amount'),
    );
    expect(
      await failure(() => api.messaging.paymentDescriptors(accountId, { locale: 'en-US', payment_amount: -1 })),
    ).toEqual(validation('payment_amount'));
    expect(
      await failure(() =>
        api.messaging.paymentDescriptors(accountId, {
          locale: 'en-US',
          payment_amount: 100,
          message_preference: 'LATER' as never,
        }),
      ),
    ).toEqual(validation('message_preference'));
    // Mandatory per the seed (l. 2314): locale and payment_amount; an unknown parameter is named too.
    const res = await fetch(
      `${sandbox.baseUrl}/v1/accounts/${accountId}/payment/messaging/payment-descriptors?amount=100`,
      { headers: { Authorization: `Basic ${apiKey}` } },
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error_code: string; errors: { parameter: string }[] };
    expect(body.error_code).toBe('VALIDATION_ERROR');
    expect(body.errors.map((e) => e.parameter).sort()).toEqual(['amount', 'locale', 'payment_amount']);
  });
});

describe('checkout placement', () => {
  it('answers the seed’s nodes: the buyer-protection text, two links and the badge', async () => {
    const r = await api.messaging.checkout(accountId, { locale: 'en-US', payment_amount: 10000, currency: 'USD' });
    expect(r).toEqual({
      content: {
        nodes: [
          { name: 'TEXT_MAIN', type: 'TEXT', value: 'Enjoy Buyer Protection with Klarna' },
          {
            name: 'ACTION_LEARN_MORE',
            type: 'ACTION',
            label: 'See payment options',
            url: expect.stringMatching(/^https:\/\//),
          },
          {
            name: 'ACTION_OPEN_BUYERS_PROTECTION_LINK',
            type: 'ACTION',
            label: 'Buyer Protection',
            url: expect.stringMatching(/^https:\/\//),
          },
          BADGE,
        ],
      },
    });
    const sv = await api.messaging.checkout(accountId, { locale: 'sv-SE', payment_amount: 10000 });
    expect(sv.content.nodes[1]).toMatchObject({ label: 'Se betalningsalternativ' });
    // Beyond every US range: nothing to place.
    expect(
      (await api.messaging.checkout(accountId, { locale: 'en-US', payment_amount: 2_000_000 })).content.nodes,
    ).toEqual([]);
  });

  it('rejects bad parameters with VALIDATION_ERROR naming them', async () => {
    expect(
      await failure(() => api.messaging.checkout(accountId, { locale: 'en_US', payment_amount: 100, currency: 'US' })),
    ).toEqual(validation('currency', 'locale'));
  });
});

describe('accounts', () => {
  it('answers 404 for an unknown account, as the other account routes', async () => {
    const unknown = 'krn:partner:global:account:test:ZZZZZZZZ';
    const query = { locale: 'en-US', payment_amount: 10000, currency: 'USD' };
    const notFound = { status: 404, errorType: 'RESOURCE_ERROR', errorCode: 'RESOURCE_NOT_FOUND', parameters: [] };
    expect(await failure(() => api.messaging.paymentDescriptors(unknown, query))).toEqual(notFound);
    expect(await failure(() => api.messaging.checkout(unknown, query))).toEqual(notFound);
  });

  it('offers nothing while the payment product is disabled', async () => {
    await api.paymentProduct.disable(accountId, mutation());
    expect(
      (await api.messaging.paymentDescriptors(accountId, { locale: 'en-US', payment_amount: 10000 }))
        .payment_descriptors,
    ).toEqual([]);
    expect((await api.messaging.checkout(accountId, { locale: 'en-US', payment_amount: 10000 })).content.nodes).toEqual(
      [],
    );
  });
});
