import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { settlementLines, settlementMissing, settlements } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { assertCan, type Actor } from '@/lib/auth/guard';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { settledVerdicts, verdictLabels, isVerdict, needsAttention } from './verdicts';

/**
 * Resolving a verdict: an operator looked at a line (or a capture/refund missing from the
 * settlements), wrote down why it is fine or what was done, and it stops counting as open.
 * The verdict itself stays (re-running reconciliation keeps the resolution with its line).
 */

export const RESOLUTION_NOTE_MAX = 1000;
export const resolutionNoteSchema = z
  .string()
  .trim()
  .min(1, 'Write a note: what you checked or did.')
  .max(RESOLUTION_NOTE_MAX, `At most ${RESOLUTION_NOTE_MAX} characters.`);

export const resolveLineInputSchema = z.object({ importId: z.uuid(), lineNo: z.number().int().min(1), note: resolutionNoteSchema });
export const resolveMissingInputSchema = z.object({ importId: z.uuid(), operationId: z.string().trim().min(1).max(300), note: resolutionNoteSchema });
export type ResolveLineInput = z.input<typeof resolveLineInputSchema>;
export type ResolveMissingInput = z.input<typeof resolveMissingInputSchema>;

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Resolved = { settlementId: string | null; resolvedAt: Date };

const settledSql = sql.raw(settledVerdicts.map((v) => `'${v}'`).join(', '));
const alreadyResolved = (r: { resolvedAt: Date | null; resolvedByEmail: string | null }) =>
  new ConflictError(`This was already resolved${r.resolvedByEmail ? ` by ${r.resolvedByEmail}` : ''}${r.resolvedAt ? ` on ${r.resolvedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}.`);

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

/** Resolves one settlement line that needs attention, with the operator's note (audited). */
export async function resolveLine(db: Db, actor: Actor, input: ResolveLineInput, requestId?: string | null): Promise<Resolved> {
  assertCan(actor, 'settlements.reconcile');
  const { importId, lineNo, note } = resolveLineInputSchema.parse(input);
  return db.transaction(async (tx) => {
    const [line] = await tx
      .select()
      .from(settlementLines)
      .where(and(eq(settlementLines.importId, importId), eq(settlementLines.lineNo, lineNo)))
      .for('update');
    if (!line) throw new NotFoundError(`Line ${lineNo} of this import was not found; the report may have been re-imported since.`);
    if (line.resolvedAt) throw alreadyResolved(line);
    if (!needsAttention(line.verdict)) throw new ConflictError(`Line ${lineNo} is ${(isVerdict(line.verdict) ? verdictLabels[line.verdict] : line.verdict).toLowerCase()}: there is nothing to resolve.`);
    const resolvedAt = new Date();
    await tx
      .update(settlementLines)
      .set({ resolvedAt, resolvedBy: actor.id, resolvedByEmail: actor.email, resolutionNote: note })
      .where(and(eq(settlementLines.importId, importId), eq(settlementLines.lineNo, lineNo), isNull(settlementLines.resolvedAt)));
    await recordAudit(tx, {
      actor,
      action: 'settlements.resolve',
      target: { type: 'settlement_line', id: `${importId}:${lineNo}` },
      details: { settlementId: line.settlementId, lineNo, verdict: line.verdict, paymentTransactionId: line.paymentTransactionId, operationId: line.operationId, note },
      requestId: requestId ?? null,
    });
    await recount(tx, line.settlementId, importId);
    return { settlementId: line.settlementId, resolvedAt };
  });
}

/** Resolves a capture or refund missing from the settlements, with the operator's note (audited). */
export async function resolveMissing(db: Db, actor: Actor, input: ResolveMissingInput, requestId?: string | null): Promise<Resolved> {
  assertCan(actor, 'settlements.reconcile');
  const { importId, operationId, note } = resolveMissingInputSchema.parse(input);
  return db.transaction(async (tx) => {
    const [item] = await tx
      .select()
      .from(settlementMissing)
      .where(and(eq(settlementMissing.importId, importId), eq(settlementMissing.operationId, operationId)))
      .for('update');
    if (!item) throw new NotFoundError(`${operationId} is no longer missing from this import's settlements; reconciliation may have found it since.`);
    if (item.resolvedAt) throw alreadyResolved(item);
    const resolvedAt = new Date();
    await tx
      .update(settlementMissing)
      .set({ resolvedAt, resolvedBy: actor.id, resolvedByEmail: actor.email, resolutionNote: note })
      .where(and(eq(settlementMissing.importId, importId), eq(settlementMissing.operationId, operationId), isNull(settlementMissing.resolvedAt)));
    await recordAudit(tx, {
      actor,
      action: 'settlements.resolve',
      target: { type: 'settlement_missing', id: `${importId}:${operationId}` },
      details: { settlementId: item.settlementId, verdict: 'missing', kind: item.kind, paymentTransactionId: item.paymentTransactionId, operationId, note },
      requestId: requestId ?? null,
    });
    if (item.settlementId) await recount(tx, item.settlementId, importId);
    return { settlementId: item.settlementId, resolvedAt };
  });
}
