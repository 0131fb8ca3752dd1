import 'server-only';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import {
  settlementReissues,
  settlements,
  type PayoutVersionTotals,
  type SettlementReissueRow,
  type SettlementRow,
} from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { assertCan, type Actor } from '@/lib/auth/guard';
import { ConflictError, ForbiddenError, NotFoundError } from '@/lib/errors';
import { formatMinorUnits } from '@/lib/ui/money';
import { reconcileImport } from './reconcile';
import type { SettlementCtx } from './service';

/** Deciding a held re-issue: accept (its lines replace the payout's, resolutions kept) or keep the current version. */

export const reissueDecisionInputSchema = z.object({
  settlementId: z.string().trim().min(1).max(300),
  importId: z.uuid(),
});
export type ReissueDecisionInput = z.input<typeof reissueDecisionInputSchema>;
export type ReissueDecision = {
  settlementId: string;
  importId: string;
  replacedImportId: string | null;
  decidedAt: Date;
  totals: PayoutVersionTotals;
  replacedTotals: PayoutVersionTotals;
};

const when = (d: Date | null) => (d ? ` on ${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '');
const summary = (t: PayoutVersionTotals) =>
  `${t.lineCount.toLocaleString('en-GB')} lines, net ${formatMinorUnits(t.net, t.currency)}`;

export function totalsOfPayout(p: SettlementRow): PayoutVersionTotals {
  return {
    currency: p.currency,
    periodStart: p.periodStart.toISOString(),
    periodEnd: p.periodEnd.toISOString(),
    lineCount: p.lineCount,
    grossSales: p.grossSales,
    refunds: p.refunds,
    fees: p.fees,
    tax: p.tax,
    discounts: p.discounts,
    penalties: p.penalties,
    disputes: p.disputes,
    net: p.net,
  };
}

/** The role check every verb here starts with; a signed-in user refused is audited like the actions' guard does. */
async function requireReconcile(ctx: SettlementCtx, attempted: string): Promise<Actor> {
  try {
    assertCan(ctx.actor, 'settlements.reconcile');
    return ctx.actor;
  } catch (error) {
    if (error instanceof ForbiddenError && ctx.actor) {
      await recordAudit(ctx.db, {
        actor: ctx.actor,
        action: 'access.denied',
        outcome: 'denied',
        details: { attempted, capability: 'settlements.reconcile' },
        requestId: ctx.requestId ?? null,
      });
    }
    throw error;
  }
}

function notPending(r: SettlementReissueRow): ConflictError {
  switch (r.status) {
    case 'accepted':
      return new ConflictError(
        `This re-issue was already accepted${r.decidedByEmail ? ` by ${r.decidedByEmail}` : ''}${when(r.decidedAt)}.`,
      );
    case 'applied':
      return new ConflictError(`This re-issue was applied${when(r.decidedAt)}: every line of it was read.`);
    case 'rejected':
      return new ConflictError(
        `This re-issue was kept out${r.decidedByEmail ? ` by ${r.decidedByEmail}` : ''}${when(r.decidedAt)}; the current version stays.`,
      );
    default:
      return new ConflictError(`A newer file re-issued this payout${when(r.decidedAt)}; review that one instead.`);
  }
}

async function pendingOrThrow(
  tx: Db,
  input: { settlementId: string; importId: string },
): Promise<{ reissue: SettlementReissueRow; payout: SettlementRow }> {
  const [reissue] = await tx
    .select()
    .from(settlementReissues)
    .where(
      and(eq(settlementReissues.settlementId, input.settlementId), eq(settlementReissues.importId, input.importId)),
    )
    .for('update');
  if (!reissue) throw new NotFoundError(`This import does not re-issue payout ${input.settlementId}.`);
  if (reissue.status !== 'pending') throw notPending(reissue);
  const [payout] = await tx
    .select()
    .from(settlements)
    .where(eq(settlements.settlementId, input.settlementId))
    .for('update');
  if (!payout) throw new NotFoundError(`Payout ${input.settlementId} is not in the dashboard (any more).`);
  if (payout.importId !== reissue.replacesImportId)
    throw new ConflictError(
      'The payout has changed since this re-issue came in (another file replaced it); reload the page.',
    );
  return { reissue, payout };
}

export async function acceptReissue(ctx: SettlementCtx, input: ReissueDecisionInput): Promise<ReissueDecision> {
  const { db, requestId } = ctx;
  const actor = await requireReconcile(ctx, 'acceptSettlementReissue');
  const { settlementId, importId } = reissueDecisionInputSchema.parse(input);
  // A clear answer before the heavy reads when it is plainly too late.
  const [known] = await db
    .select()
    .from(settlementReissues)
    .where(and(eq(settlementReissues.settlementId, settlementId), eq(settlementReissues.importId, importId)));
  if (!known) throw new NotFoundError(`This import does not re-issue payout ${settlementId}.`);
  if (known.status !== 'pending') throw notPending(known);
  const out: { decision?: ReissueDecision } = {};
  await reconcileImport(db, importId, {
    accept: {
      settlementId,
      decide: async (tx) => {
        const { reissue, payout } = await pendingOrThrow(tx, { settlementId, importId });
        const decidedAt = new Date();
        await tx
          .update(settlementReissues)
          .set({ status: 'accepted', decidedAt, decidedBy: actor.id, decidedByEmail: actor.email })
          .where(eq(settlementReissues.id, reissue.id));
        const replacedTotals = totalsOfPayout(payout);
        await recordAudit(tx, {
          actor,
          action: 'settlements.accept_reissue',
          target: { type: 'settlement', id: settlementId },
          details: {
            settlementId,
            importId,
            replacesImportId: reissue.replacesImportId,
            quarantinedLines: reissue.quarantinedLines,
            acceptedTotals: reissue.totals,
            replacedTotals,
          },
          requestId: requestId ?? null,
        });
        out.decision = {
          settlementId,
          importId,
          replacedImportId: reissue.replacesImportId,
          decidedAt,
          totals: reissue.totals,
          replacedTotals,
        };
      },
    },
  });
  if (!out.decision)
    throw new ConflictError(`Payout ${settlementId} is no longer part of this import; nothing was changed.`);
  return out.decision;
}

export async function rejectReissue(ctx: SettlementCtx, input: ReissueDecisionInput): Promise<ReissueDecision> {
  const { db, requestId } = ctx;
  const actor = await requireReconcile(ctx, 'rejectSettlementReissue');
  const { settlementId, importId } = reissueDecisionInputSchema.parse(input);
  return db.transaction(async (tx) => {
    const { reissue, payout } = await pendingOrThrow(tx, { settlementId, importId });
    const decidedAt = new Date();
    await tx
      .update(settlementReissues)
      .set({ status: 'rejected', decidedAt, decidedBy: actor.id, decidedByEmail: actor.email })
      .where(eq(settlementReissues.id, reissue.id));
    const currentTotals = totalsOfPayout(payout);
    await recordAudit(tx, {
      actor,
      action: 'settlements.reject_reissue',
      target: { type: 'settlement', id: settlementId },
      details: {
        settlementId,
        importId,
        currentImportId: payout.importId,
        quarantinedLines: reissue.quarantinedLines,
        rejectedTotals: reissue.totals,
        currentTotals,
      },
      requestId: requestId ?? null,
    });
    return {
      settlementId,
      importId,
      replacedImportId: null,
      decidedAt,
      totals: reissue.totals,
      replacedTotals: currentTotals,
    };
  });
}

/** "Replaced 12 lines, net 100.00 EUR with 10 lines, net 90.00 EUR." — what an accepted re-issue did, for the result message. */
export function describeAccepted(d: ReissueDecision): string {
  return `Re-issue accepted: payout ${d.settlementId} now has the new file's ${summary(d.totals)} (was ${summary(d.replacedTotals)}).`;
}
