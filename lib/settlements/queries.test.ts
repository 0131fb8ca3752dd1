import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Db } from '@/db/client';
import {
  merchantAccounts,
  paymentTransactions,
  settlementImports,
  settlementLines,
  settlementMerchantTotals,
  settlementMissing,
  settlements,
} from '@/db/schema';
import { describeEachDriver } from '@/test/db';
import { merchantTotalsFromLines } from '@/test/factories';
import {
  settlementLineCsvColumns,
  settlementLineCsvRow,
  settlementMissingCsvRow,
  type SettlementLineCsvSource,
} from './export-csv';
import {
  countLineVerdicts,
  feeShareByMerchant,
  getSettlement,
  getSettlementImport,
  listActiveImports,
  listPayoutCurrencies,
  listSettlementImports,
  listSettlementLines,
  listSettlementLinesForCsv,
  listSettlementMissing,
  listSettlementMissingForCsv,
  listSettlements,
  matchRateOverTime,
  payoutsOverTime,
} from './queries';

const day = (d: string, time = '12:00:00') => new Date(`${d}T${time}Z`);

async function addImport(db: Db, overrides: Partial<typeof settlementImports.$inferInsert> = {}) {
  const [row] = await db
    .insert(settlementImports)
    .values({
      source: 'upload',
      fileName: 'report.csv',
      sha256: randomUUID(),
      sizeBytes: 1000,
      status: 'done',
      ...overrides,
    })
    .returning();
  return row!;
}

type PayoutInput = Partial<typeof settlements.$inferInsert> & { importId: string };
async function addPayout(db: Db, p: PayoutInput) {
  const [row] = await db
    .insert(settlements)
    .values({
      settlementId: `krn:settlement:${randomUUID()}`,
      currency: 'EUR',
      periodStart: day('2026-03-01'),
      periodEnd: day('2026-03-31'),
      lineCount: 10,
      grossSales: 10_000,
      refunds: 0,
      fees: 300,
      tax: 75,
      discounts: 0,
      penalties: 0,
      disputes: 0,
      net: 9_625,
      matchedCount: 10,
      openCount: 0,
      missingCount: 0,
      reconciledAt: new Date(),
      ...p,
    })
    .returning();
  return row!;
}

type LineInput = Partial<typeof settlementLines.$inferInsert> & {
  importId: string;
  lineNo: number;
  settlementId: string;
};
const line = (l: LineInput): typeof settlementLines.$inferInsert => ({
  type: 'SALE',
  paymentTransactionId: `tx-${l.lineNo}`,
  paymentCaptureId: `cap-${l.lineNo}`,
  operationId: `cap-${l.lineNo}`,
  accountId: 'acc-1',
  currency: 'EUR',
  amount: 1000,
  feeAmount: 30,
  taxAmount: 7,
  discountAmount: 0,
  penaltyAmount: 0,
  netAmount: 963,
  capturedAt: day('2026-03-10'),
  verdict: 'matched',
  ...l,
});

describeEachDriver('settlement payouts list', (db) => {
  it('filters by currency, status and period end, and walks pages without skipping or repeating, ties included', async () => {
    const imp = await addImport(db());
    const made = [
      await addPayout(db(), { importId: imp.id, settlementId: 'p-a', currency: 'EUR', periodEnd: day('2026-01-31') }),
      await addPayout(db(), {
        importId: imp.id,
        settlementId: 'p-b',
        currency: 'EUR',
        periodEnd: day('2026-02-28'),
        openCount: 2,
      }),
      await addPayout(db(), {
        importId: imp.id,
        settlementId: 'p-c',
        currency: 'SEK',
        periodEnd: day('2026-02-28'),
        missingCount: 1,
      }),
      await addPayout(db(), { importId: imp.id, settlementId: 'p-d', currency: 'USD', periodEnd: day('2026-02-28') }),
      await addPayout(db(), {
        importId: imp.id,
        settlementId: 'p-e',
        currency: 'EUR',
        periodEnd: day('2026-03-31', '23:59:59.123456'),
      }),
    ];
    expect(made).toHaveLength(5);

    const all = (await listSettlements(db(), { limit: 100 })).rows.map((r) => r.settlementId);
    expect(all).toEqual(['p-e', 'p-b', 'p-c', 'p-d', 'p-a']);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listSettlements(db(), { limit: 2, cursor });
      paged.push(...page.rows.map((r) => r.settlementId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all);

    expect((await listSettlements(db(), { currency: 'EUR' })).rows.map((r) => r.settlementId)).toEqual([
      'p-e',
      'p-b',
      'p-a',
    ]);
    expect((await listSettlements(db(), { status: 'review' })).rows.map((r) => r.settlementId)).toEqual(['p-b', 'p-c']);
    expect((await listSettlements(db(), { status: 'reconciled' })).rows.map((r) => r.settlementId)).toEqual([
      'p-e',
      'p-d',
      'p-a',
    ]);
    expect(
      (await listSettlements(db(), { from: '2026-02-28', to: '2026-02-28' })).rows.map((r) => r.settlementId),
    ).toEqual(['p-b', 'p-c', 'p-d']);
    // The upper bound is inclusive of its whole day (microseconds included).
    expect(
      (await listSettlements(db(), { from: '2026-03-01', to: '2026-03-31' })).rows.map((r) => r.settlementId),
    ).toEqual(['p-e']);
    expect((await listSettlements(db(), { cursor: 'not-a-cursor', limit: 1 })).rows.map((r) => r.settlementId)).toEqual(
      ['p-e'],
    );
    await expect(listSettlements(db(), { currency: 'euro' })).rejects.toThrow();

    expect(await listPayoutCurrencies(db())).toEqual(['EUR', 'SEK', 'USD']);
    expect((await getSettlement(db(), 'p-c'))?.currency).toBe('SEK');
    expect(await getSettlement(db(), 'nope')).toBeNull();
  });
});

describeEachDriver('settlement imports list', (db) => {
  it('lists imports newest first with the payouts each brought in, and the ones still running', async () => {
    const first = await addImport(db(), { fileName: 'jan.csv', createdAt: new Date('2026-02-01T08:00:00Z') });
    const second = await addImport(db(), {
      fileName: 'feb.csv',
      createdAt: new Date('2026-03-01T08:00:00Z'),
      uploadedByEmail: 'ops@example.com',
    });
    const running = await addImport(db(), {
      fileName: 'mar.csv',
      status: 'importing',
      createdAt: new Date('2026-04-01T08:00:00Z'),
      bytesRead: 10,
      sizeBytes: 100,
    });
    const queued = await addImport(db(), {
      fileName: 'klarna.csv',
      source: 'klarna',
      status: 'queued',
      createdAt: new Date('2026-04-01T08:00:00Z'),
    });
    await addPayout(db(), { importId: second.id, settlementId: 'feb-eur', currency: 'EUR' });
    await addPayout(db(), { importId: second.id, settlementId: 'feb-sek', currency: 'SEK' });
    await addPayout(db(), { importId: first.id, settlementId: 'jan-eur' });

    const all = await listSettlementImports(db(), { limit: 10 });
    expect(all.rows.map((r) => r.fileName)).toEqual([
      ...[running, queued].sort((a, b) => (a.id < b.id ? 1 : -1)).map((r) => r.fileName),
      'feb.csv',
      'jan.csv',
    ]);
    expect(all.rows.find((r) => r.id === second.id)?.settlementIds).toEqual(['feb-eur', 'feb-sek']);
    expect(all.rows.find((r) => r.id === running.id)?.settlementIds).toEqual([]);
    expect(all.nextCursor).toBeNull();

    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listSettlementImports(db(), { limit: 1, cursor });
      paged.push(...page.rows.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all.rows.map((r) => r.id));

    expect((await listActiveImports(db())).map((r) => r.id).sort()).toEqual([running.id, queued.id].sort());
    expect((await getSettlementImport(db(), second.id))?.uploadedByEmail).toBe('ops@example.com');
    expect(await getSettlementImport(db(), randomUUID())).toBeNull();
  });
});

describeEachDriver('one payout: verdict counts, lines and missing items', (db) => {
  it('counts verdicts, filters and pages lines, and tells which transactions are known', async () => {
    const imp = await addImport(db());
    const other = await addImport(db());
    // As reconciliation wrote it: 8 lines, 4 settled (3 matched, 1 adjustment relayed).
    const payout = await addPayout(db(), {
      importId: imp.id,
      settlementId: 'detail-1',
      lineCount: 8,
      matchedCount: 4,
      adjustmentCount: 1,
    });
    await db()
      .insert(paymentTransactions)
      .values({
        paymentTransactionId: 'tx-1',
        accountId: 'acc-1',
        state: 'COMPLETED',
        currency: 'EUR',
        authorizedAmount: 1000,
        capturedAmount: 1000,
        refundedAmount: 0,
        remainingAuthorizedAmount: 0,
        klarnaCreatedAt: day('2026-03-01'),
        klarnaUpdatedAt: day('2026-03-01'),
      });
    const verdicts = [
      'matched',
      'matched',
      'amount_mismatch',
      'fee_mismatch',
      'adjustment',
      'duplicate',
      'matched',
      'unknown_transaction',
    ];
    await db()
      .insert(settlementLines)
      .values([
        ...verdicts.map((verdict, i) =>
          line({
            importId: imp.id,
            settlementId: 'detail-1',
            lineNo: i + 2,
            verdict,
            resolvedAt: i === 5 ? new Date() : null,
            ...(i === 0 ? { paymentTransactionId: 'tx-1' } : {}),
          }),
        ),
        // Another payout's line in the same import, and a line of another import: neither counts.
        line({ importId: imp.id, settlementId: 'detail-2', lineNo: 50, verdict: 'duplicate' }),
        line({ importId: other.id, settlementId: 'detail-1', lineNo: 3, verdict: 'duplicate' }),
      ]);

    const counts = await countLineVerdicts(db(), payout);
    expect(counts.byVerdict).toEqual({
      matched: 3,
      amount_mismatch: 1,
      fee_mismatch: 1,
      adjustment: 1,
      duplicate: 1,
      unknown_transaction: 1,
    });
    // The duplicate is resolved: three lines still need attention.
    expect(counts.open).toBe(3);
    // Matched vs relayed is the payout's, as its last reconciliation counted them (no line is read for it).
    const rerun = await countLineVerdicts(db(), { ...payout, matchedCount: 4, adjustmentCount: 2 });
    expect(rerun.byVerdict).toMatchObject({ matched: 2, adjustment: 2, duplicate: 1 });

    const all = await listSettlementLines(db(), payout, { limit: 100 });
    expect(all.rows.map((r) => r.lineNo)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(all.rows.find((r) => r.lineNo === 2)?.transactionKnown).toBe(true);
    expect(all.rows.find((r) => r.lineNo === 3)?.transactionKnown).toBe(false);

    const paged: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listSettlementLines(db(), payout, { limit: 3, cursor });
      paged.push(...page.rows.map((r) => r.lineNo));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);

    expect((await listSettlementLines(db(), payout, { verdict: 'matched' })).rows.map((r) => r.lineNo)).toEqual([
      2, 3, 8,
    ]);
    expect((await listSettlementLines(db(), payout, { verdict: 'open' })).rows.map((r) => r.lineNo)).toEqual([4, 5, 9]);
    const matchedPage = await listSettlementLines(db(), payout, { verdict: 'matched', limit: 2 });
    expect(matchedPage.rows.map((r) => r.lineNo)).toEqual([2, 3]);
    expect(
      (await listSettlementLines(db(), payout, { verdict: 'matched', cursor: matchedPage.nextCursor! })).rows.map(
        (r) => r.lineNo,
      ),
    ).toEqual([8]);

    // The CSV export's pages: the same rows and CSV as the full lines give, from only the columns it writes.
    const csvPaged: SettlementLineCsvSource[] = [];
    for (let after = 0, page: SettlementLineCsvSource[]; ; after = page.at(-1)!.lineNo) {
      page = await listSettlementLinesForCsv(db(), payout, { afterLineNo: after, limit: 3 });
      csvPaged.push(...page);
      if (page.length < 3) break;
    }
    expect(csvPaged.map(settlementLineCsvRow)).toEqual(all.rows.map(settlementLineCsvRow));
    expect(Object.keys(csvPaged[0]!).sort()).toEqual([...settlementLineCsvColumns].sort());
    expect(csvPaged[0]).not.toHaveProperty('extra');
  });

  it('lists the payout’s missing items oldest first, page by page', async () => {
    const imp = await addImport(db());
    const payout = await addPayout(db(), { importId: imp.id, settlementId: 'missing-1' });
    const base = {
      importId: imp.id,
      kind: 'capture',
      paymentTransactionId: 'tx-1',
      accountId: 'acc-1',
      currency: 'EUR',
      amount: 500,
      settlementId: 'missing-1',
    };
    await db()
      .insert(settlementMissing)
      .values([
        { ...base, operationId: 'op-b', occurredAt: day('2026-03-05') },
        { ...base, operationId: 'op-a', occurredAt: day('2026-03-05') },
        {
          ...base,
          operationId: 'op-c',
          occurredAt: day('2026-03-02'),
          paymentTransactionId: 'tx-unknown',
          resolvedAt: new Date(),
          resolutionNote: 'paid out late',
        },
        { ...base, operationId: 'op-other', occurredAt: day('2026-03-02'), settlementId: 'another-payout' },
      ]);
    const all = await listSettlementMissing(db(), payout, { limit: 10 });
    expect(all.rows.map((r) => r.operationId)).toEqual(['op-c', 'op-a', 'op-b']);
    expect(all.rows.map((r) => r.transactionKnown)).toEqual([false, true, true]);
    const first = await listSettlementMissing(db(), payout, { limit: 2 });
    expect(first.rows.map((r) => r.operationId)).toEqual(['op-c', 'op-a']);
    expect(
      (await listSettlementMissing(db(), payout, { limit: 2, cursor: first.nextCursor! })).rows.map(
        (r) => r.operationId,
      ),
    ).toEqual(['op-b']);

    // The CSV export's pages: the same items in the same order, without the join or the import.
    const csvPaged: string[] = [];
    let after: [string, string] | null = null;
    do {
      const page = await listSettlementMissingForCsv(db(), payout, { after, limit: 2 });
      csvPaged.push(...page.rows.map(settlementMissingCsvRow));
      expect(page.rows.every((r) => !('importId' in r) && !('transactionKnown' in r))).toBe(true);
      after = page.after;
    } while (after);
    expect(csvPaged).toEqual(all.rows.map(settlementMissingCsvRow));
  });
});

describeEachDriver('overview charts', (db) => {
  it('are empty without payouts', async () => {
    expect(await payoutsOverTime(db())).toEqual([]);
    expect(await matchRateOverTime(db())).toEqual([]);
    expect(await feeShareByMerchant(db())).toEqual([]);
  });

  it('sum payouts per day and currency, match rates per day, and fee shares per merchant with names', async () => {
    const imp = await addImport(db());
    await addPayout(db(), {
      importId: imp.id,
      settlementId: 'o-eur-1',
      currency: 'EUR',
      periodEnd: day('2026-01-31'),
      net: 1000,
      lineCount: 10,
      matchedCount: 10,
    });
    await addPayout(db(), {
      importId: imp.id,
      settlementId: 'o-sek-1',
      currency: 'SEK',
      periodEnd: day('2026-01-31', '18:00:00'),
      net: 5000,
      lineCount: 10,
      matchedCount: 5,
      openCount: 4,
      missingCount: 1,
    });
    await addPayout(db(), {
      importId: imp.id,
      settlementId: 'o-eur-2',
      currency: 'EUR',
      periodEnd: day('2026-02-28'),
      net: 2000,
      lineCount: 20,
      matchedCount: 19,
      openCount: 1,
    });
    await addPayout(db(), {
      importId: imp.id,
      settlementId: 'o-eur-3',
      currency: 'EUR',
      periodEnd: day('2026-02-28', '20:00:00'),
      net: -50,
      lineCount: 5,
      matchedCount: 5,
    });

    expect(await payoutsOverTime(db())).toEqual([
      { day: '2026-01-31', currency: 'EUR', net: 1000, payouts: 1 },
      { day: '2026-01-31', currency: 'SEK', net: 5000, payouts: 1 },
      { day: '2026-02-28', currency: 'EUR', net: 1950, payouts: 2 },
    ]);
    expect(await payoutsOverTime(db(), 1)).toEqual([{ day: '2026-02-28', currency: 'EUR', net: 1950, payouts: 2 }]);
    expect(await matchRateOverTime(db())).toEqual([
      { day: '2026-01-31', lines: 20, matched: 15, open: 5 },
      { day: '2026-02-28', lines: 25, matched: 24, open: 1 },
    ]);

    await db()
      .insert(merchantAccounts)
      .values({ accountId: 'acc-named', accountReference: 'R1', accountName: 'CoolBrand', state: 'OPERATIONAL' });
    await db()
      .insert(settlementLines)
      .values([
        line({
          importId: imp.id,
          settlementId: 'o-eur-2',
          lineNo: 2,
          accountId: 'acc-named',
          amount: 10_000,
          feeAmount: 220,
          taxAmount: 55,
        }),
        line({
          importId: imp.id,
          settlementId: 'o-eur-2',
          lineNo: 3,
          accountId: 'acc-named',
          amount: 5_000,
          feeAmount: 160,
          taxAmount: 40,
        }),
        line({
          importId: imp.id,
          settlementId: 'o-eur-2',
          lineNo: 4,
          accountId: 'acc-named',
          type: 'RETURN',
          amount: 2_000,
          feeAmount: 0,
          taxAmount: 0,
        }),
        line({
          importId: imp.id,
          settlementId: 'o-eur-2',
          lineNo: 5,
          accountId: 'acc-named',
          type: 'FEE',
          amount: 0,
          feeAmount: 100,
          taxAmount: 25,
        }),
        line({
          importId: imp.id,
          settlementId: 'o-sek-1',
          lineNo: 6,
          accountId: 'acc-anon',
          currency: 'SEK',
          amount: 100_000,
          feeAmount: 1000,
          taxAmount: 250,
        }),
        // Only adjustments: no captured volume, not shown.
        line({
          importId: imp.id,
          settlementId: 'o-eur-3',
          lineNo: 7,
          accountId: 'acc-none',
          type: 'DISCOUNT',
          amount: 0,
          feeAmount: 0,
          taxAmount: 0,
          discountAmount: 50,
        }),
      ]);
    // What the import would have kept while reading those lines.
    const sums = await merchantTotalsFromLines(db(), imp.id);
    await db()
      .insert(settlementMerchantTotals)
      .values(sums.map((m) => ({ ...m, importId: imp.id })));
    expect(await feeShareByMerchant(db())).toEqual([
      { accountId: 'acc-anon', merchantName: null, currency: 'SEK', fees: 1250, captured: 100_000 },
      { accountId: 'acc-named', merchantName: 'CoolBrand', currency: 'EUR', fees: 600, captured: 15_000 },
    ]);
    expect(await feeShareByMerchant(db(), { limit: 1 })).toHaveLength(1);
    // Only the latest payout (o-eur-3, adjustments only): nothing.
    expect(await feeShareByMerchant(db(), { payouts: 1 })).toEqual([]);
  });
});
