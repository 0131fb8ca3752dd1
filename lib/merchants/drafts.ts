import 'server-only';
import { eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { onboardingDrafts, type OnboardingDraftRow } from '@/db/schema';
import { assertCan } from '@/lib/auth/guard';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { descNullsLast } from '@/lib/pagination';
import type { MerchantCtx } from './service';

/** Onboarding drafts: the wizard's unvalidated values, so a reload or another day continues where the admin stopped. */
export const draftInputSchema = z.object({
  id: z.uuid().optional(),
  data: z.record(z.string(), z.unknown()).refine((d) => JSON.stringify(d).length <= 200_000, 'The draft is too large'),
  step: z.number().int().min(0).max(10),
});

function labelOf(data: Record<string, unknown>): string {
  const name = typeof data.account_name === 'string' ? data.account_name.trim() : '';
  return name || 'Untitled merchant';
}

export async function saveDraft(
  ctx: Pick<MerchantCtx, 'db' | 'actor'>,
  input: z.input<typeof draftInputSchema>,
): Promise<OnboardingDraftRow> {
  assertCan(ctx.actor, 'merchants.onboard');
  const { id, data, step } = draftInputSchema.parse(input);
  if (id) {
    const [existing] = await ctx.db.select().from(onboardingDrafts).where(eq(onboardingDrafts.id, id)).limit(1);
    if (!existing) throw new NotFoundError('That onboarding draft no longer exists.');
    if (existing.accountId) throw new ConflictError(`This draft was already onboarded as ${existing.accountId}.`);
    const [row] = await ctx.db
      .update(onboardingDrafts)
      .set({ data, step, label: labelOf(data), updatedAt: new Date() })
      .where(eq(onboardingDrafts.id, id))
      .returning();
    return row!;
  }
  const [row] = await ctx.db
    .insert(onboardingDrafts)
    .values({ data, step, label: labelOf(data), createdBy: ctx.actor.id })
    .returning();
  return row!;
}

export async function getDraft(ctx: Pick<MerchantCtx, 'db' | 'actor'>, id: string): Promise<OnboardingDraftRow | null> {
  assertCan(ctx.actor, 'merchants.onboard');
  if (!z.uuid().safeParse(id).success) return null;
  const [row] = await ctx.db.select().from(onboardingDrafts).where(eq(onboardingDrafts.id, id)).limit(1);
  return row ?? null;
}

/** Drafts not yet onboarded, most recently touched first. */
export async function listOpenDrafts(
  ctx: Pick<MerchantCtx, 'db' | 'actor'>,
  limit = 20,
): Promise<OnboardingDraftRow[]> {
  assertCan(ctx.actor, 'merchants.onboard');
  return ctx.db
    .select()
    .from(onboardingDrafts)
    .where(isNull(onboardingDrafts.accountId))
    .orderBy(descNullsLast(onboardingDrafts.updatedAt))
    .limit(limit);
}
