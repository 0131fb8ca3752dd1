import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  paymentOperations,
  paymentTransactions,
  settlementImports,
  settlementLines,
  settlementMerchantTotals,
  settlementMissing,
  settlementQuarantine,
  settlements,
} from '@/db/schema';
import {
  feeFor,
  netAmountOf,
  settlementColumns,
  extendedCsvHeader,
  extendedCsvLine,
  type SettlementLine,
} from '@/lib/klarna/schemas/settlements';
import { openTestDatabase, type Driver } from '@/test/db';
import { merchantTotalsFromLines } from '@/test/factories';
import { DuplicateImportError, receiveSettlementFile, runImport } from './import';
import { SettlementFileError } from './parse';
import { reconcileImport } from './reconcile';

const realPostgres = Boolean(process.env.TEST_DATABASE_URL);
const rate = { fixed: 100, variable: 1_200_000, tax: { fixed: 0, variable: 25_000_000 } };

async function* bytesOf(text: string | Buffer, chunk = 7_919) {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  for (let i = 0; i < buf.length; i += chunk) yield buf.subarray(i, i + chunk);
}

function saleLine(
  over: Partial<SettlementLine> & Pick<SettlementLine, 'payment_transaction_id' | 'payment_capture_id' | 'amount'>,
): SettlementLine {
  const { fee, tax } = feeFor(over.amount, rate);
  const line: SettlementLine = {
    captured_at: '2026-11-02T10:00:00Z',
    created_at: '2026-11-02T10:00:00Z',
    payment_transaction_created_at: '2026-11-01T09:00:00Z',
    klarna_reference: 'K1',
    merchant_reference: 'order, "quoted"\nsecond line',
    payment_transaction_reference: null,
    'payment_pricing_details.price_plan_id': 'krn:partner:global:pricing:payments:price-plan:1',
    'payment_pricing.rate.fixed': rate.fixed,
    'payment_pricing.rate.variable': rate.variable,
    'payment_pricing.rate.tax.variable': rate.tax.variable,
    'payment_pricing.rate.tax.fixed': rate.tax.fixed,
    discount_amount: 0,
    penalty_amount: 0,
    currency: 'EUR',
    payment_refund_id: null,
    payment_option_category: 'PAY_LATER',
    capture_reference: null,
    refund_reference: null,
    dispute_id: null,
    account_id: 'acct-1',
    settlement_id: 'KLNGLB-20261102-EUR',
    type: 'SALE',
    fee_amount: fee,
    tax_amount: tax,
    net_amount: 0,
    ...over,
  };
  return { ...line, net_amount: over.net_amount ?? netAmountOf(line) };
}

for (const driver of ['pglite', 'postgres'] as const satisfies Driver[]) {
  (driver === 'postgres' && !realPostgres ? describe.skip : describe)(
    `settlement import and reconciliation [${driver}]`,
    () => {
      let handle: Awaited<ReturnType<typeof openTestDatabase>>;
      let dir: string;
      beforeAll(async () => {
        handle = await openTestDatabase(driver);
        dir = await mkdtemp(path.join(os.tmpdir(), 'settle-'));
      });
      afterAll(async () => {
        await handle?.dispose();
        await rm(dir, { recursive: true, force: true });
      });

      const importText = async (text: string | Buffer, name = 'report.csv') => {
        const row = await receiveSettlementFile(
          handle,
          bytesOf(text),
          { source: 'upload', fileName: name, uploadedByEmail: 'ops@example.com' },
          { queue: async () => {} },
        );
        return runImport(handle, row.id);
      };

      it('gives every line exactly one verdict, lists what no line settles, and totals the payout', async () => {
        const db = handle.db;
        const tx = (id: string, currency = 'EUR') => ({
          paymentTransactionId: id,
          accountId: 'acct-1',
          state: 'AUTHORIZED',
          currency,
          authorizedAmount: 100_000,
          capturedAmount: 0,
          refundedAmount: 0,
          remainingAuthorizedAmount: 0,
          klarnaCreatedAt: new Date('2026-11-01T09:00:00Z'),
          klarnaUpdatedAt: new Date('2026-11-01T09:00:00Z'),
        });
        await db
          .insert(paymentTransactions)
          .values([tx('tx-a'), tx('tx-b'), tx('tx-c'), tx('tx-d'), tx('tx-e'), tx('tx-f')]);
        const op = (
          operationId: string,
          paymentTransactionId: string,
          amount: number,
          at: string,
          kind: 'capture' | 'refund' = 'capture',
        ) => ({
          operationId,
          kind,
          paymentTransactionId,
          accountId: 'acct-1',
          currency: 'EUR',
          amount,
          occurredAt: new Date(at),
          ...(kind === 'capture'
            ? { rateFixed: rate.fixed, rateVariable: rate.variable, taxFixed: 0, taxVariable: rate.tax.variable }
            : {}),
        });
        await db.insert(paymentOperations).values([
          op('cap-a', 'tx-a', 10_000, '2026-11-02T08:00:00Z'),
          op('ref-a', 'tx-a', 2_500, '2026-11-02T09:00:00Z', 'refund'),
          op('cap-b', 'tx-b', 5_000, '2026-11-02T10:00:00Z'),
          op('cap-c', 'tx-c', 7_000, '2026-11-02T11:00:00Z'),
          op('cap-d', 'tx-d', 3_000, '2026-11-02T12:00:00Z'),
          op('cap-e', 'tx-e', 4_000, '2026-11-02T13:00:00Z'), // in no line: missing
          op('cap-f', 'tx-f', 6_000, '2026-11-02T14:00:00Z'),
        ]);
        const lines: SettlementLine[] = [
          saleLine({
            payment_transaction_id: 'tx-a',
            payment_capture_id: 'cap-a',
            amount: 10_000,
            captured_at: '2026-11-02T08:00:00Z',
          }),
          {
            ...saleLine({ payment_transaction_id: 'tx-a', payment_capture_id: 'cap-a', amount: 2_500 }),
            type: 'RETURN',
            payment_capture_id: 'cap-a',
            payment_refund_id: 'ref-a',
            fee_amount: 0,
            tax_amount: 0,
            net_amount: -2_500,
          },
          saleLine({ payment_transaction_id: 'tx-b', payment_capture_id: 'cap-b', amount: 5_003 }), // amount off by 3
          saleLine({ payment_transaction_id: 'tx-c', payment_capture_id: 'cap-c', amount: 7_000 }),
          saleLine({ payment_transaction_id: 'tx-c', payment_capture_id: 'cap-c', amount: 7_000 }), // duplicate
          // wrong fee (its net follows it: a stated net that does not add up is quarantined)
          ((l) => ({ ...l, fee_amount: l.fee_amount + 7, net_amount: l.net_amount - 7 }))(
            saleLine({ payment_transaction_id: 'tx-d', payment_capture_id: 'cap-d', amount: 3_000 }),
          ),
          saleLine({ payment_transaction_id: 'tx-zz', payment_capture_id: 'cap-zz', amount: 1_000 }), // unknown transaction
          saleLine({ payment_transaction_id: 'tx-a', payment_capture_id: 'cap-unknown', amount: 1_000 }), // unknown capture
          {
            ...saleLine({ payment_transaction_id: 'tx-f', payment_capture_id: 'cap-f', amount: 6_000 }),
            currency: 'SEK',
          }, // currency mismatch
          {
            ...saleLine({ payment_transaction_id: 'tx-a', payment_capture_id: null, amount: 0 }),
            type: 'DISCOUNT',
            discount_amount: 120,
            fee_amount: 0,
            tax_amount: 0,
            net_amount: 120,
            captured_at: '2026-11-02T20:00:00Z',
          },
        ];
        const csv =
          extendedCsvHeader +
          lines.map(extendedCsvLine).join('') +
          '2026-11-02T10:00:00Z,,,tx-q,,,,,12x,,,,,,,,EUR,,,,,,acct-1,KLNGLB-20261102-EUR,SALE,,,\r\n';
        const done = await importText(csv);
        expect(done.error).toBeNull();
        expect(done.status).toBe('done');
        expect(done.linesImported).toBe(lines.length);
        expect(done.linesQuarantined).toBe(1);

        const verdicts = await db
          .select({
            lineNo: settlementLines.lineNo,
            verdict: settlementLines.verdict,
            expectedFee: settlementLines.expectedFee,
          })
          .from(settlementLines)
          .where(eq(settlementLines.importId, done.id))
          .orderBy(asc(settlementLines.lineNo));
        // Every record but the first spans two file lines (the quoted line break in merchant_reference).
        expect(verdicts.map((v) => v.verdict)).toEqual([
          'matched',
          'matched',
          'amount_mismatch',
          'matched',
          'duplicate',
          'fee_mismatch',
          'unknown_transaction',
          'unknown_capture',
          'currency_mismatch',
          'adjustment',
        ]);
        expect(verdicts.map((v) => v.lineNo)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
        expect(verdicts[5]!.expectedFee).toBe(feeFor(3_000, rate).fee);

        const [q] = await db.select().from(settlementQuarantine).where(eq(settlementQuarantine.importId, done.id));
        expect(q).toMatchObject({ lineNo: 22, column: 'amount' });
        expect(q!.reason).toContain('"12x" is not a whole number');

        const missing = await db.select().from(settlementMissing).where(eq(settlementMissing.importId, done.id));
        expect(missing.map((m) => m.operationId)).toEqual(['cap-e']);

        const [payout] = await db.select().from(settlements).where(eq(settlements.settlementId, 'KLNGLB-20261102-EUR'));
        const sum = (f: (l: SettlementLine) => number) => lines.reduce((a, l) => a + f(l), 0);
        expect(payout).toMatchObject({
          currency: 'EUR',
          lineCount: lines.length,
          grossSales: sum((l) => (l.type === 'SALE' ? l.amount : 0)),
          refunds: 2_500,
          fees: sum((l) => l.fee_amount),
          discounts: 120,
          net: sum((l) => l.net_amount),
          matchedCount: 4,
          adjustmentCount: 1,
          openCount: 6,
          missingCount: 1,
        });
        // The per-merchant sums kept while the file was read are what its lines add up to.
        const kept = await db
          .select()
          .from(settlementMerchantTotals)
          .where(eq(settlementMerchantTotals.importId, done.id))
          .orderBy(
            settlementMerchantTotals.settlementId,
            settlementMerchantTotals.accountId,
            settlementMerchantTotals.currency,
          );
        expect(kept.length).toBeGreaterThan(0);
        expect(kept.map(({ importId: _, ...m }) => m)).toEqual(await merchantTotalsFromLines(db, done.id));

        // The missing capture is settled by a later report: re-running the first clears it.
        const later = saleLine({
          payment_transaction_id: 'tx-e',
          payment_capture_id: 'cap-e',
          amount: 4_000,
          settlement_id: 'KLNGLB-20261103-EUR',
          captured_at: '2026-11-02T13:00:00Z',
        });
        const second = await importText(extendedCsvHeader + extendedCsvLine(later), 'later.csv');
        expect(second.status).toBe('done');
        await reconcileImport(db, done.id);
        expect(await db.select().from(settlementMissing).where(eq(settlementMissing.importId, done.id))).toEqual([]);
        const [after] = await db.select().from(settlements).where(eq(settlements.settlementId, 'KLNGLB-20261102-EUR'));
        expect(after!.missingCount).toBe(0);

        // Our record is corrected (a refresh from Klarna rewrites the capture): the verdict follows.
        await db.update(paymentOperations).set({ amount: 5_003 }).where(eq(paymentOperations.operationId, 'cap-b'));
        await reconcileImport(db, done.id);
        const [fixed] = await db.select().from(settlementLines).where(eq(settlementLines.lineNo, 6));
        expect(fixed!.verdict).toBe('matched');
      });

      it("a later file re-issuing a payout replaces the earlier lines, keeping an operator's resolution", async () => {
        const db = handle.db;
        const first = saleLine({
          payment_transaction_id: 'tx-reissue',
          payment_capture_id: 'cap-reissue',
          amount: 700,
          settlement_id: 'REISSUE-1',
        });
        const a = await importText(extendedCsvHeader + extendedCsvLine(first), 'first.csv');
        const [line] = await db.select().from(settlementLines).where(eq(settlementLines.importId, a.id));
        expect(line!.verdict).toBe('unknown_transaction');
        await db
          .update(settlementLines)
          .set({
            resolvedAt: new Date(),
            resolvedByEmail: 'ops@example.com',
            resolutionNote: 'Another partner’s sale; Klarna asked to move it',
          })
          .where(eq(settlementLines.importId, a.id));
        const extra = saleLine({
          payment_transaction_id: 'tx-reissue-2',
          payment_capture_id: 'cap-reissue-2',
          amount: 800,
          settlement_id: 'REISSUE-1',
        });
        const b = await importText(extendedCsvHeader + extendedCsvLine(first) + extendedCsvLine(extra), 'reissued.csv');
        expect(b.status).toBe('done');
        const [old] = await db.select().from(settlementImports).where(eq(settlementImports.id, a.id));
        expect(old!.status).toBe('superseded');
        expect(await db.$count(settlementLines, eq(settlementLines.importId, a.id))).toBe(0);
        const lines = await db
          .select()
          .from(settlementLines)
          .where(eq(settlementLines.importId, b.id))
          .orderBy(asc(settlementLines.lineNo));
        expect(lines.map((l) => [l.paymentCaptureId, l.verdict, l.resolutionNote])).toEqual([
          ['cap-reissue', 'unknown_transaction', 'Another partner’s sale; Klarna asked to move it'],
          ['cap-reissue-2', 'unknown_transaction', null],
        ]);
        const [payout] = await db.select().from(settlements).where(eq(settlements.settlementId, 'REISSUE-1'));
        expect(payout).toMatchObject({ importId: b.id, lineCount: 2, openCount: 1 });
      });

      it('a capture another payout already settled is a duplicate in the later one', async () => {
        const db = handle.db;
        await db.insert(paymentTransactions).values({
          paymentTransactionId: 'tx-twice',
          accountId: 'acct-1',
          state: 'COMPLETED',
          currency: 'EUR',
          authorizedAmount: 900,
          capturedAmount: 900,
          refundedAmount: 0,
          remainingAuthorizedAmount: 0,
          klarnaCreatedAt: new Date('2026-11-02T10:00:00Z'),
          klarnaUpdatedAt: new Date('2026-11-02T10:00:00Z'),
        });
        await db.insert(paymentOperations).values({
          operationId: 'cap-twice',
          kind: 'capture',
          paymentTransactionId: 'tx-twice',
          accountId: 'acct-1',
          currency: 'EUR',
          amount: 900,
          occurredAt: new Date('2026-11-02T10:00:00Z'),
          rateFixed: rate.fixed,
          rateVariable: rate.variable,
          taxFixed: 0,
          taxVariable: rate.tax.variable,
        });
        const line = saleLine({
          payment_transaction_id: 'tx-twice',
          payment_capture_id: 'cap-twice',
          amount: 900,
          settlement_id: 'TWICE-1',
          merchant_reference: 'x',
        });
        const first = await importText(extendedCsvHeader + extendedCsvLine(line), 'twice-1.csv');
        const second = await importText(
          extendedCsvHeader + extendedCsvLine({ ...line, settlement_id: 'TWICE-2' }),
          'twice-2.csv',
        );
        const verdictIn = async (importId: string) =>
          (
            await db
              .select({ v: settlementLines.verdict })
              .from(settlementLines)
              .where(eq(settlementLines.importId, importId))
          )[0]!.v;
        expect(await verdictIn(first.id)).toBe('matched');
        expect(await verdictIn(second.id)).toBe('duplicate');
        // Re-running the first does not turn it into the duplicate: the later payout is the repeat.
        await reconcileImport(db, first.id);
        expect(await verdictIn(first.id)).toBe('matched');
      });

      it('recognises the same file uploaded twice and keeps only one import', async () => {
        const text =
          extendedCsvHeader +
          extendedCsvLine(
            saleLine({
              payment_transaction_id: 'tx-dup',
              payment_capture_id: 'cap-dup',
              amount: 100,
              settlement_id: 'DUP-1',
            }),
          );
        const first = await importText(text, 'a.csv');
        expect(first.status).toBe('done');
        const err = await importText(text, 'b.csv').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DuplicateImportError);
        expect((err as Error).message).toMatch(/already imported on .* by ops@example.com/);
        expect(
          await handle.db.select().from(settlementImports).where(eq(settlementImports.sha256, first.sha256!)),
        ).toHaveLength(1);
        // The second copy's lines, COPYed while it arrived, went with it.
        expect(await handle.db.$count(settlementImports, eq(settlementImports.fileName, 'b.csv'))).toBe(0);
        expect(await handle.db.$count(settlementLines, eq(settlementLines.settlementId, 'DUP-1'))).toBe(1);
      });

      it('accepts columns in any order, LF endings, a BOM, alias names and unknown columns (kept)', async () => {
        const cols = [...settlementColumns]
          .reverse()
          .map((c) => (c === 'capture_reference' ? 'payment_capture_reference' : c));
        const line = saleLine({
          payment_transaction_id: 'tx-order',
          payment_capture_id: 'cap-order',
          amount: 100,
          settlement_id: 'ORDER-1',
          capture_reference: 'ship-1',
        });
        const values = [...settlementColumns].reverse().map((c) => {
          const v = line[c];
          return v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v);
        });
        const text = `\uFEFF${cols.join(',')},bank_note\n${values.join(',')},"hello, bank"\n`;
        const done = await importText(text);
        expect(done.status).toBe('done');
        expect(done.extraColumns).toEqual(['bank_note']);
        const [row] = await handle.db.select().from(settlementLines).where(eq(settlementLines.importId, done.id));
        expect(row).toMatchObject({
          captureReference: 'ship-1',
          extra: { bank_note: 'hello, bank' },
          merchantReference: 'order, "quoted"\nsecond line',
          amount: 100,
        });
      });

      it('refuses a file without a required column, an empty file and a binary file, storing nothing', async () => {
        const importsBefore = await handle.db.$count(settlementImports);
        const noAmount = settlementColumns.filter((c) => c !== 'amount' && c !== 'currency').join(',') + '\r\n';
        await expect(importText(noAmount)).rejects.toThrow(/no "amount", "currency" columns/);
        await expect(importText('')).rejects.toThrow(SettlementFileError);
        await expect(importText(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1, 2, 3, 10]))).rejects.toThrow(
          /not a CSV file/,
        );
        await expect(importText('hello world\nthis is prose\n')).rejects.toThrow(/not a settlement CSV file/);
        expect(await handle.db.$count(settlementImports)).toBe(importsBefore);
      });

      it('quarantines bad timestamps, unknown currencies and short records with line and column', async () => {
        const ok = saleLine({
          payment_transaction_id: 'tx-q1',
          payment_capture_id: 'cap-q1',
          amount: 100,
          settlement_id: 'Q-1',
          merchant_reference: 'm',
        });
        const text =
          extendedCsvHeader +
          extendedCsvLine({ ...ok, captured_at: '2026-02-30T10:00:00Z' }) +
          extendedCsvLine({ ...ok, currency: 'XYZ' }) +
          '2026-11-02T10:00:00Z,short\r\n' +
          '\r\n' +
          extendedCsvLine(ok);
        const done = await importText(text);
        expect(done).toMatchObject({ status: 'done', linesImported: 1, linesQuarantined: 3 });
        const q = await handle.db
          .select()
          .from(settlementQuarantine)
          .where(eq(settlementQuarantine.importId, done.id))
          .orderBy(asc(settlementQuarantine.lineNo));
        expect(q.map((x) => [x.lineNo, x.column])).toEqual([
          [2, 'captured_at'],
          [3, 'currency'],
          [4, null],
        ]);
        expect(q[1]!.reason).toContain('not an ISO 4217 currency');
        expect(q[2]!.reason).toContain('has 2 cells where the header has 28');
        const [line] = await handle.db.select().from(settlementLines).where(eq(settlementLines.importId, done.id));
        expect(line!.lineNo).toBe(6);
      });
    },
  );
}

it('has a unique id generator for imports', () => expect(randomUUID()).not.toBe(randomUUID()));
