import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { paymentTransactions } from '@/db/schema';
import { describeEachDriver } from '@/test/db';
import { eq } from 'drizzle-orm';
import { addPaymentTimeline, listPayments, paymentSorts, paymentsVersion } from './cache';

describeEachDriver('payments list keyset pages', (db) => {
  it('walks every sort page by page without skipping or repeating a row, ties included', async () => {
    const account = `krn:partner:global:account:test:${randomUUID().slice(0, 8)}`;
    const base = Date.UTC(2026, 5, 1);
    // Seven payments; several share a creation time or an amount, so the id breaks ties.
    const rows = [0, 0, 1000, 1000, 1000, 2000, 3000].map((offset, i) => ({
      paymentTransactionId: randomUUID(),
      accountId: account,
      state: 'AUTHORIZED',
      currency: 'EUR',
      authorizedAmount: [500, 500, 700, 100, 700, 900, 100][i]!,
      capturedAmount: 0,
      refundedAmount: 0,
      remainingAuthorizedAmount: [500, 500, 700, 100, 700, 900, 100][i]!,
      klarnaCreatedAt: new Date(base + offset),
      klarnaUpdatedAt: new Date(base + offset),
    }));
    await db().insert(paymentTransactions).values(rows);
    for (const sort of paymentSorts) {
      const all = (await listPayments(db(), { account, sort, limit: 100 })).rows.map((r) => r.paymentTransactionId);
      expect(new Set(all).size).toBe(7);
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listPayments(db(), { account, sort, limit: 2, cursor });
        paged.push(...page.rows.map((r) => r.paymentTransactionId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(paged, sort).toEqual(all);
    }
    const byAmount = (await listPayments(db(), { account, sort: 'amount_desc' })).rows.map((r) => r.authorizedAmount);
    expect(byAmount).toEqual([900, 700, 700, 500, 500, 100, 100]);
    const newest = (await listPayments(db(), { account })).rows.map((r) => r.klarnaCreatedAt.getTime() - base);
    expect(newest).toEqual([3000, 2000, 1000, 1000, 1000, 0, 0]);
  });
});

describeEachDriver('payments version (what live pages poll)', (db) => {
  // Each write a second later than the one before, as the cache's writes are.
  let clock = Date.now();
  const later = () => new Date((clock += 1000));
  const insertPayment = async (id = randomUUID()) => {
    await db().insert(paymentTransactions).values({
      paymentTransactionId: id,
      accountId: 'krn:partner:global:account:test:version',
      state: 'AUTHORIZED',
      currency: 'EUR',
      authorizedAmount: 100,
      capturedAmount: 0,
      refundedAmount: 0,
      remainingAuthorizedAmount: 100,
      klarnaCreatedAt: new Date(),
      klarnaUpdatedAt: new Date(),
      updatedAt: later(),
    });
    return id;
  };

  it('moves on a new payment, a changed one and a timeline entry; one payment’s only on its own', async () => {
    const one = await insertPayment();
    const other = await insertPayment();
    const all0 = await paymentsVersion(db());
    const one0 = await paymentsVersion(db(), one);

    await insertPayment();
    const all1 = await paymentsVersion(db());
    expect(all1).not.toBe(all0);
    expect(await paymentsVersion(db(), one)).toBe(one0);

    await db()
      .update(paymentTransactions)
      .set({ state: 'CAPTURED', updatedAt: later() })
      .where(eq(paymentTransactions.paymentTransactionId, other));
    const all2 = await paymentsVersion(db());
    expect(all2).not.toBe(all1);
    expect(await paymentsVersion(db(), one)).toBe(one0);

    await addPaymentTimeline(db(), {
      paymentTransactionId: one,
      kind: 'note',
      summary: 'a note',
      occurredAt: new Date(),
      source: 'dashboard',
    });
    expect(await paymentsVersion(db())).not.toBe(all2);
    expect(await paymentsVersion(db(), one)).not.toBe(one0);
    expect(await paymentsVersion(db(), randomUUID())).toBe('-|-');
  });
});
