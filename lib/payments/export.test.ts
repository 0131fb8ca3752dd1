import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { rowsOf } from '@/db/client';
import { merchantAccounts, paymentTransactions } from '@/db/schema';
import { merchantNames } from '@/lib/merchants/names';
import { describeEachDriver } from '@/test/db';
import { paymentSorts } from './cache';
import { paymentsCsvStream } from './export';

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  // The byte order mark kept: Response.text() would drop it.
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await new Response(stream).arrayBuffer());
}

describeEachDriver('payments CSV export', (db, driver) => {
  const account = `krn:partner:global:account:test:${randomUUID().slice(0, 8)}`;
  const base = Date.UTC(2026, 5, 1);
  // Eleven payments, several sharing a creation time or an amount (the id breaks ties), read in batches of 3.
  const offsets = [0, 0, 1000, 1000, 1000, 2000, 3000, 3000, 4000, 5000, 5000];
  const amounts = [500, 500, 700, 100, 700, 900, 100, 250, 250, 1, 7];
  const ids = offsets.map(() => randomUUID());

  it('writes every matching row once, in the list’s order for each sort, across batches', async () => {
    await db().insert(merchantAccounts).values({
      accountId: account,
      accountReference: 'ref-export',
      accountName: '=Export Shop',
      state: 'OPERATIONAL',
    });
    await db()
      .insert(paymentTransactions)
      .values(
        offsets.map((offset, i) => ({
          paymentTransactionId: ids[i]!,
          accountId: account,
          state: 'AUTHORIZED',
          currency: i === 3 ? 'JPY' : 'EUR',
          authorizedAmount: amounts[i]!,
          capturedAmount: 0,
          refundedAmount: 0,
          remainingAuthorizedAmount: amounts[i]!,
          merchantReference: i === 0 ? 'a,"b"' : null,
          klarnaCreatedAt: new Date(base + offset + (i === 9 ? 0.5 : 0)),
          klarnaUpdatedAt: new Date(base + offset),
          expiresAt: i === 1 ? new Date(base + 86_400_000 + 123) : null,
        })),
      );
    for (const sort of paymentSorts) {
      const csv = await text(paymentsCsvStream(db(), { account, sort }, { bom: false, merchantNames, batch: 3 }));
      const lines = csv.split('\r\n');
      expect(lines.at(-1)).toBe('');
      const body = lines.slice(1, -1);
      expect(body).toHaveLength(11);
      const written = body.map((l) => l.split(',')[0]!);
      expect(new Set(written).size, sort).toBe(11);
      // The same order as the list: created or amount, then id, both descending unless `_asc`.
      const key = (i: number) => (sort.startsWith('amount') ? amounts[i]! : offsets[i]!);
      const expected = ids
        .map((id, i) => ({ id, k: key(i) }))
        .sort((a, b) => a.k - b.k || (a.id < b.id ? -1 : 1))
        .map((r) => r.id);
      if (sort.endsWith('desc')) expected.reverse();
      expect(written, sort).toEqual(expected);
    }
  });

  it('writes names, amounts in the currency’s exponent and UTC times as the row format says', async () => {
    const csv = await text(paymentsCsvStream(db(), { account }, { bom: true, merchantNames }));
    expect(csv.startsWith('\uFEFFpayment_transaction_id,')).toBe(true);
    const line = (id: string) => csv.split('\r\n').find((l) => l.startsWith(id))!;
    expect(line(ids[0]!)).toBe(
      `${ids[0]},${account},'=Export Shop,"a,""b""",,AUTHORIZED,EUR,5.00,500,0.00,0,0.00,0,5.00,500,2026-06-01T00:00:00.000Z,`,
    );
    expect(line(ids[1]!).endsWith(',2026-06-01T00:00:00.000Z,2026-06-02T00:00:00.123Z')).toBe(true);
    expect(line(ids[3]!)).toContain(',JPY,100,100,0,0,0,0,100,100,');
  });

  it.runIf(driver === 'postgres')('ends its query when the download is given up halfway', async () => {
    const reader = paymentsCsvStream(db(), { account }, { bom: false, merchantNames, batch: 2 }).getReader();
    await reader.read(); // the header
    await reader.read(); // the first batch, the second on its way
    await reader.cancel();
    // Closing the portal is a message to the server: the session is idle again shortly after, not stuck.
    const busy = async () =>
      rowsOf<{ n: number }>(
        await db().execute(sql`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'
            and query like ${'%as "expires"%'}`),
      )[0]!.n;
    await expect.poll(busy, { timeout: 3_000 }).toBe(0);
  });

  it('writes only the header when nothing matches', async () => {
    const csv = await text(
      paymentsCsvStream(db(), { account: `${account}-none` }, { bom: false, merchantNames, batch: 3 }),
    );
    expect(csv.split('\r\n')).toEqual([expect.stringMatching(/^payment_transaction_id,/), '']);
  });
});
