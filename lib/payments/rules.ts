import 'server-only';
import { and, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { paymentTimeline, type PaymentTransactionRow } from '@/db/schema';
import { ConflictError } from '@/lib/errors';
import { formatDateTime } from '@/lib/ui/format';

/** Checks before asking Klarna (seed, "Manage Klarna payment transaction"); Klarna still decides. */

const cachedFacts = z
  .object({
    captures: z.array(z.object({ payment_capture_id: z.string() }).loose()).nullish(),
    voided_at: z.string().nullish(),
  })
  .loose();

/** When the authorization was voided: Klarna's `voided_at`, else a release from here answered or resolved as made. */
export async function voidedAt(db: Db, row: PaymentTransactionRow): Promise<Date | null> {
  const told = cachedFacts.safeParse(row.klarna ?? {}).data?.voided_at;
  if (told && !Number.isNaN(Date.parse(told))) return new Date(told);
  const [released] = await db
    .select({ at: paymentTimeline.occurredAt })
    .from(paymentTimeline)
    .where(
      and(
        eq(paymentTimeline.paymentTransactionId, row.paymentTransactionId),
        or(
          eq(paymentTimeline.kind, 'release'),
          and(
            eq(paymentTimeline.kind, 'outcome_resolved'),
            sql`${paymentTimeline.details}->>'operation' = 'release'`,
            sql`${paymentTimeline.details}->>'made' = 'true'`,
          ),
        ),
      ),
    )
    .orderBy(paymentTimeline.occurredAt)
    .limit(1);
  return released?.at ?? null;
}

/** Seed, "Void payment transaction": "no further updates to the transaction will be allowed". */
export async function requireNotVoided(db: Db, row: PaymentTransactionRow | null): Promise<void> {
  const at = row ? await voidedAt(db, row) : null;
  if (at)
    throw new ConflictError(
      `This payment was voided (its remaining authorization released) at ${formatDateTime(at)} UTC; Klarna accepts no further updates to it.`,
    );
}

/** With several captures a refund must name one (seed, "Refund payment transaction"); null if captures are unknown. */
export function requireCaptureNamed(row: PaymentTransactionRow | null, captureId: string | undefined): void {
  if (captureId || !row) return;
  const captures = cachedFacts.safeParse(row.klarna ?? {}).data?.captures ?? [];
  if (captures.length > 1) {
    throw new ConflictError(
      `This payment was captured ${captures.length} times: refund one capture at a time (Klarna refunds a payment captured more than once only per capture).`,
      {
        captureId: ['Choose the capture to refund.'],
      },
    );
  }
}
