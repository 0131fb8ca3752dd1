import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '@/db/client';
import { auditLog, paymentOperations, settlementLines, settlementMissing } from '@/db/schema';
import { queues, startJobs, stopJobs } from '@/lib/jobs/queue';
import { extendedCsvHeader, extendedCsvLine } from '@/lib/klarna/schemas/settlements';
import { appWebhookHandlers } from '@/lib/app';
import { receiveKlarnaWebhook } from '@/lib/webhooks/receiver';
import { openTestDatabase, type Driver } from '@/test/db';
import { klarnaEvent, saleLine, signedHeaders } from '@/test/factories';
import { receiveSettlementFile, runImport } from './import';
import { importsAffectedBy, importsWithNowKnownLines, recheckImport, sweepNowKnownLines } from './recheck';

const realPostgres = Boolean(process.env.TEST_DATABASE_URL);
const KEY = 'recheck-test-signing-key';
const rate = { fixed: 100, variable: 1_200_000, tax: { fixed: 0, variable: 0 } };
const at = '2026-03-02T10:00:00.000Z';

async function* bytesOf(text: string) {
  yield Buffer.from(text);
}

for (const driver of ['pglite', 'postgres'] as const satisfies Driver[]) {
  (driver === 'postgres' && !realPostgres ? describe.skip : describe)(
    `a capture learnt after its payout was reconciled [${driver}]`,
    () => {
      let handle: Awaited<ReturnType<typeof openTestDatabase>>;
      let dir: string;
      const accountId = `krn:partner:global:account:test:RECHECK-${driver}`;
      const settlementId = `RECHECK-20260302-EUR-${driver}`;
      const known = { tx: `tx-known-${randomUUID()}`, capture: `cap-known-${randomUUID()}`, amount: 10_000 };
      const late = { tx: `tx-late-${randomUUID()}`, capture: `cap-late-${randomUUID()}`, amount: 4_200 };
      let importId: string;

      const lateLine = async () => {
        const [line] = await handle.db
          .select()
          .from(settlementLines)
          .where(and(eq(settlementLines.importId, importId), eq(settlementLines.paymentCaptureId, late.capture)));
        return line!;
      };
      const recheckJobs = async () =>
        Number(
          rowsOf<{ n: number | string }>(
            await handle.db.execute(sql`SELECT count(*) AS n FROM pgboss.job WHERE name = ${queues.settlementRecheck}`),
          )[0]!.n,
        );
      /** Klarna's `payment.transaction.captured` for the late capture, as the receiver gets it. */
      async function deliverCaptured(eventId = randomUUID()) {
        const payload = {
          payment_transaction_id: late.tx,
          state: 'COMPLETED',
          previous_state: 'AUTHORIZED',
          currency: 'EUR',
          authorized_amount: late.amount,
          captured_amount: late.amount,
          refunded_amount: 0,
          remaining_authorized_amount: 0,
          amount: late.amount,
          capture: { payment_capture_id: late.capture, amount: late.amount, refunded_amount: 0, created_at: at },
        };
        const { body } = klarnaEvent({ eventId, eventType: 'payment.transaction.captured', accountId, payload });
        const headers = signedHeaders(body, 'k', KEY);
        const answer = await receiveKlarnaWebhook(
          { db: handle.db, signingKey: async () => KEY, handlers: appWebhookHandlers(), allowedIps: null },
          { rawBody: body, headers, sourceIp: null },
        );
        expect(answer.status).toBe(200);
      }

      beforeAll(async () => {
        handle = await openTestDatabase(driver);
        dir = await mkdtemp(path.join(os.tmpdir(), 'settle-recheck-'));
        await startJobs(
          handle,
          {
            [queues.settlementImport]: async () => {},
            [queues.settlementFetch]: async () => {},
            [queues.settlementRecheck]: ({ importId: id }) => recheckImport(handle.db, id),
          },
          { pollingIntervalSeconds: 0.5 },
        );
        // We know one capture; the other was made outside the dashboard and its webhook is late.
        await handle.db.insert(paymentOperations).values({
          operationId: known.capture,
          kind: 'capture',
          paymentTransactionId: known.tx,
          accountId,
          currency: 'EUR',
          amount: known.amount,
          occurredAt: new Date(at),
          rateFixed: rate.fixed,
          rateVariable: rate.variable,
          taxFixed: 0,
          taxVariable: 0,
        });
        const csv =
          extendedCsvHeader +
          [known, late]
            .map((c) =>
              extendedCsvLine(
                saleLine({
                  settlementId,
                  accountId,
                  transactionId: c.tx,
                  captureId: c.capture,
                  amount: c.amount,
                  capturedAt: at,
                  rate,
                }),
              ),
            )
            .join('');
        const row = await receiveSettlementFile(
          handle,
          bytesOf(csv),
          { source: 'upload', fileName: 'recheck.csv' },
          { queue: async () => {} },
        );
        const done = await runImport(handle, row.id);
        expect(done.status).toBe('done');
        importId = row.id;
      });
      afterAll(async () => {
        await stopJobs();
        await handle?.dispose();
        await rm(dir, { recursive: true, force: true });
      });

      it('finds the imports an operation affects: its transaction’s unknown line, or a period that covers it', async () => {
        const verdicts = await handle.db
          .select({ capture: settlementLines.paymentCaptureId, verdict: settlementLines.verdict })
          .from(settlementLines)
          .where(eq(settlementLines.importId, importId))
          .orderBy(asc(settlementLines.lineNo));
        expect(verdicts).toEqual([
          { capture: known.capture, verdict: 'matched' },
          { capture: late.capture, verdict: 'unknown_transaction' },
        ]);
        const op = (over: Partial<Parameters<typeof importsAffectedBy>[1][number]>) => ({
          paymentTransactionId: `tx-other-${randomUUID()}`,
          accountId,
          currency: 'EUR',
          occurredAt: new Date(at),
          ...over,
        });
        // The line Klarna settled for the late transaction, whenever the operation happened.
        expect(
          await importsAffectedBy(handle.db, [
            op({ paymentTransactionId: late.tx, occurredAt: new Date('2026-11-01T00:00:00Z') }),
          ]),
        ).toEqual([importId]);
        // Any capture of this account in EUR within the payout's period: no line settles it.
        expect(await importsAffectedBy(handle.db, [op({})])).toEqual([importId]);
        // Not another currency, account or time; and nothing for nothing.
        expect(await importsAffectedBy(handle.db, [op({ currency: 'USD' })])).toEqual([]);
        expect(await importsAffectedBy(handle.db, [op({ accountId: `${accountId}-other` })])).toEqual([]);
        expect(await importsAffectedBy(handle.db, [op({ occurredAt: new Date('2026-03-03T10:00:00Z') })])).toEqual([]);
        expect(await importsAffectedBy(handle.db, [])).toEqual([]);
      });

      it('the late capture webhook re-checks the payout through the queue: its line matches, audited as the system’s', async () => {
        expect(await importsWithNowKnownLines(handle.db)).toEqual([]);
        const jobsBefore = await recheckJobs();
        const eventId = randomUUID();
        await deliverCaptured(eventId);
        // Queued without waiting (the webhook's transaction must not wait on the queue).
        await expect.poll(recheckJobs, { timeout: 10_000 }).toBe(jobsBefore + 1);
        let verdict = (await lateLine()).verdict;
        for (let i = 0; i < 80 && verdict !== 'matched'; i++) {
          await new Promise((r) => setTimeout(r, 250));
          verdict = (await lateLine()).verdict;
        }
        expect(verdict).toBe('matched');
        // The audit entry is written once the re-check's verdicts are in: wait for it too.
        const auditEntry = async () =>
          (
            await handle.db
              .select()
              .from(auditLog)
              .where(and(eq(auditLog.action, 'settlements.reconcile'), eq(auditLog.targetId, importId)))
          )[0];
        await expect.poll(auditEntry, { timeout: 10_000 }).toMatchObject({
          actorEmail: 'system',
          outcome: 'success',
          details: { settlement_ids: [settlementId], open_before: 1, open_after: 0 },
        });

        // Learning nothing new queues nothing: the same delivery again, and another event carrying the same capture.
        await deliverCaptured(eventId);
        await deliverCaptured();
        await new Promise((r) => setTimeout(r, 1_000));
        expect(await recheckJobs()).toBe(jobsBefore + 1);
        expect(await handle.db.$count(settlementMissing, eq(settlementMissing.importId, importId))).toBe(0);
      }, 60_000);

      it('a re-check that was lost (the process stopped before queueing it) is made by the scheduled sweep', async () => {
        // The late capture is known and matched by now; make its line unknown again, as a lost
        // re-check would leave it, and the sweep finds it and re-checks the payout.
        await handle.db
          .update(settlementLines)
          .set({ verdict: 'unknown_transaction' })
          .where(and(eq(settlementLines.importId, importId), eq(settlementLines.paymentCaptureId, late.capture)));
        expect(await importsWithNowKnownLines(handle.db)).toEqual([importId]);
        expect(await sweepNowKnownLines(handle.db)).toEqual([importId]);
        expect((await lateLine()).verdict).toBe('matched');
        // Nothing left: the next sweep does nothing.
        expect(await sweepNowKnownLines(handle.db)).toEqual([]);
      });
    },
  );
}
