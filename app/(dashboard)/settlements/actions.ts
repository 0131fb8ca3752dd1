'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { actionClient } from '@/lib/action';
import { acceptReissue, describeAccepted, rejectReissue, reissueDecisionInputSchema } from '@/lib/settlements/reissue';
import { resolveLineInputSchema, resolveMissingInputSchema } from '@/lib/settlements/resolve';
import {
  importSettlementsFromKlarna,
  rerunReconciliation,
  resolveLine,
  resolveMissing,
} from '@/lib/settlements/service';

const reconcile = (name: string) => actionClient.metadata({ name, capability: 'settlements.reconcile' });
const settlementId = z.string().trim().min(1).max(300);

const refreshed = <T>(id: string | null, value: T) => {
  revalidatePath('/settlements');
  revalidatePath('/');
  if (id) revalidatePath(`/settlements/${encodeURIComponent(id)}`);
  return value;
};

/** "Fetch from Klarna": queues an import of every report Klarna has that is not in yet (the service audits it). */
export const fetchFromKlarnaAction = reconcile('fetchSettlementsFromKlarna').action(async ({ ctx }) => {
  const result = await importSettlementsFromKlarna(ctx);
  return refreshed(null, {
    queued: result.queued,
    alreadyImported: result.alreadyImported,
    importIds: result.importIds,
  });
});

/** Re-runs the verdicts of the import a payout came from (a learnt capture or refund queues the same by itself: lib/settlements/recheck.ts). */
export const rerunReconciliationAction = reconcile('reconcileSettlement')
  .inputSchema(z.object({ settlementId }))
  .action(async ({ parsedInput, ctx }) => {
    const { settlementId: id, open, matched } = await rerunReconciliation(ctx, parsedInput);
    return refreshed(id, { open, matched });
  });

export const resolveLineAction = reconcile('resolveSettlementLine')
  .inputSchema(resolveLineInputSchema.extend({ settlementId }))
  .action(async ({ parsedInput: { settlementId: id, ...input }, ctx }) => {
    const resolved = await resolveLine(ctx, input);
    return refreshed(resolved.settlementId ?? id, { resolvedAt: resolved.resolvedAt.toISOString() });
  });

export const resolveMissingAction = reconcile('resolveSettlementMissing')
  .inputSchema(resolveMissingInputSchema.extend({ settlementId }))
  .action(async ({ parsedInput: { settlementId: id, ...input }, ctx }) => {
    const resolved = await resolveMissing(ctx, input);
    return refreshed(resolved.settlementId ?? id, { resolvedAt: resolved.resolvedAt.toISOString() });
  });

/** Accepts a held re-issue of a payout: its lines replace the current ones (the service audits both versions' totals). */
export const acceptReissueAction = reconcile('acceptSettlementReissue')
  .inputSchema(reissueDecisionInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const decision = await acceptReissue(ctx, parsedInput);
    return refreshed(decision.settlementId, {
      message: describeAccepted(decision),
      decidedAt: decision.decidedAt.toISOString(),
    });
  });

/** Keeps a payout's current version: the held re-issue is marked as kept out (audited). */
export const rejectReissueAction = reconcile('rejectSettlementReissue')
  .inputSchema(reissueDecisionInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const decision = await rejectReissue(ctx, parsedInput);
    return refreshed(decision.settlementId, {
      message: `Kept the current version of payout ${decision.settlementId}; the re-issue stays on record, kept out.`,
      decidedAt: decision.decidedAt.toISOString(),
    });
  });
