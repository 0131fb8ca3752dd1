import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settlementLines, settlementMissing, settlements } from '@/db/schema';
import type { klarnaApi } from '@/lib/klarna/api';
import {
  divideRoundHalfUp,
  feeFor,
  extendedCsvHeader,
  extendedCsvLine,
  scaledRoundHalfUp,
} from '@/lib/klarna/schemas/settlements';
import { savePaymentTransaction } from '@/lib/payments/cache';
import { startSandbox, type RunningSandbox } from '@/sandbox/start';
import { mutation, sandboxClient } from '@/sandbox/test-helpers';
import { openTestDatabase, type Driver } from '@/test/db';
import { saleLine } from '@/test/factories';
import { paymentOperations, paymentTransactions } from '@/db/schema';
import { chunksOf, receiveSettlementFile, runImport } from './import';
import { reconcileImport } from './reconcile';

const realPostgres = Boolean(process.env.TEST_DATABASE_URL);

describe('the fee rule, on hand-worked examples from the seed’s rate definitions', () => {
  it('charges fixed + amount × variable / 10^8 per capture and VAT on the fee, each rounded half up', () => {
    // Seed, "How pricing works": fixed 100 minor units, variable 1 200 000 = 1.2 %.
    // 100.00 EUR: 100 + 10 000 × 1.2 % = 100 + 120 = 220; VAT 25 % of 220 = 55.
    expect(feeFor(10_000, { fixed: 100, variable: 1_200_000, tax: { fixed: 0, variable: 25_000_000 } })).toEqual({
      fee: 220,
      tax: 55,
    });
    // Seed, settlement file table: fixed $5.99 = 599, variable 1.5 % = 1 500 000, VAT 1.2 % = 1 200 000.
    // $123.45: 599 + 185.175 → 185 = 784; VAT 9.408 → 9.
    expect(feeFor(12_345, { fixed: 599, variable: 1_500_000, tax: { fixed: 0, variable: 1_200_000 } })).toEqual({
      fee: 784,
      tax: 9,
    });
    // 1.7 % (1 700 000) of 50 = 0.85 → 1 (half up); of 29 = 0.493 → 0.
    expect(feeFor(50, { fixed: 0, variable: 1_700_000 })).toEqual({ fee: 1, tax: 0 });
    expect(feeFor(29, { fixed: 0, variable: 1_700_000 })).toEqual({ fee: 0, tax: 0 });
    // Exactly half rounds up: 1 % of 50 = 0.5 → 1. A fixed VAT amount is added as is ($1.20 = 120).
    expect(feeFor(50, { fixed: 0, variable: 1_000_000, tax: { fixed: 120, variable: 0 } })).toEqual({
      fee: 1,
      tax: 120,
    });
    expect(divideRoundHalfUp(149n, 100n)).toBe(1n);
    expect(divideRoundHalfUp(150n, 100n)).toBe(2n);
  });

  it('computes the same in doubles (the importer, per line) as in bigint, up to amounts whose product no double holds', () => {
    let state = 7;
    const next = (max: number) => (state = (state * 48271) % 2147483647) % max;
    const cases = [
      [0, 0],
      [50, 1_000_000],
      [99_999_999_999, 100_000_000],
      [2 ** 40, 99_999_999],
    ];
    for (let i = 0; i < 5000; i++) cases.push([next(2_000_000_000) * (1 + next(5000)), next(100_000_001)]);
    for (const [a, b] of cases as [number, number][])
      expect(scaledRoundHalfUp(a, b)).toBe(Number(divideRoundHalfUp(BigInt(a) * BigInt(b), 100_000_000n)));
  });
});

for (const driver of ['pglite', 'postgres'] as const satisfies Driver[]) {
  (driver === 'postgres' && !realPostgres ? describe.skip : describe)(
    `reconciling the sandbox's settlement reports [${driver}]`,
    () => {
      let handle: Awaited<ReturnType<typeof openTestDatabase>>;
      let sandbox: RunningSandbox;
      let api: ReturnType<typeof klarnaApi>;
      let accountId: string;
      let dir: string;

      beforeAll(async () => {
        handle = await openTestDatabase(driver);
        dir = await mkdtemp(path.join(os.tmpdir(), 'settle-rec-'));
        sandbox = await startSandbox({ rateLimits: 'off', accountActivationMs: 0 });
        ({ api } = sandboxClient(sandbox.baseUrl, (await sandbox.control.bootstrapKey()).api_key));
        ({ account_id: accountId } = await api.accounts.onboard(
          {
            account_reference: `M-SETTLE-${driver}`,
            account_name: 'Settlement test shop',
            account_owner: {
              given_name: 'Julia',
              family_name: 'Doe',
              email: 'julia@example.com',
              phone: '+15555555555',
            },
            products: [{ type: 'PAYMENT', merchant_category_code: '5691' }],
            channel: { websites: [{ urls: ['https://shop.example'] }] },
          },
          mutation(),
        ));
        await sandbox.control.setAccountState(accountId, 'OPERATIONAL').catch(() => undefined);
      });
      afterAll(async () => {
        await sandbox?.close();
        await handle?.dispose();
        await rm(dir, { recursive: true, force: true });
      });

      /** Payments captured (and some refunded) at Klarna, a second apart, then read into the dashboard's cache. */
      async function capturedPayments(specs: { currency: 'EUR' | 'USD'; captures: number[]; refund?: number }[]) {
        const ids: string[] = [];
        for (const spec of specs) {
          const total = spec.captures.reduce((a, b) => a + b, 0);
          const { payment_transaction } = await sandbox.control.createAuthorizedPayment(accountId, {
            currency: spec.currency,
            payment_amount: total,
            purchase_country: spec.currency === 'EUR' ? 'DE' : 'US',
            line_items: [{ name: 'Goods', quantity: 1, unit_price: total, total_line_amount: total }],
          });
          const id = payment_transaction.payment_transaction_id as string;
          let lastCapture = '';
          for (const amount of spec.captures) {
            ({
              capture: { payment_capture_id: lastCapture },
            } = await api.paymentTransactions.capture(accountId, id, { amount }, mutation()));
            await sandbox.control.advanceClock(1);
          }
          if (spec.refund) {
            // With several captures Klarna wants the refund made against one of them.
            await api.paymentTransactions.refundCapture(
              accountId,
              id,
              lastCapture,
              { amount: spec.refund },
              mutation(),
            );
            await sandbox.control.advanceClock(1);
          }
          await savePaymentTransaction(handle.db, await api.paymentTransactions.get(accountId, id), accountId, 'sync');
          ids.push(id);
        }
        return ids;
      }

      async function importSettlement(settlementId: string) {
        const download = await api.settlements.downloadCsv(settlementId);
        const row = await receiveSettlementFile(
          handle,
          chunksOf(download.body),
          { source: 'klarna', fileName: download.fileName, klarnaSettlementId: settlementId },
          { queue: async () => {} },
        );
        const done = await runImport(handle, row.id);
        expect(done.error).toBeNull();
        expect(done.status).toBe('done');
        return done;
      }

      it('finds each discrepancy the sandbox injects, exactly, relays a dispute, and matches everything else', async () => {
        const [, disputed] = await capturedPayments([
          { currency: 'EUR', captures: [4_011, 3_022, 2_033], refund: 1_000 },
          { currency: 'EUR', captures: [5_044, 6_055] },
          { currency: 'USD', captures: [7_066, 8_077, 9_088], refund: 500 },
          { currency: 'USD', captures: [1_099] },
        ]);
        // A shopper's dispute the merchant lost: Klarna takes the amount back in the same report.
        const dispute = await sandbox.control.addSettlementAdjustment({
          payment_transaction_id: disputed!,
          type: 'DISPUTE',
          amount: 1_234,
        });
        const closed = await sandbox.control.closeSettlementPeriod({
          discrepancies: [
            'missing_line',
            'amount_off',
            'duplicate_line',
            'unknown_transaction',
            'wrong_fee',
            'currency_mismatch',
          ],
        });
        expect(closed.settlements.map((s) => s.currency).sort()).toEqual(['EUR', 'USD']);
        const imports = new Map<string, string>();
        for (const s of closed.settlements) imports.set(s.settlement_id, (await importSettlement(s.settlement_id)).id);

        const lines = await handle.db
          .select()
          .from(settlementLines)
          .orderBy(asc(settlementLines.settlementId), asc(settlementLines.lineNo));
        const verdictOf = (pred: (l: (typeof lines)[number]) => boolean) => lines.filter(pred).map((l) => l.verdict);
        const expectedOdd = new Set<string>();
        for (const injected of closed.injected) {
          const capture = injected.payment_capture_id;
          switch (injected.kind) {
            case 'missing_line': {
              const missing = await handle.db
                .select()
                .from(settlementMissing)
                .where(eq(settlementMissing.operationId, capture!));
              expect(missing.map((m) => [m.settlementId, m.kind, m.importId])).toEqual([
                [injected.settlement_id, 'capture', imports.get(injected.settlement_id)],
              ]);
              expect(verdictOf((l) => l.paymentCaptureId === capture && l.type === 'SALE')).toEqual([]);
              // The payout page's count of its missing list is stored with the payout, equal to its rows.
              const [payout] = await handle.db
                .select()
                .from(settlements)
                .where(eq(settlements.settlementId, injected.settlement_id));
              expect(payout!.missingTotal).toBeGreaterThan(0);
              expect(payout!.missingTotal).toBe(
                await handle.db.$count(settlementMissing, eq(settlementMissing.settlementId, injected.settlement_id)),
              );
              break;
            }
            case 'amount_off':
              expect(verdictOf((l) => l.paymentCaptureId === capture && l.type === 'SALE')).toEqual([
                'amount_mismatch',
              ]);
              expectedOdd.add(`${capture}`);
              break;
            case 'duplicate_line':
              expect(verdictOf((l) => l.paymentCaptureId === capture && l.type === 'SALE')).toEqual([
                'matched',
                'duplicate',
              ]);
              expectedOdd.add(`${capture}`);
              break;
            case 'unknown_transaction':
              expect(verdictOf((l) => l.paymentTransactionId === injected.payment_transaction_id)).toEqual([
                'unknown_transaction',
              ]);
              expectedOdd.add(`${injected.payment_capture_id}`);
              break;
            case 'wrong_fee': {
              const [line] = lines.filter((l) => l.paymentCaptureId === capture && l.type === 'SALE');
              expect(line).toMatchObject({
                verdict: 'fee_mismatch',
                feeAmount: (injected.expected!.fee_amount as number) + 7,
                expectedFee: injected.expected!.fee_amount,
              });
              expectedOdd.add(`${capture}`);
              break;
            }
            case 'currency_mismatch':
              expect(verdictOf((l) => l.paymentCaptureId === capture && l.type === 'SALE')).toEqual([
                'currency_mismatch',
              ]);
              expectedOdd.add(`${capture}`);
              break;
          }
        }
        // The dispute is relayed to the merchant as it is, not matched against anything.
        expect(
          lines
            .filter((l) => l.type === 'DISPUTE')
            .map((l) => [l.disputeId, l.paymentTransactionId, l.amount, l.netAmount, l.verdict]),
        ).toEqual([[dispute.dispute_id, disputed, 1_234, -1_234, 'adjustment']]);
        // Nothing else: every other line matched.
        const others = lines.filter(
          (l) => l.type !== 'DISPUTE' && (!expectedOdd.has(`${l.paymentCaptureId}`) || l.type === 'RETURN'),
        );
        expect(new Set(others.map((l) => l.verdict))).toEqual(new Set(['matched']));
        expect(await handle.db.$count(settlementMissing)).toBe(1);
        for (const s of closed.settlements) {
          const [row] = await handle.db.select().from(settlements).where(eq(settlements.settlementId, s.settlement_id));
          expect({
            net: row!.net,
            gross: row!.grossSales,
            fees: row!.fees,
            tax: row!.tax,
            disputes: row!.disputes,
            lines: row!.lineCount,
          }).toEqual({
            net: s.totals.net,
            disputes: s.totals.disputes,
            gross: s.totals.gross_sales,
            fees: s.totals.fees,
            tax: s.totals.tax,
            lines: s.line_count,
          });
        }

        // The next report settles the left-out capture: it matches there, and its import re-checks
        // the first report, which no longer lists it as missing.
        await capturedPayments([{ currency: 'EUR', captures: [2_500] }]);
        const next = await sandbox.control.closeSettlementPeriod();
        for (const s of next.settlements) {
          const done = await importSettlement(s.settlement_id);
          const verdicts = await handle.db
            .select({ verdict: settlementLines.verdict })
            .from(settlementLines)
            .where(eq(settlementLines.importId, done.id));
          // A clean report: 100 % matched.
          expect(verdicts.length).toBeGreaterThan(0);
          expect(new Set(verdicts.map((v) => v.verdict))).toEqual(new Set(['matched']));
          expect(await handle.db.$count(settlementMissing, eq(settlementMissing.importId, done.id))).toBe(0);
        }
        const missingCapture = closed.injected.find((i) => i.kind === 'missing_line')!;
        const firstImport = imports.get(missingCapture.settlement_id)!;
        expect(await handle.db.$count(settlementMissing, eq(settlementMissing.importId, firstImport))).toBe(0);
        const [payout] = await handle.db
          .select()
          .from(settlements)
          .where(eq(settlements.settlementId, missingCapture.settlement_id));
        expect(payout!.missingCount).toBe(0);
        expect(payout!.missingTotal).toBe(0);
        // A re-run changes nothing more.
        await reconcileImport(handle.db, firstImport);
        expect(await handle.db.$count(settlementMissing, eq(settlementMissing.importId, firstImport))).toBe(0);
      });

      it('a wrong fee by a single minor unit is caught, and our rate wins over the file’s', async () => {
        // A capture we know with our rate; the file claims another rate and a fee computed with it.
        await handle.db.insert(paymentTransactions).values({
          paymentTransactionId: `tx-rate-${driver}`,
          accountId,
          state: 'COMPLETED',
          currency: 'EUR',
          authorizedAmount: 12_345,
          capturedAmount: 12_345,
          refundedAmount: 0,
          remainingAuthorizedAmount: 0,
          klarnaCreatedAt: new Date('2026-01-05T10:00:00Z'),
          klarnaUpdatedAt: new Date('2026-01-05T10:00:00Z'),
        });
        const rate = { fixed: 599, variable: 1_500_000, tax: { fixed: 0, variable: 1_200_000 } };
        const at = '2026-01-05T10:00:00Z';
        await handle.db.insert(paymentOperations).values(
          ['a', 'b', 'c'].map((k) => ({
            operationId: `cap-rate-${k}-${driver}`,
            kind: 'capture' as const,
            paymentTransactionId: `tx-rate-${driver}`,
            accountId,
            currency: 'EUR',
            amount: 12_345,
            occurredAt: new Date(at),
            rateFixed: rate.fixed,
            rateVariable: rate.variable,
            taxFixed: 0,
            taxVariable: rate.tax.variable,
          })),
        );
        const right = feeFor(12_345, rate); // 784 + 9
        const base = (k: string, fee: number, tax: number, fileRate = rate) =>
          saleLine({
            settlementId: `RATE-${driver}`,
            accountId,
            transactionId: `tx-rate-${driver}`,
            captureId: `cap-rate-${k}-${driver}`,
            amount: 12_345,
            capturedAt: at,
            rate: fileRate,
            fee,
            tax,
          });
        const other = { fixed: 599, variable: 1_600_000, tax: { fixed: 0, variable: 1_200_000 } };
        const otherFee = feeFor(12_345, other);
        const csv =
          extendedCsvHeader +
          extendedCsvLine(base('a', right.fee, right.tax)) +
          extendedCsvLine(base('b', right.fee + 1, right.tax)) +
          extendedCsvLine(base('c', otherFee.fee, otherFee.tax, other));
        const row = await receiveSettlementFile(
          handle,
          [Buffer.from(csv)],
          { source: 'upload', fileName: 'rates.csv' },
          { queue: async () => {} },
        );
        await runImport(handle, row.id);
        const verdicts = await handle.db
          .select({
            capture: settlementLines.paymentCaptureId,
            verdict: settlementLines.verdict,
            expectedFee: settlementLines.expectedFee,
            expectedTax: settlementLines.expectedTax,
          })
          .from(settlementLines)
          .where(and(eq(settlementLines.importId, row.id)))
          .orderBy(asc(settlementLines.lineNo));
        expect(verdicts).toEqual([
          { capture: `cap-rate-a-${driver}`, verdict: 'matched', expectedFee: null, expectedTax: null },
          { capture: `cap-rate-b-${driver}`, verdict: 'fee_mismatch', expectedFee: 784, expectedTax: 9 },
          { capture: `cap-rate-c-${driver}`, verdict: 'fee_mismatch', expectedFee: 784, expectedTax: 9 },
        ]);
      });
    },
  );
}
