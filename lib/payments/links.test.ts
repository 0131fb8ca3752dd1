import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { merchantAccounts, paymentRequests } from '@/db/schema';
import type { KlarnaSettings } from '@/lib/credentials/connection';
import { paymentRequestCreateSchema } from '@/lib/klarna/schemas/payments';
import { describeEachDriver } from '@/test/db';
import { testKeyring } from '@/test/factories';
import { searchMerchants } from '@/lib/merchants/names';
import { addPaymentTimeline } from './cache';
import {
  describeLinkTimeline,
  getPaymentLink,
  anyMerchantCanTakePayments,
  listPaymentLinks,
  listPaymentLinkTimeline,
  paymentBlockReason,
  paymentLinkReturnUrl,
  paymentLinkVersion,
  paymentLinksVersion,
  readPaymentLinkState,
  returnQuerySchema,
} from './links';

const requestId = (n: number) => `krn:payment:eu1:request:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('the return page address', () => {
  it('is this dashboard’s /pay/return with Klarna’s id and token placeholders, and Klarna accepts it', () => {
    const url = paymentLinkReturnUrl('https://dash.example.com/');
    expect(url).toBe(
      'https://dash.example.com/pay/return?payment_request_id={klarna.payment_request.id}&token={klarna.payment_request.payment_confirmation_token}',
    );
    expect(
      paymentRequestCreateSchema.safeParse({ currency: 'USD', payment_amount: 0, config: { redirect_url: url } })
        .success,
    ).toBe(true);
    expect(
      paymentRequestCreateSchema.safeParse({
        currency: 'USD',
        payment_amount: 0,
        config: { redirect_url: paymentLinkReturnUrl('http://localhost:3101') },
      }).success,
    ).toBe(true);
  });

  it('accepts Klarna’s ids and an empty token (a declined shopper), nothing else', () => {
    expect(
      returnQuerySchema.safeParse({
        payment_request_id: requestId(1),
        token: 'krn:payment:eu1:confirmation-token:2db97a21-6706-6f0e-89ac-faf493be15ae',
      }).success,
    ).toBe(true);
    expect(returnQuerySchema.safeParse({ payment_request_id: requestId(1), token: '' }).success).toBe(true);
    expect(returnQuerySchema.safeParse({ payment_request_id: requestId(1) }).success).toBe(true);
    expect(returnQuerySchema.safeParse({ payment_request_id: '' }).success).toBe(false);
    expect(returnQuerySchema.safeParse({}).success).toBe(false);
    expect(returnQuerySchema.safeParse({ payment_request_id: '<script>', token: 'x' }).success).toBe(false);
    expect(returnQuerySchema.safeParse({ payment_request_id: requestId(1), token: 'a b' }).success).toBe(false);
  });
});

describe('the link timeline in words', () => {
  it('states the amount in major units with its currency, also for entries stored in minor units', () => {
    const created = { source: 'dashboard' as const, kind: 'request.created', amount: 10000, currency: 'EUR' };
    expect(describeLinkTimeline({ ...created, summary: 'Payment link created for 10000 EUR' })).toBe(
      'Payment link created for 100.00 EUR',
    );
    expect(describeLinkTimeline({ ...created, amount: 0, summary: 'x' })).toBe('Payment link created for 0.00 EUR');
    expect(describeLinkTimeline({ ...created, amount: null, currency: null, summary: 'x' })).toBe(
      'Payment link created',
    );
    expect(
      describeLinkTimeline({
        source: 'webhook',
        kind: 'request.state-change.authorized',
        amount: null,
        currency: null,
        summary: 'Payment request AUTHORIZED (was IN_PROGRESS)',
      }),
    ).toBe('Payment request AUTHORIZED (was IN_PROGRESS)');
  });
});

describe('which merchants can take payments', () => {
  it('operational and partially operational accounts with the payment product enabled (seed: "can process transactions"), with the reason otherwise', () => {
    expect(paymentBlockReason({ state: 'OPERATIONAL', productState: 'ENABLED' })).toBeNull();
    expect(paymentBlockReason({ state: 'PARTIALLY_OPERATIONAL', productState: 'ENABLED' })).toBeNull();
    expect(paymentBlockReason({ state: 'PARTIALLY_OPERATIONAL', productState: 'DISABLED' })).toBe(
      'its payment product is disabled',
    );
    expect(paymentBlockReason({ state: 'SUSPENDED', productState: 'ENABLED' })).toBe('the account is SUSPENDED');
    expect(paymentBlockReason({ state: 'DISABLED', productState: 'DISABLED' })).toBe('Klarna disabled this account');
    expect(paymentBlockReason({ state: 'OPERATIONAL', productState: 'DISABLED' })).toBe(
      'its payment product is disabled',
    );
    expect(paymentBlockReason({ state: 'OPERATIONAL', productState: null })).toBe('it has no payment product');
  });
});

describeEachDriver('payment links queries', (db) => {
  const accountId = 'krn:partner:global:account:test:LINKS001';
  beforeAll(async () => {
    await db()
      .insert(merchantAccounts)
      .values([
        { accountId, accountReference: 'M-1', accountName: 'Zed Shop', state: 'OPERATIONAL', productState: 'ENABLED' },
        {
          accountId: 'krn:partner:global:account:test:LINKS002',
          accountReference: 'M-2',
          accountName: 'Alpha Shop',
          state: 'PARTIALLY_OPERATIONAL',
          productState: 'ENABLED',
        },
      ]);
    // Five links created within the same millisecond (microseconds apart), and two later ones.
    const base = '2026-01-02 03:04:05.123';
    await db()
      .insert(paymentRequests)
      .values([
        ...[1, 2, 3, 4, 5].map((n) => ({
          paymentRequestId: requestId(n),
          accountId,
          state: 'SUBMITTED',
          currency: 'USD',
          paymentAmount: n * 100,
          paymentReference: `ref-${n}`,
          createdAt: sql`${`${base}${n}00+00`}::timestamptz` as unknown as Date,
        })),
        {
          paymentRequestId: requestId(6),
          accountId,
          state: 'AUTHORIZED',
          currency: 'EUR',
          paymentAmount: 600,
          paymentReference: 'other-6',
          merchantReference: 'order-6',
          createdAt: new Date('2026-01-03T00:00:00Z'),
        },
        {
          paymentRequestId: requestId(7),
          accountId: 'krn:partner:global:account:test:UNKNOWN',
          state: 'DECLINED',
          currency: 'USD',
          paymentAmount: 700,
          createdAt: new Date('2026-01-04T00:00:00Z'),
        },
      ]);
  });

  it('lists newest first with the merchant’s name, and pages through rows of the same millisecond without losing any', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await listPaymentLinks(db(), { limit: 2, cursor });
      seen.push(...page.rows.map((r) => r.paymentRequestId));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1].map(requestId));
    const first = await listPaymentLinks(db(), { limit: 2 });
    expect(first.rows.map((r) => r.merchantName)).toEqual([null, 'Zed Shop']);
  });

  it('searches references by their start and ids exactly', async () => {
    expect((await listPaymentLinks(db(), { q: 'ref-' })).rows).toHaveLength(5);
    expect((await listPaymentLinks(db(), { q: 'ORDER-6' })).rows.map((r) => r.paymentRequestId)).toEqual([
      requestId(6),
    ]);
    expect((await listPaymentLinks(db(), { q: requestId(3) })).rows.map((r) => r.paymentReference)).toEqual(['ref-3']);
    expect((await listPaymentLinks(db(), { q: '%' })).rows).toHaveLength(0);
  });

  it('reads one link, its timeline, and a version that moves when either changes', async () => {
    expect(await getPaymentLink(db(), 'krn:payment:eu1:request:missing')).toBeNull();
    const link = await getPaymentLink(db(), requestId(2));
    expect(link).toMatchObject({ paymentRequestId: requestId(2), merchantName: 'Zed Shop', paymentAmount: 200 });

    const before = await paymentLinkVersion(db(), requestId(2));
    await addPaymentTimeline(db(), {
      paymentRequestId: requestId(2),
      occurredAt: new Date(),
      source: 'webhook',
      kind: 'request.state-change.in-progress',
      summary: 'Payment request IN_PROGRESS (was SUBMITTED)',
    });
    const afterEvent = await paymentLinkVersion(db(), requestId(2));
    expect(afterEvent).not.toBe(before);
    await db()
      .update(paymentRequests)
      .set({ state: 'IN_PROGRESS', updatedAt: new Date(Date.now() + 1000) })
      .where(sql`${paymentRequests.paymentRequestId} = ${requestId(2)}`);
    expect(await paymentLinkVersion(db(), requestId(2))).not.toBe(afterEvent);
    // Another link's event does not move this one.
    const settled = await paymentLinkVersion(db(), requestId(2));
    await addPaymentTimeline(db(), {
      paymentRequestId: requestId(3),
      occurredAt: new Date(),
      source: 'webhook',
      kind: 'x',
      summary: 'x',
    });
    expect(await paymentLinkVersion(db(), requestId(2))).toBe(settled);

    expect((await listPaymentLinkTimeline(db(), requestId(2))).map((r) => r.summary)).toEqual([
      'Payment request IN_PROGRESS (was SUBMITTED)',
    ]);
  });

  it('has a version of all links that moves when one changes or a new one is created, and not otherwise', async () => {
    const before = await paymentLinksVersion(db());
    expect(await paymentLinksVersion(db())).toBe(before);
    await db()
      .update(paymentRequests)
      .set({ state: 'EXPIRED', updatedAt: new Date(Date.now() + 2000) })
      .where(sql`${paymentRequests.paymentRequestId} = ${requestId(1)}`);
    const afterChange = await paymentLinksVersion(db());
    expect(afterChange).not.toBe(before);
    await db()
      .insert(paymentRequests)
      .values({
        paymentRequestId: requestId(8),
        accountId,
        state: 'SUBMITTED',
        currency: 'USD',
        paymentAmount: 800,
        createdAt: new Date(Date.now() + 3000),
        updatedAt: new Date(0),
      });
    expect(await paymentLinksVersion(db())).not.toBe(afterChange);
  });

  it('finds merchants for the create form by the start of their name, any case, and knows whether any can take payments', async () => {
    expect((await searchMerchants(db(), { q: 'alp' })).map((m) => [m.accountName, paymentBlockReason(m)])).toEqual([
      ['Alpha Shop', null],
    ]);
    expect((await searchMerchants(db(), { q: 'ZED S' })).map((m) => m.accountId)).toEqual([accountId]);
    expect(await searchMerchants(db(), { q: 'Shop' })).toEqual([]);
    expect((await searchMerchants(db(), {})).map((m) => m.accountName)).toEqual(['Alpha Shop', 'Zed Shop']);
    expect(await anyMerchantCanTakePayments(db())).toBe(true);
  });

  it('tells the return page the stored state when Klarna cannot be asked, and nothing for a link not made here', async () => {
    const settings: KlarnaSettings = {
      environment: 'sandbox',
      baseUrl: 'http://127.0.0.1:9',
      rateLimits: 'production',
      keyring: testKeyring,
    };
    expect(await readPaymentLinkState({ db: db(), settings }, requestId(7))).toMatchObject({ state: 'DECLINED' });
    expect(await readPaymentLinkState({ db: db(), settings }, 'krn:payment:eu1:request:missing')).toBeNull();
  });
});
