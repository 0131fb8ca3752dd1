import { afterAll, beforeAll, expect, it } from 'vitest';
import { merchantAccounts } from '@/db/schema';
import type { KlarnaSettings } from '@/lib/credentials/connection';
import { addCredential } from '@/lib/credentials/service';
import { type klarnaApi } from '@/lib/klarna/api';
import { startSandbox, type RunningSandbox } from '@/sandbox/start';
import { mutation, sandboxClient } from '@/sandbox/test-helpers';
import { describeEachDriver } from '@/test/db';
import { createUser, testKeyring } from '@/test/factories';
import { getCachedPayment, listPaymentTimeline } from './cache';
import {
  anyMerchantCanTakePayments,
  describeLinkTimeline,
  listPaymentLinkTimeline,
  paymentBlockReason,
  paymentLinkReturnUrl,
} from './links';
import { capturePayment, createPaymentLink, refundPayment, releaseRemaining } from './service';
import { testContext } from '@/test/context';

// A just-onboarded account "can process transactions, but can not yet be managed" (seed 002
// l. 1280): payment links work while Klarna still sets it up. And every amount the
// dashboard writes into a timeline is in major units with its currency (issue 13, point 7).

let sandbox: RunningSandbox;
let api: ReturnType<typeof klarnaApi>;
beforeAll(async () => {
  // An hour of setting up: the account stays PARTIALLY_OPERATIONAL for the whole test.
  sandbox = await startSandbox({ rateLimits: 'off', accountActivationMs: 3_600_000 });
  ({ api } = sandboxClient(sandbox.baseUrl, (await sandbox.control.bootstrapKey()).api_key));
});
afterAll(() => sandbox.close());

async function onboard(reference: string) {
  const { account_id } = await api.accounts.onboard(
    {
      account_reference: reference,
      account_name: `Shop ${reference}`,
      account_owner: { given_name: 'Julia', family_name: 'Doe', email: 'julia@example.com', phone: '+15555555555' },
      products: [{ type: 'PAYMENT', merchant_category_code: '5691' }],
      channel: { websites: [{ urls: ['https://shop.example'] }] },
    },
    mutation(),
  );
  return account_id;
}

describeEachDriver('payments on a partially operational account', (db) => {
  const settings = (): KlarnaSettings => ({
    environment: 'sandbox',
    baseUrl: sandbox.baseUrl,
    rateLimits: 'production',
    keyring: testKeyring,
  });
  let operator: Awaited<ReturnType<typeof createUser>>['actor'];
  const as = () => testContext({ db: db(), actor: operator, settings: settings() });

  beforeAll(async () => {
    const { actor: admin } = await createUser(db(), { role: 'admin' });
    ({ actor: operator } = await createUser(db(), { role: 'operator' }));
    await addCredential(testContext({ db: db(), actor: admin, settings: settings() }), {
      environment: 'sandbox',
      label: 'Dashboard',
      apiKey: (await sandbox.control.bootstrapKey()).api_key,
    });
  });

  it('offers the merchant in the link form and creates the link at Klarna, its timeline in major units', async () => {
    const accountId = await onboard(`PO-${crypto.randomUUID().slice(0, 6)}`);
    const account = await api.accounts.get(accountId);
    expect(account.state).toBe('PARTIALLY_OPERATIONAL');
    await db().insert(merchantAccounts).values({
      accountId,
      accountReference: account.account_reference,
      accountName: account.account_name,
      state: account.state,
      productState: 'ENABLED',
    });
    expect(paymentBlockReason({ state: account.state, productState: 'ENABLED' })).toBeNull();
    expect(await anyMerchantCanTakePayments(db())).toBe(true);

    const created = await createPaymentLink(as(), accountId, crypto.randomUUID(), {
      currency: 'EUR',
      payment_amount: 10_000,
      payment_reference: 'po-1',
      config: { redirect_url: paymentLinkReturnUrl('https://dash.example') },
    });
    expect(created.state).toBe('SUBMITTED');
    const [entry] = await listPaymentLinkTimeline(db(), created.payment_request_id);
    expect(entry!.summary).toBe('Payment link created for 100.00 EUR');
    expect(describeLinkTimeline(entry!)).toBe('Payment link created for 100.00 EUR');
    // Management is still refused while Klarna sets the account up.
    await expect(api.paymentProduct.disable(accountId, mutation())).rejects.toMatchObject({ status: 409 });
  });

  it('captures, refunds and releases on it, each timeline entry naming its amount in major units', async () => {
    const accountId = await onboard(`PO-${crypto.randomUUID().slice(0, 6)}`);
    const { payment_transaction } = await sandbox.control.createAuthorizedPayment(accountId, {
      currency: 'EUR',
      payment_amount: 10_000,
      purchase_country: 'DE',
      line_items: [{ name: 'Shirt', quantity: 1, unit_price: 10_000, total_line_amount: 10_000 }],
    });
    const target = { accountId, paymentTransactionId: payment_transaction.payment_transaction_id as string };
    await capturePayment(as(), target, crypto.randomUUID(), { amount: 6_000 });
    // Klarna's refusal is quoted as its words, in its minor units, beside our sentence, on the page and on the field.
    const refusal = refundPayment(as(), target, crypto.randomUUID(), { reason: 'too much' }, { amount: 7_000 });
    await expect(refusal).rejects.toMatchObject({
      message: expect.stringMatching(
        /^Klarna refused this because .*Klarna's words \(Klarna writes amounts in minor units: 1500 is 15\.00\): “Cannot refund 7000: only 6000 EUR/,
      ),
      fields: {
        amount: [
          expect.stringMatching(
            /^Klarna's words \(Klarna writes amounts in minor units: 1500 is 15\.00\): “Cannot refund 7000/,
          ),
        ],
      },
    });
    await refundPayment(as(), target, crypto.randomUUID(), { reason: 'one returned' }, { amount: 1_500 });
    await releaseRemaining(as(), target, crypto.randomUUID());
    expect(await getCachedPayment(db(), target.paymentTransactionId)).toMatchObject({
      capturedAmount: 6_000,
      refundedAmount: 1_500,
      remainingAuthorizedAmount: 0,
    });
    const summaries = (await listPaymentTimeline(db(), target))
      .filter((t) => t.source === 'dashboard')
      .map((t) => t.summary);
    expect(summaries).toEqual([
      'Released the remaining authorization (40.00 EUR)',
      'Refunded 15.00 EUR: one returned',
      'Captured 60.00 EUR',
    ]);
  });
});
