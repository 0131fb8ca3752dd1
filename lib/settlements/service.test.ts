import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { auditLog, settlementImports, settlementLines, settlementMissing, settlements } from '@/db/schema';
import { ConflictError, ForbiddenError, NotFoundError } from '@/lib/errors';
import { describeEachDriver } from '@/test/db';
import { createUser } from '@/test/factories';
import { resolveLine, resolveMissing } from './service';
import { testContext } from '@/test/context';

const at = new Date('2026-03-10T12:00:00Z');

/** One import with a payout of four lines (matched, amount mismatch, fee mismatch, duplicate) and two missing captures. */
async function arrange(db: Db) {
  const [imp] = await db
    .insert(settlementImports)
    .values({ source: 'upload', fileName: 'r.csv', sha256: randomUUID(), sizeBytes: 1, status: 'done' })
    .returning();
  const importId = imp!.id;
  const settlementId = `krn:settlement:${randomUUID()}`;
  const line = (lineNo: number, verdict: string) => ({
    importId,
    lineNo,
    settlementId,
    type: 'SALE',
    paymentTransactionId: `tx-${lineNo}`,
    paymentCaptureId: `cap-${lineNo}`,
    operationId: `cap-${lineNo}`,
    accountId: 'acc',
    currency: 'EUR',
    amount: 1000,
    feeAmount: 10,
    taxAmount: 2,
    discountAmount: 0,
    penaltyAmount: 0,
    netAmount: 988,
    capturedAt: at,
    verdict,
  });
  await db
    .insert(settlementLines)
    .values([line(2, 'matched'), line(3, 'amount_mismatch'), line(4, 'fee_mismatch'), line(5, 'duplicate')]);
  const missing = (operationId: string) => ({
    importId,
    operationId,
    kind: 'capture',
    paymentTransactionId: 'tx-9',
    accountId: 'acc',
    currency: 'EUR',
    amount: 500,
    occurredAt: at,
    settlementId,
  });
  await db.insert(settlementMissing).values([missing('cap-m1'), missing('cap-m2')]);
  await db.insert(settlements).values({
    settlementId,
    importId,
    currency: 'EUR',
    periodStart: at,
    periodEnd: at,
    lineCount: 4,
    grossSales: 4000,
    refunds: 0,
    fees: 40,
    tax: 8,
    discounts: 0,
    penalties: 0,
    disputes: 0,
    net: 3952,
    matchedCount: 1,
    openCount: 3,
    missingCount: 2,
    reconciledAt: at,
  });
  const counts = async () => {
    const [row] = await db.select().from(settlements).where(eq(settlements.settlementId, settlementId));
    return { open: row!.openCount, missing: row!.missingCount };
  };
  return { importId, settlementId, counts };
}

describeEachDriver('resolving settlement verdicts', (db) => {
  it('resolves a line that needs attention with a note, audits it, and lowers the payout’s open count', async () => {
    const { importId, settlementId, counts } = await arrange(db());
    const { actor } = await createUser(db(), { role: 'operator' });
    const result = await resolveLine(testContext({ db: db(), actor, requestId: 'req-1' }), {
      importId,
      lineNo: 3,
      note: '  Klarna confirmed the partial capture.  ',
    });
    expect(result.settlementId).toBe(settlementId);

    const [line] = await db()
      .select()
      .from(settlementLines)
      .where(and(eq(settlementLines.importId, importId), eq(settlementLines.lineNo, 3)));
    expect(line).toMatchObject({
      resolvedBy: actor.id,
      resolvedByEmail: actor.email,
      resolutionNote: 'Klarna confirmed the partial capture.',
      verdict: 'amount_mismatch',
    });
    expect(line!.resolvedAt).toBeInstanceOf(Date);
    expect(await counts()).toEqual({ open: 2, missing: 2 });

    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'settlements.resolve'), eq(auditLog.targetId, `${importId}:3`)));
    expect(entry).toMatchObject({
      actorId: actor.id,
      targetType: 'settlement_line',
      outcome: 'success',
      requestId: 'req-1',
    });
    expect(entry!.details).toMatchObject({
      settlementId,
      lineNo: 3,
      verdict: 'amount_mismatch',
      note: 'Klarna confirmed the partial capture.',
    });
  });

  it('refuses a line already resolved, a matched line, an unknown line, an empty or too long note, and a viewer', async () => {
    const { importId, counts } = await arrange(db());
    const { actor } = await createUser(db(), { role: 'operator' });
    const { actor: viewer } = await createUser(db(), { role: 'viewer' });
    await resolveLine(testContext({ db: db(), actor }), { importId, lineNo: 4, note: 'Rate changed mid-month.' });
    await expect(
      resolveLine(testContext({ db: db(), actor }), { importId, lineNo: 4, note: 'again' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(resolveLine(testContext({ db: db(), actor }), { importId, lineNo: 4, note: 'again' })).rejects.toThrow(
      /already resolved by/,
    );
    await expect(resolveLine(testContext({ db: db(), actor }), { importId, lineNo: 2, note: 'fine' })).rejects.toThrow(
      /matched: there is nothing to resolve/,
    );
    await expect(
      resolveLine(testContext({ db: db(), actor }), { importId, lineNo: 99, note: 'fine' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(resolveLine(testContext({ db: db(), actor }), { importId, lineNo: 5, note: '   ' })).rejects.toThrow();
    await expect(
      resolveLine(testContext({ db: db(), actor }), { importId, lineNo: 5, note: 'x'.repeat(1001) }),
    ).rejects.toThrow();
    await expect(
      resolveLine(testContext({ db: db(), actor: viewer }), { importId, lineNo: 5, note: 'I may not' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await counts()).toEqual({ open: 2, missing: 2 });
    const entries = await db().select().from(auditLog).where(eq(auditLog.action, 'settlements.resolve'));
    expect(entries.filter((e) => e.targetId?.startsWith(importId))).toHaveLength(1);
  });

  it('resolves a missing capture once, audited, lowering the payout’s missing count', async () => {
    const { importId, settlementId, counts } = await arrange(db());
    const { actor } = await createUser(db(), { role: 'admin' });
    await resolveMissing(testContext({ db: db(), actor }), {
      importId,
      operationId: 'cap-m1',
      note: 'Settles in next week’s payout.',
    });
    expect(await counts()).toEqual({ open: 3, missing: 1 });
    const [item] = await db()
      .select()
      .from(settlementMissing)
      .where(and(eq(settlementMissing.importId, importId), eq(settlementMissing.operationId, 'cap-m1')));
    expect(item).toMatchObject({ resolvedByEmail: actor.email, resolutionNote: 'Settles in next week’s payout.' });
    await expect(
      resolveMissing(testContext({ db: db(), actor }), { importId, operationId: 'cap-m1', note: 'again' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      resolveMissing(testContext({ db: db(), actor }), { importId, operationId: 'cap-nope', note: 'x' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetId, `${importId}:cap-m1`));
    expect(entry).toMatchObject({ action: 'settlements.resolve', targetType: 'settlement_missing' });
    expect(entry!.details).toMatchObject({ settlementId, verdict: 'missing', note: 'Settles in next week’s payout.' });
  });
});
