import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { rowsOf } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { describeMigration } from '@/test/db';

describeMigration('the migration adding settlements.missing_total', 'settlement_missing_total', (handle) => {
  it('gives payouts reconciled before it their count of missing items, resolved ones included', async () => {
    const db = handle().db;
    const imp = '00000000-0000-4000-8000-000000000001';
    await db.execute(
      sql`insert into settlement_imports (id, source, file_name, size_bytes, status) values (${imp}, 'upload', 'a.csv', 1, 'done')`,
    );
    for (const id of ['P-A', 'P-B'])
      await db.execute(sql`
        insert into settlements (settlement_id, import_id, currency, period_start, period_end, line_count, gross_sales, refunds, fees, tax, discounts, penalties, disputes, net, matched_count, open_count, missing_count, reconciled_at)
        values (${id}, ${imp}, 'EUR', now(), now(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, now())`);
    for (const [op, payout, resolved] of [
      ['op-1', 'P-A', false],
      ['op-2', 'P-A', true],
      ['op-3', 'P-A', false],
      ['op-4', 'P-B', false],
    ] as const)
      await db.execute(sql`
        insert into settlement_missing (import_id, operation_id, kind, payment_transaction_id, account_id, currency, amount, occurred_at, settlement_id, resolved_at)
        values (${imp}, ${op}, 'capture', 'tx', 'acc', 'EUR', 100, now(), ${payout}, ${resolved ? sql`now()` : null})`);
    await migrateDatabase(handle());
    const totals = rowsOf<{ settlement_id: string; missing_total: number }>(
      await db.execute(sql`select settlement_id, missing_total from settlements order by settlement_id`),
    );
    expect(totals.map((t) => [t.settlement_id, Number(t.missing_total)])).toEqual([
      ['P-A', 3],
      ['P-B', 1],
    ]);
  });
});
