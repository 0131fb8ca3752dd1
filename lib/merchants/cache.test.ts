import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { merchantAccounts } from '@/db/schema';
import { describeEachDriver } from '@/test/db';
import { addTimeline, merchantsVersion } from './cache';

describeEachDriver('merchantsVersion, the fingerprint the merchant pages poll', (db) => {
  const merchant = (accountId: string, updatedAt: Date) => ({
    accountId,
    accountReference: `ref-${accountId}`,
    accountName: `Shop ${accountId}`,
    state: 'OPERATIONAL',
    updatedAt,
  });

  it('changes when an account is added or updated, or its timeline grows, and only then', async () => {
    const empty = await merchantsVersion(db());
    await db()
      .insert(merchantAccounts)
      .values(merchant('acc-1', new Date('2026-12-01T10:00:00Z')));
    const one = await merchantsVersion(db());
    expect(one).not.toBe(empty);
    expect(await merchantsVersion(db())).toBe(one);

    await db()
      .insert(merchantAccounts)
      .values(merchant('acc-2', new Date('2026-12-01T10:00:01Z')));
    const two = await merchantsVersion(db());
    expect(two).not.toBe(one);

    const accountOne = await merchantsVersion(db(), 'acc-1');
    await db()
      .update(merchantAccounts)
      .set({ updatedAt: new Date('2026-12-01T11:00:00Z') })
      .where(eq(merchantAccounts.accountId, 'acc-1'));
    expect(await merchantsVersion(db())).not.toBe(two);
    expect(await merchantsVersion(db(), 'acc-1')).not.toBe(accountOne);

    const accountTwo = await merchantsVersion(db(), 'acc-2');
    const all = await merchantsVersion(db());
    await addTimeline(db(), {
      accountId: 'acc-1',
      occurredAt: new Date('2026-12-01T11:00:01Z'),
      source: 'webhook',
      kind: 'account_state',
      summary: 'Klarna: account is operational',
    });
    expect(await merchantsVersion(db())).not.toBe(all);
    // Another account's fingerprint is its own: acc-1's timeline does not move it.
    expect(await merchantsVersion(db(), 'acc-2')).toBe(accountTwo);
  });
});
