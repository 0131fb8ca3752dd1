import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbHandle } from '@/db/client';
import { settlementLines, settlementMissing, settlements } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { assertCan } from '@/lib/auth/guard';
import type { ServiceContext } from '@/lib/context';
import { appDb } from '@/lib/db';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { enqueue, queues } from '@/lib/jobs/queue';
import { fetchSettlementsFromKlarna } from './fetch';
import { receiveSettlementFile } from './import';
import { getSettlement } from './queries';
import { reconcileImport } from './reconcile';
import {
  resolveLineInputSchema,
  resolveMissingInputSchema,
  type Resolved,
  type ResolveLineInput,
  type ResolveMissingInput,
} from './resolve';
import { settledVerdicts, verdictLabels, isVerdict, needsAttention } from './verdicts';

/** Settlement verbs, role-checked and audited. `handle` is the database the reports are COPYed into. */
export type SettlementCtx = ServiceContext & { handle?: DbHandle };

export type UploadInput = {
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  fileName: string;
  expectedBytes: number | null;
  queue?: (importId: string) => Promise<unknown>;
};

export async function uploadSettlementFile(ctx: SettlementCtx, input: UploadInput): Promise<{ importId: string }> {
  assertCan(ctx.actor, 'settlements.reconcile');
  const row = await receiveSettlementFile(
    ctx.handle ?? appDb(),
    input.bytes,
    {
      source: 'upload',
      fileName: input.fileName,
      uploadedBy: ctx.actor.id,
      uploadedByEmail: ctx.actor.email,
      expectedBytes: input.expectedBytes,
    },
    { queue: input.queue ?? ((importId) => enqueue(queues.settlementImport, { importId })) },
  );
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: 'settlements.upload',
    target: { type: 'settlement_import', id: row.id },
    details: {
      file_name: input.fileName,
      size_bytes: row.sizeBytes,
      sha256: row.sha256,
      lines: row.linesRead,
      quarantined: row.linesQuarantined,
    },
    requestId: ctx.requestId,
  });
  return { importId: row.id };
}

export async function importSettlementsFromKlarna(
  ctx: SettlementCtx,
): Promise<{ queued: number; alreadyImported: number; importIds: string[] }> {
  assertCan(ctx.actor, 'settlements.reconcile');
  return fetchSettlementsFromKlarna(ctx);
}

/** Re-runs the verdicts of the import a payout came from, and audits the open counts before and after. */
export async function rerunReconciliation(
  ctx: SettlementCtx,
  input: { settlementId: string },
): Promise<{ settlementId: string; open: number; matched: number }> {
  assertCan(ctx.actor, 'settlements.reconcile');
  const payout = await getSettlement(ctx.db, input.settlementId);
  if (!payout) throw new NotFoundError('This payout is not in the dashboard (any more).');
  await reconcileImport(ctx.db, payout.importId);
  const after = await getSettlement(ctx.db, payout.settlementId);
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: 'settlements.reconcile',
    target: { type: 'settlement', id: payout.settlementId },
    details: {
      import_id: payout.importId,
      open_before: payout.openCount + payout.missingCount,
      open_after: after ? after.openCount + after.missingCount : null,
    },
    requestId: ctx.requestId,
  });
  return {
    settlementId: payout.settlementId,
    open: after ? after.openCount + after.missingCount : 0,
    matched: after?.matchedCount ?? 0,
  };
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const settledSql = sql.raw(settledVerdicts.map((v) => `'${v}'`).join(', '));
const alreadyResolved = (r: { resolvedAt: Date | null; resolvedByEmail: string | null }) =>
  new ConflictError(
    `This was already resolved${r.resolvedByEmail ? ` by ${r.resolvedByEmail}` : ''}${r.resolvedAt ? ` on ${r.resolvedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}.`,
  );

/** The payout's open and missing counts, recounted from what is still unresolved (only its open lines are read). */
async function recount(tx: Tx, settlementId: string, importId: string): Promise<void> {
  await tx
    .update(settlements)
    .set({
      openCount: sql`(select count(*) from ${settlementLines} l where l.settlement_id = ${settlementId} and l.import_id = ${importId} and l.verdict not in (${settledSql}) and l.resolved_at is null)`,
      missingCount: sql`(select count(*) from ${settlementMissing} m where m.settlement_id = ${settlementId} and m.import_id = ${importId} and m.resolved_at is null)`,
    })
    .where(and(eq(settlements.settlementId, settlementId), eq(settlements.importId, importId)));
}

export async function resolveLine(ctx: SettlementCtx, input: ResolveLineInput): Promise<Resolved> {
  const actor = ctx.actor;
  assertCan(actor, 'settlements.reconcile');
  const { importId, lineNo, note } = resolveLineInputSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [line] = await tx
      .select()
      .from(settlementLines)
      .where(and(eq(settlementLines.importId, importId), eq(settlementLines.lineNo, lineNo)))
      .for('update');
    if (!line)
      throw new NotFoundError(
        `Line ${lineNo} of this import was not found; the report may have been re-imported since.`,
      );
    if (line.resolvedAt) throw alreadyResolved(line);
    if (!needsAttention(line.verdict))
      throw new ConflictError(
        `Line ${lineNo} is ${(isVerdict(line.verdict) ? verdictLabels[line.verdict] : line.verdict).toLowerCase()}: there is nothing to resolve.`,
      );
    const resolvedAt = new Date();
    await tx
      .update(settlementLines)
      .set({ resolvedAt, resolvedBy: actor.id, resolvedByEmail: actor.email, resolutionNote: note })
      .where(
        and(
          eq(settlementLines.importId, importId),
          eq(settlementLines.lineNo, lineNo),
          isNull(settlementLines.resolvedAt),
        ),
      );
    await recordAudit(tx, {
      actor,
      action: 'settlements.resolve',
      target: { type: 'settlement_line', id: `${importId}:${lineNo}` },
      details: {
        settlementId: line.settlementId,
        lineNo,
        verdict: line.verdict,
        paymentTransactionId: line.paymentTransactionId,
        operationId: line.operationId,
        note,
      },
      requestId: ctx.requestId ?? null,
    });
    await recount(tx, line.settlementId, importId);
    return { settlementId: line.settlementId, resolvedAt };
  });
}

export async function resolveMissing(ctx: SettlementCtx, input: ResolveMissingInput): Promise<Resolved> {
  const actor = ctx.actor;
  assertCan(actor, 'settlements.reconcile');
  const { importId, operationId, note } = resolveMissingInputSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [item] = await tx
      .select()
      .from(settlementMissing)
      .where(and(eq(settlementMissing.importId, importId), eq(settlementMissing.operationId, operationId)))
      .for('update');
    if (!item)
      throw new NotFoundError(
        `${operationId} is no longer missing from this import's settlements; reconciliation may have found it since.`,
      );
    if (item.resolvedAt) throw alreadyResolved(item);
    const resolvedAt = new Date();
    await tx
      .update(settlementMissing)
      .set({ resolvedAt, resolvedBy: actor.id, resolvedByEmail: actor.email, resolutionNote: note })
      .where(
        and(
          eq(settlementMissing.importId, importId),
          eq(settlementMissing.operationId, operationId),
          isNull(settlementMissing.resolvedAt),
        ),
      );
    await recordAudit(tx, {
      actor,
      action: 'settlements.resolve',
      target: { type: 'settlement_missing', id: `${importId}:${operationId}` },
      details: {
        settlementId: item.settlementId,
        verdict: 'missing',
        kind: item.kind,
        paymentTransactionId: item.paymentTransactionId,
        operationId,
        note,
      },
      requestId: ctx.requestId ?? null,
    });
    if (item.settlementId) await recount(tx, item.settlementId, importId);
    return { settlementId: item.settlementId, resolvedAt };
  });
}
