import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  paymentOperations,
  settlementImports,
  settlementLines,
  settlementMissing,
  settlementQuarantine,
  settlementReissues,
  settlements,
} from '@/db/schema';
import type { klarnaApi } from '@/lib/klarna/api';
import { ConflictError, ForbiddenError } from '@/lib/errors';
import { savePaymentTransaction } from '@/lib/payments/cache';
import { startSandbox, type RunningSandbox } from '@/sandbox/start';
import { mutation, sandboxClient } from '@/sandbox/test-helpers';
import { openTestDatabase, type Driver } from '@/test/db';
import { createUser } from '@/test/factories';
import { chunksOf, receiveSettlementFile, runImport } from './import';
import { listPayoutReissues, listReissueQuarantine, listSettlements } from './queries';
import { reconcileImport } from './reconcile';
import { importsAffectedBy, importsWithNowKnownLines } from './recheck';
import { acceptReissue, rejectReissue } from './reissue';
import { testContext } from '@/test/context';

const realPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** The CSV's cells by column name; rewrites one line's cells (the sandbox writes no quoted cells on these lines). */
function editCsv(
  text: string,
  pick: (cell: (column: string) => string) => boolean,
  edits: Record<string, string>,
): string {
  const rows = text.split('\r\n');
  const header = rows[0]!.split(',');
  let hits = 0;
  const out = rows.map((row, i) => {
    if (i === 0 || !row) return row;
    const cells = row.split(',');
    if (cells.length !== header.length || !pick((c) => cells[header.indexOf(c)] ?? '')) return row;
    hits++;
    for (const [column, value] of Object.entries(edits)) cells[header.indexOf(column)] = value;
    return cells.join(',');
  });
  expect(hits, `lines edited for ${JSON.stringify(edits)}`).toBe(1);
  return out.join('\r\n');
}

for (const driver of ['pglite', 'postgres'] as const satisfies Driver[]) {
  (driver === 'postgres' && !realPostgres ? describe.skip : describe)(`a re-issued payout [${driver}]`, () => {
    let handle: Awaited<ReturnType<typeof openTestDatabase>>;
    let sandbox: RunningSandbox;
    let api: ReturnType<typeof klarnaApi>;
    let accountId: string;

    beforeAll(async () => {
      handle = await openTestDatabase(driver);
      sandbox = await startSandbox({ rateLimits: 'off', accountActivationMs: 0 });
      ({ api } = sandboxClient(sandbox.baseUrl, (await sandbox.control.bootstrapKey()).api_key));
      ({ account_id: accountId } = await api.accounts.onboard(
        {
          account_reference: `M-REISSUE-${driver}`,
          account_name: 'Re-issue test shop',
          account_owner: { given_name: 'Julia', family_name: 'Doe', email: 'julia@example.com', phone: '+15555555555' },
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
    });

    /**
     * Three EUR payments captured at Klarna and known here, one of them disputed (lost by the
     * merchant), the period closed: one payout, imported from Klarna's report. Returns the report
     * as text (with our fee columns, so a fee can be wrong in it) and what it settles.
     */
    async function importedPayout(
      firstFile: (csv: string, sales: { tx: string; capture: string }[]) => string = (csv) => csv,
    ) {
      const ids: { tx: string; capture: string }[] = [];
      for (const amount of [4_000, 5_000, 6_000]) {
        const { payment_transaction } = await sandbox.control.createAuthorizedPayment(accountId, {
          currency: 'EUR',
          payment_amount: amount,
          purchase_country: 'DE',
          line_items: [{ name: 'Goods', quantity: 1, unit_price: amount, total_line_amount: amount }],
        });
        const tx = payment_transaction.payment_transaction_id as string;
        const { capture } = await api.paymentTransactions.capture(accountId, tx, { amount }, mutation());
        await sandbox.control.advanceClock(1);
        await savePaymentTransaction(handle.db, await api.paymentTransactions.get(accountId, tx), accountId, 'sync');
        ids.push({ tx, capture: capture.payment_capture_id });
      }
      const dispute = await sandbox.control.addSettlementAdjustment({
        payment_transaction_id: ids[2]!.tx,
        type: 'DISPUTE',
        amount: 1_500,
      });
      const closed = await sandbox.control.closeSettlementPeriod();
      expect(closed.settlements).toHaveLength(1);
      const settlementId = closed.settlements[0]!.settlement_id;
      const download = await api.settlements.downloadCsv(settlementId, { columns: 'extended' });
      const chunks: Buffer[] = [];
      for await (const c of chunksOf(download.body)) chunks.push(Buffer.from(c));
      const csv = Buffer.concat(chunks).toString('utf8');
      const first = await importText(firstFile(csv, ids), 'first.csv');
      return { settlementId, csv, first, sale: ids[0]!, sales: ids, disputeId: dispute.dispute_id as string };
    }

    async function importText(text: string, fileName: string) {
      const row = await receiveSettlementFile(
        handle,
        [Buffer.from(text)],
        { source: 'upload', fileName, uploadedByEmail: 'ops@example.com' },
        { queue: async () => {} },
      );
      const done = await runImport(handle, row.id);
      expect(done.error).toBeNull();
      expect(done.status).toBe('done');
      return done;
    }

    /** The file: the same payout with one sale's amount and the dispute's fee unreadable. */
    const withBadAmountAndFee = (csv: string, saleCapture: string, disputeId: string) =>
      editCsv(
        editCsv(csv, (c) => c('payment_capture_id') === saleCapture && c('type') === 'SALE', { amount: '40.00' }),
        (c) => c('dispute_id') === disputeId,
        { fee_amount: 'twelve' },
      );

    /** Klarna's report of one payout closed now: one EUR capture, known here. */
    async function nextPayout(amount: number) {
      const { payment_transaction } = await sandbox.control.createAuthorizedPayment(accountId, {
        currency: 'EUR',
        payment_amount: amount,
        purchase_country: 'DE',
        line_items: [{ name: 'Goods', quantity: 1, unit_price: amount, total_line_amount: amount }],
      });
      const tx = payment_transaction.payment_transaction_id as string;
      await api.paymentTransactions.capture(accountId, tx, { amount }, mutation());
      await sandbox.control.advanceClock(1);
      await savePaymentTransaction(handle.db, await api.paymentTransactions.get(accountId, tx), accountId, 'sync');
      const closed = await sandbox.control.closeSettlementPeriod();
      expect(closed.settlements).toHaveLength(1);
      const settlementId = closed.settlements[0]!.settlement_id;
      const download = await api.settlements.downloadCsv(settlementId, { columns: 'extended' });
      const chunks: Buffer[] = [];
      for await (const c of chunksOf(download.body)) chunks.push(Buffer.from(c));
      return { settlementId, csv: Buffer.concat(chunks).toString('utf8') };
    }

    /** The data lines of a report (no header, no blank last line). */
    const dataLines = (csv: string) => csv.split('\r\n').slice(1).filter(Boolean);
    /** A report without the lines naming `captureId`. */
    const withoutCapture = (csv: string, captureId: string) => {
      const header = csv.split('\r\n')[0]!.split(',');
      const kept = csv
        .split('\r\n')
        .filter((row, i) => i === 0 || row.split(',')[header.indexOf('payment_capture_id')] !== captureId);
      expect(kept.length).toBeLessThan(csv.split('\r\n').length);
      return kept.join('\r\n');
    };

    const payoutLines = async (settlementId: string) => {
      const [payout] = await handle.db.select().from(settlements).where(eq(settlements.settlementId, settlementId));
      const lines = await handle.db
        .select()
        .from(settlementLines)
        .where(and(eq(settlementLines.importId, payout!.importId), eq(settlementLines.settlementId, settlementId)))
        .orderBy(asc(settlementLines.lineNo));
      return { payout: payout!, lines };
    };
    const reissueOf = async (settlementId: string, importId: string) =>
      (
        await handle.db
          .select()
          .from(settlementReissues)
          .where(and(eq(settlementReissues.settlementId, settlementId), eq(settlementReissues.importId, importId)))
      )[0];
    const lastAudit = async (action: string) =>
      (
        await handle.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(desc(auditLog.id)).limit(1)
      )[0];

    it('a re-issue with a bad amount and a bad fee does not replace the payout: it waits for review, both versions visible, nothing deleted', async () => {
      const { settlementId, csv, first, sale, disputeId } = await importedPayout();
      const before = await payoutLines(settlementId);
      expect(before.lines.some((l) => l.type === 'SALE' && l.paymentCaptureId === sale.capture)).toBe(true);
      expect(
        before.lines.some((l) => l.type === 'DISPUTE' && l.disputeId === disputeId && l.verdict === 'adjustment'),
      ).toBe(true);

      const second = await importText(withBadAmountAndFee(csv, sale.capture, disputeId), 'reissued.csv');
      expect(second.linesQuarantined).toBe(2);

      // The earlier lines, the sale and the dispute to relay among them, are still the payout's.
      const after = await payoutLines(settlementId);
      expect(after.payout.importId).toBe(first.id);
      expect(after.lines.map((l) => [l.lineNo, l.type, l.operationId, l.verdict])).toEqual(
        before.lines.map((l) => [l.lineNo, l.type, l.operationId, l.verdict]),
      );
      expect({ net: after.payout.net, lines: after.payout.lineCount }).toEqual({
        net: before.payout.net,
        lines: before.payout.lineCount,
      });
      expect(
        (await handle.db.select().from(settlementImports).where(eq(settlementImports.id, first.id)))[0]!.status,
      ).toBe('done');

      // Flagged "re-issue awaiting review", with both versions' figures and the new one's quarantined lines.
      const reissues = await listPayoutReissues(handle.db, settlementId);
      expect(reissues).toHaveLength(1);
      const [pending] = reissues;
      expect(pending).toMatchObject({
        status: 'pending',
        importId: second.id,
        replacesImportId: first.id,
        quarantinedLines: 2,
        newImport: { fileName: 'reissued.csv' },
        replacedImport: { fileName: 'first.csv' },
      });
      expect(pending!.replacedTotals).toMatchObject({
        lineCount: before.payout.lineCount,
        net: before.payout.net,
        currency: 'EUR',
      });
      expect(pending!.totals.lineCount).toBe(before.payout.lineCount - 2);
      expect(pending!.totals.disputes).toBe(0);
      expect(pending!.totals.net).not.toBe(before.payout.net);
      const quarantined = await listReissueQuarantine(handle.db, second.id, settlementId);
      expect(quarantined.map((q) => q.column)).toEqual(['amount', 'fee_amount']);
      expect(quarantined[0]!.raw.payment_capture_id).toBe(sale.capture);
      expect(quarantined[1]!.raw.dispute_id).toBe(disputeId);
      const listed = await listSettlements(handle.db, { status: 'review', limit: 200 });
      expect(listed.rows.find((r) => r.settlementId === settlementId)?.reissuePending).toBe(true);

      // Nothing is deleted: the new version's readable lines are kept beside the old ones.
      expect(await handle.db.$count(settlementLines, eq(settlementLines.importId, first.id))).toBe(before.lines.length);
      expect(await handle.db.$count(settlementLines, eq(settlementLines.importId, second.id))).toBe(
        before.lines.length - 2,
      );
      expect(await handle.db.$count(settlementQuarantine, eq(settlementQuarantine.importId, second.id))).toBe(2);

      // A re-run of either import (a late webhook's re-check) changes none of this.
      await reconcileImport(handle.db, second.id);
      await reconcileImport(handle.db, first.id);
      expect((await payoutLines(settlementId)).payout.importId).toBe(first.id);
      expect((await reissueOf(settlementId, second.id))!.status).toBe('pending');

      // (b) An operator accepts it: the new version replaces the old, audited with both versions' totals.
      const { actor } = await createUser(handle.db, { role: 'operator' });
      const accepted = await acceptReissue(testContext({ db: handle.db, actor, requestId: 'req-accept' }), {
        settlementId,
        importId: second.id,
      });
      expect(accepted).toMatchObject({
        replacedImportId: first.id,
        totals: { lineCount: before.lines.length - 2 },
        replacedTotals: { lineCount: before.lines.length, net: before.payout.net },
      });
      const now = await payoutLines(settlementId);
      expect(now.payout.importId).toBe(second.id);
      expect(now.payout.lineCount).toBe(before.lines.length - 2);
      expect(now.payout.net).toBe(pending!.totals.net);
      expect(now.lines.some((l) => l.type === 'DISPUTE')).toBe(false);
      expect(
        (await handle.db.select().from(settlementImports).where(eq(settlementImports.id, first.id)))[0]!.status,
      ).toBe('superseded');
      const record = await reissueOf(settlementId, second.id);
      expect(record).toMatchObject({ status: 'accepted', decidedBy: actor.id, decidedByEmail: actor.email });
      expect(record!.decidedAt).toBeInstanceOf(Date);
      const audit = await lastAudit('settlements.accept_reissue');
      expect(audit).toMatchObject({
        actorEmail: actor.email,
        outcome: 'success',
        targetId: settlementId,
        requestId: 'req-accept',
      });
      expect(audit!.details).toMatchObject({
        importId: second.id,
        replacesImportId: first.id,
        quarantinedLines: 2,
        acceptedTotals: { lineCount: before.lines.length - 2, net: pending!.totals.net },
        replacedTotals: { lineCount: before.lines.length, net: before.payout.net },
      });
      // The payout says it was re-issued, and when.
      const [current] = (await listPayoutReissues(handle.db, settlementId)).filter(
        (r) => r.importId === now.payout.importId,
      );
      expect(current).toMatchObject({
        status: 'accepted',
        decidedByEmail: actor.email,
        replacedImport: { fileName: 'first.csv' },
      });
      expect(
        (await listSettlements(handle.db, { limit: 200 })).rows.find((r) => r.settlementId === settlementId)
          ?.reissuePending,
      ).toBe(false);
      // A second click is told what happened.
      await expect(
        acceptReissue(testContext({ db: handle.db, actor }), { settlementId, importId: second.id }),
      ).rejects.toThrow(
        new ConflictError(
          `This re-issue was already accepted by ${actor.email} on ${record!.decidedAt!.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
        ),
      );
    });

    it('a clean re-issue (every line read) replaces the payout at once, and says so', async () => {
      const { settlementId, csv, first, sale } = await importedPayout();
      const before = await payoutLines(settlementId);
      // Klarna's corrected file: one capture's amount changed, every line readable.
      const corrected = editCsv(csv, (c) => c('payment_capture_id') === sale.capture && c('type') === 'SALE', {
        merchant_reference: 'corrected',
      });
      const second = await importText(corrected, 'corrected.csv');
      const now = await payoutLines(settlementId);
      expect(now.payout.importId).toBe(second.id);
      expect(now.lines).toHaveLength(before.lines.length);
      expect(now.lines.find((l) => l.paymentCaptureId === sale.capture && l.type === 'SALE')?.merchantReference).toBe(
        'corrected',
      );
      const [applied] = await listPayoutReissues(handle.db, settlementId);
      expect(applied).toMatchObject({
        status: 'applied',
        importId: second.id,
        replacesImportId: first.id,
        quarantinedLines: 0,
        replacedImport: { fileName: 'first.csv' },
        newImport: { fileName: 'corrected.csv' },
      });
      expect(applied!.decidedAt).toBeInstanceOf(Date);
      expect(applied!.replacedTotals).toMatchObject({ lineCount: before.lines.length, net: before.payout.net });
      const audit = await lastAudit('settlements.apply_reissue');
      expect(audit).toMatchObject({ actorEmail: 'system', targetId: settlementId });
      expect(audit!.details).toMatchObject({ importId: second.id, replacesImportId: first.id });
    });

    it('a viewer cannot accept a held re-issue: refused, audited as denied, nothing changed', async () => {
      const { settlementId, csv, first, sale, disputeId } = await importedPayout();
      const second = await importText(withBadAmountAndFee(csv, sale.capture, disputeId), 'viewer-reissue.csv');
      const { actor: viewer } = await createUser(handle.db, { role: 'viewer' });
      await expect(
        acceptReissue(testContext({ db: handle.db, actor: viewer, requestId: 'req-viewer' }), {
          settlementId,
          importId: second.id,
        }),
      ).rejects.toThrow(ForbiddenError);
      await expect(
        rejectReissue(testContext({ db: handle.db, actor: viewer }), { settlementId, importId: second.id }),
      ).rejects.toThrow(/Your role \(Viewer\) may not import and reconcile settlements/);
      const denied = await handle.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'access.denied'), eq(auditLog.actorId, viewer.id)))
        .orderBy(asc(auditLog.id));
      expect(denied.map((d) => [d.outcome, (d.details as { attempted: string }).attempted])).toEqual([
        ['denied', 'acceptSettlementReissue'],
        ['denied', 'rejectSettlementReissue'],
      ]);
      expect((await payoutLines(settlementId)).payout.importId).toBe(first.id);
      expect((await reissueOf(settlementId, second.id))!.status).toBe('pending');
    });

    it('keeping the current version leaves the payout as it was, audited; the kept-out file stays held on a re-run', async () => {
      const { settlementId, csv, first, sale, disputeId } = await importedPayout();
      const before = await payoutLines(settlementId);
      const second = await importText(withBadAmountAndFee(csv, sale.capture, disputeId), 'rejected.csv');
      const { actor } = await createUser(handle.db, { role: 'operator' });
      const kept = await rejectReissue(testContext({ db: handle.db, actor, requestId: 'req-reject' }), {
        settlementId,
        importId: second.id,
      });
      expect(kept.replacedTotals).toMatchObject({ lineCount: before.lines.length, net: before.payout.net });
      expect(await reissueOf(settlementId, second.id)).toMatchObject({
        status: 'rejected',
        decidedByEmail: actor.email,
      });
      const audit = await lastAudit('settlements.reject_reissue');
      expect(audit).toMatchObject({ actorEmail: actor.email, targetId: settlementId, requestId: 'req-reject' });
      expect(audit!.details).toMatchObject({
        currentImportId: first.id,
        rejectedTotals: { lineCount: before.lines.length - 2 },
        currentTotals: { lineCount: before.lines.length },
      });
      await reconcileImport(handle.db, second.id);
      const after = await payoutLines(settlementId);
      expect(after.payout.importId).toBe(first.id);
      expect(after.lines.map((l) => [l.lineNo, l.verdict])).toEqual(before.lines.map((l) => [l.lineNo, l.verdict]));
      expect(
        (await listSettlements(handle.db, { limit: 200 })).rows.find((r) => r.settlementId === settlementId)
          ?.reissuePending,
      ).toBe(false);
      await expect(
        acceptReissue(testContext({ db: handle.db, actor }), { settlementId, importId: second.id }),
      ).rejects.toThrow(/kept out by .* the current version stays/);
    });

    it('the lines of a held re-issue settle nothing: a capture only they carry stays missing from the payout and matches the later payout that pays it', async () => {
      // Payout X as first imported lacks one capture (it is listed as missing there).
      let onlyInReissue = '';
      const {
        settlementId: x,
        csv,
        first,
        sale,
        sales,
        disputeId,
      } = await importedPayout((text, sales) => withoutCapture(text, (onlyInReissue = sales[1]!.capture)));
      const missingFromX = async () =>
        (
          await handle.db
            .select()
            .from(settlementMissing)
            .where(and(eq(settlementMissing.importId, first.id), eq(settlementMissing.settlementId, x)))
        ).map((m) => m.operationId);
      expect(await missingFromX()).toEqual([onlyInReissue]);

      // File B re-issues X with that capture and one of a transaction we do not know yet (and a
      // bad amount and fee: held), and brings a new payout Y (applied).
      const header = csv.split('\r\n')[0]!.split(',');
      const unknown = { tx: `tx-unknown-${randomUUID()}`, capture: `cap-unknown-${randomUUID()}` };
      const unknownLine = dataLines(csv)
        .map((row) => row.split(','))
        .find(
          (cells) =>
            cells[header.indexOf('payment_capture_id')] === sales[2]!.capture &&
            cells[header.indexOf('type')] === 'SALE',
        )!;
      unknownLine[header.indexOf('payment_transaction_id')] = unknown.tx;
      unknownLine[header.indexOf('payment_capture_id')] = unknown.capture;
      const y = await nextPayout(7_000);
      const second = await importText(
        [withBadAmountAndFee(csv, sale.capture, disputeId), unknownLine.join(','), ...dataLines(y.csv)].join('\r\n') +
          '\r\n',
        'reissue-and-new.csv',
      );
      expect((await reissueOf(x, second.id))!.status).toBe('pending');
      const [payoutY] = await handle.db.select().from(settlements).where(eq(settlements.settlementId, y.settlementId));
      expect(payoutY!.importId).toBe(second.id);
      expect((await payoutLines(x)).payout.importId).toBe(first.id);

      // X's current version still does not pay the capture: it is still listed as missing (the
      // import of B re-checks A, as B's lines name what A misses).
      expect(await missingFromX()).toEqual([onlyInReissue]);
      await reconcileImport(handle.db, first.id);
      expect(await missingFromX()).toEqual([onlyInReissue]);
      expect((await payoutLines(x)).payout.missingCount).toBe(1);

      // Kept out: still nothing of B's X lines counts.
      const { actor } = await createUser(handle.db, { role: 'operator' });
      await rejectReissue(testContext({ db: handle.db, actor }), { settlementId: x, importId: second.id });
      await reconcileImport(handle.db, first.id);
      expect(await missingFromX()).toEqual([onlyInReissue]);

      // A later payout Z really pays it: its line matches (it is not a duplicate of B's held line),
      // and X no longer lists it as missing.
      const z = `${x}-LATE`;
      const zLines = dataLines(csv)
        .filter((row) => row.split(',')[header.indexOf('payment_capture_id')] === onlyInReissue)
        .map((row) => {
          const cells = row.split(',');
          cells[header.indexOf('settlement_id')] = z;
          return cells.join(',');
        });
      expect(zLines.length).toBeGreaterThan(0);
      const third = await importText([csv.split('\r\n')[0]!, ...zLines].join('\r\n') + '\r\n', 'late.csv');
      const paid = await handle.db
        .select()
        .from(settlementLines)
        .where(and(eq(settlementLines.importId, third.id), eq(settlementLines.operationId, onlyInReissue)));
      expect(paid.map((l) => [l.type, l.verdict])).toEqual(
        zLines.map((row) => [row.split(',')[header.indexOf('type')], 'matched']),
      );
      expect(await missingFromX()).toEqual([]);

      // Learning the unknown transaction's capture re-checks no import for B's kept-out line (its
      // verdict is worked out again if the re-issue is ever applied), by webhook or by the sweep.
      const [heldUnknown] = await handle.db
        .select()
        .from(settlementLines)
        .where(and(eq(settlementLines.importId, second.id), eq(settlementLines.paymentTransactionId, unknown.tx)));
      expect(heldUnknown).toMatchObject({ settlementId: x, verdict: 'unknown_transaction' });
      const learnt = {
        paymentTransactionId: unknown.tx,
        accountId,
        currency: 'EUR',
        occurredAt: new Date('2020-01-01T00:00:00Z'),
      };
      expect(await importsAffectedBy(handle.db, [learnt])).not.toContain(second.id);
      await handle.db
        .insert(paymentOperations)
        .values({ operationId: unknown.capture, kind: 'capture', ...learnt, amount: 6_000 });
      expect(await importsWithNowKnownLines(handle.db)).not.toContain(second.id);
    });
  });
}
