import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '@/db/client';
import { recordAudit } from '@/lib/audit';
import type { LearntOperation } from '@/lib/domain-events';
import { enqueue, queues } from '@/lib/jobs/queue';
import { getSettlementsOfImport } from './queries';
import { reconcileImport } from './reconcile';

/** How long a queued re-check waits, so the transaction that taught us the operation has committed. */
export const RECHECK_DELAY_SECONDS = 5;

/** Current imports a newly learnt operation changes: an unknown line may now match, or it is now missing. */
export async function importsAffectedBy(db: Db, operations: readonly LearntOperation[]): Promise<string[]> {
  if (!operations.length) return [];
  const ops = JSON.stringify(
    operations.map((o) => ({
      payment_transaction_id: o.paymentTransactionId,
      account_id: o.accountId,
      currency: o.currency,
      occurred_at: o.occurredAt.toISOString(),
    })),
  );
  const rows = rowsOf<{ import_id: string }>(
    await db.execute(sql`
      WITH ops AS (
        SELECT * FROM jsonb_to_recordset(${ops}::jsonb) AS o(payment_transaction_id text, account_id text, currency text, occurred_at timestamptz)
      ),
      recent AS (
        SELECT s.import_id, min(s.period_start) AS lo, max(s.period_end) AS hi, array_agg(s.currency) AS currencies
        FROM settlements s
        WHERE s.import_id IN (SELECT import_id FROM settlements WHERE period_end >= (SELECT min(occurred_at) FROM ops))
        GROUP BY s.import_id
      )
      SELECT l.import_id::text AS import_id
      FROM settlement_lines l JOIN ops o ON o.payment_transaction_id = l.payment_transaction_id
      WHERE l.verdict IN ('unknown_transaction', 'unknown_capture', 'unknown_refund')
        -- Of a payout's current version (not of a held or kept-out re-issue of it).
        AND EXISTS (SELECT 1 FROM settlements s WHERE s.import_id = l.import_id AND s.settlement_id = l.settlement_id)
      UNION
      SELECT r.import_id::text
      FROM recent r JOIN settlement_imports i ON i.id = r.import_id JOIN ops o
        ON o.occurred_at BETWEEN r.lo AND r.hi AND o.currency = ANY (r.currencies) AND i.account_ids ? o.account_id`),
  );
  return rows.map((r) => r.import_id);
}

/** Queues re-checks of affected imports; not awaited, as on PGlite the insert would wait for this transaction. */
export async function queueRecheckFor(db: Db, operations: readonly LearntOperation[]): Promise<string[]> {
  const importIds = await importsAffectedBy(db, operations);
  for (const importId of importIds) {
    void enqueue(queues.settlementRecheck, { importId }, { startAfter: RECHECK_DELAY_SECONDS }).catch(
      (error: Error) => {
        console.warn(
          `settlement import ${importId} needs a re-check (a capture or refund was learnt late), not queued now (${error.message}); re-run its reconciliation from the payout page`,
        );
      },
    );
  }
  return importIds;
}

/** Imports that list as missing an operation this import's lines settle (booked in another payout). */
export async function importsSettledBy(db: Db, importId: string): Promise<string[]> {
  const [any] = rowsOf(await db.execute(sql`SELECT 1 FROM settlement_missing WHERE import_id <> ${importId} LIMIT 1`));
  if (!any) return [];
  const rows = rowsOf<{ import_id: string }>(
    await db.execute(sql`
      WITH missing AS MATERIALIZED (SELECT import_id, operation_id FROM settlement_missing WHERE import_id <> ${importId})
      SELECT DISTINCT m.import_id::text AS import_id
      FROM missing m JOIN settlement_lines l ON l.operation_id = m.operation_id
      WHERE l.import_id = ${importId}`),
  );
  return rows.map((r) => r.import_id);
}

/** Re-checks the imports whose missing items this one settles; a failure is only logged (a re-run fixes it). */
export async function recheckImportsSettledBy(db: Db, importId: string): Promise<string[]> {
  try {
    const importIds = await importsSettledBy(db, importId);
    for (const id of importIds)
      await recheckImport(db, id, 'a later settlement file settles what it listed as missing');
    return importIds;
  } catch (error) {
    console.error(`settlement import ${importId}: re-checking the imports it settles failed`, error);
    return [];
  }
}

/** Imports with an unknown line whose operation we know now: their re-check was lost (e.g. a crash before queueing). */
export async function importsWithNowKnownLines(db: Db): Promise<string[]> {
  const rows = rowsOf<{ import_id: string }>(
    await db.execute(sql`
      SELECT DISTINCT l.import_id::text AS import_id
      FROM settlement_lines l
      WHERE l.verdict IN ('unknown_transaction', 'unknown_capture', 'unknown_refund')
        -- Known as reconciliation joins it (reconcile.ts), so a re-check changes the verdict and
        -- the line is not found again.
        AND l.type IN ('SALE', 'FEE', 'RETURN')
        AND EXISTS (SELECT 1 FROM payment_operations o WHERE o.operation_id = l.operation_id AND o.kind = CASE WHEN l.type = 'RETURN' THEN 'refund' ELSE 'capture' END)
        AND EXISTS (SELECT 1 FROM settlements s WHERE s.import_id = l.import_id AND s.settlement_id = l.settlement_id)`),
  );
  return rows.map((r) => r.import_id);
}

export async function sweepNowKnownLines(db: Db): Promise<string[]> {
  const importIds = await importsWithNowKnownLines(db);
  for (const id of importIds)
    await recheckImport(db, id, 'the scheduled sweep found a capture or refund learnt after reconciliation');
  return importIds;
}

export async function recheckImport(
  db: Db,
  importId: string,
  trigger = 'a capture or refund learnt after reconciliation',
): Promise<void> {
  const before = await getSettlementsOfImport(db, importId);
  if (!before.length) return;
  await reconcileImport(db, importId);
  const after = await getSettlementsOfImport(db, importId);
  const open = (rows: typeof before) => rows.reduce((n, s) => n + s.openCount + s.missingCount, 0);
  await recordAudit(db, {
    actor: 'system',
    action: 'settlements.reconcile',
    target: { type: 'settlement_import', id: importId },
    details: {
      trigger,
      settlement_ids: after.map((s) => s.settlementId),
      open_before: open(before),
      open_after: open(after),
    },
  });
}
