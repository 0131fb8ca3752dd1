import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { stagingColumns } from './copy';

/**
 * Reconciliation as set-based SQL: every settlement line gets exactly one verdict
 * (lib/settlements/verdicts.ts, checked in that order), captures and refunds no line settles
 * are listed as missing, and each payout's totals and match counts are recomputed.
 *
 * Rules:
 * - A line settles what its type names: SALE and FEE a capture (`payment_capture_id`),
 *   RETURN a refund (`payment_refund_id`), DISPUTE a dispute. DISCOUNT, PENALTY and DISPUTE
 *   lines are relayed to the merchant 1:1 (verdict `adjustment`).
 * - duplicate: the same thing settled by an earlier line of the file, or by a line of an
 *   earlier import (a later file re-issuing the same settlement id replaces the earlier one).
 * - unknown_transaction / unknown_capture / unknown_refund: not in `payment_operations`;
 *   which one depends on whether the transaction is in `payment_transactions`.
 * - currency_mismatch, amount_mismatch (|amount| against ours), then fee_mismatch: the fee
 *   recomputed from the transaction's rate at capture (`payment_operations.rate_*`; the
 *   file's own rate when ours is unknown) and our captured amount, by the rule of
 *   `feeFor` in lib/klarna/schemas/settlements.ts: fee = fixed + amount × variable / 10^8,
 *   VAT = tax.fixed + fee × tax.variable / 10^8, each rounded half up to the minor unit.
 * - missing: a capture or refund of an account the import covers, in a payout's currency,
 *   made within the payout's period (its first to last line's `captured_at`), that no line
 *   of any current import settles.
 */

const lineColumns = stagingColumns.map(([n]) => n);

/** Half-up division by 10^8 of a non-negative numeric, as integer minor units. */
const scaled = (n: SQL) => sql`div(${n} + 50000000, 100000000)`;

/** The judged lines: source rows `src` (with `import_id`) joined to what they settle. */
function judged(source: SQL, importId: string, importCreatedAt: Date): SQL {
  const fixed = sql`CASE WHEN o.rate_fixed IS NULL THEN coalesce(src.rate_fixed, 0) ELSE o.rate_fixed END`;
  const variable = sql`CASE WHEN o.rate_fixed IS NULL THEN coalesce(src.rate_variable, 0) ELSE coalesce(o.rate_variable, 0) END`;
  const taxFixed = sql`CASE WHEN o.rate_fixed IS NULL THEN coalesce(src.tax_rate_fixed, 0) ELSE coalesce(o.tax_fixed, 0) END`;
  const taxVariable = sql`CASE WHEN o.rate_fixed IS NULL THEN coalesce(src.tax_rate_variable, 0) ELSE coalesce(o.tax_variable, 0) END`;
  return sql`
    WITH src AS (
      SELECT s.*, row_number() OVER (
        PARTITION BY s.type, coalesce(s.operation_id, s.payment_transaction_id || '|' || s.captured_at::text || '|' || s.amount || '|' || s.discount_amount || '|' || s.penalty_amount)
        ORDER BY s.line_no) AS dup_rank
      FROM (${source}) s
    ),
    earlier AS (
      SELECT DISTINCT p.operation_id, p.type
      FROM settlement_lines p JOIN settlement_imports i ON i.id = p.import_id
      WHERE p.import_id <> ${importId} AND i.created_at < ${importCreatedAt.toISOString()}::timestamptz AND p.operation_id IS NOT NULL
    ),
    fees AS (
      SELECT src.*, o.amount AS o_amount, o.currency AS o_currency, o.operation_id AS o_id, e.operation_id AS earlier_id,
        CASE WHEN o.operation_id IS NOT NULL AND src.type IN ('SALE', 'FEE') THEN ${fixed} + ${scaled(sql`o.amount::numeric * ${variable}`)} END AS exp_fee,
        ${taxFixed} AS tax_fixed_v, ${taxVariable} AS tax_variable_v
      FROM src
      LEFT JOIN payment_operations o ON o.operation_id = src.operation_id AND o.kind = CASE WHEN src.type = 'RETURN' THEN 'refund' ELSE 'capture' END AND src.type IN ('SALE', 'FEE', 'RETURN')
      LEFT JOIN earlier e ON e.operation_id = src.operation_id AND e.type = src.type
    ),
    judged AS (
      SELECT fees.*,
        CASE WHEN exp_fee IS NOT NULL THEN tax_fixed_v + ${scaled(sql`exp_fee::numeric * tax_variable_v`)} END AS exp_tax
      FROM fees
    )
    SELECT judged.*,
      CASE
        WHEN dup_rank > 1 OR earlier_id IS NOT NULL THEN 'duplicate'
        WHEN type IN ('DISCOUNT', 'PENALTY', 'DISPUTE') THEN 'adjustment'
        WHEN o_id IS NULL THEN
          CASE WHEN EXISTS (SELECT 1 FROM payment_transactions t WHERE t.payment_transaction_id = judged.payment_transaction_id)
            THEN CASE WHEN type = 'RETURN' THEN 'unknown_refund' ELSE 'unknown_capture' END
            ELSE 'unknown_transaction' END
        WHEN currency <> o_currency THEN 'currency_mismatch'
        WHEN type IN ('SALE', 'RETURN') AND abs(amount) <> o_amount THEN 'amount_mismatch'
        WHEN type IN ('SALE', 'FEE') AND (fee_amount <> exp_fee OR tax_amount <> exp_tax) THEN 'fee_mismatch'
        ELSE 'matched'
      END AS verdict
    FROM judged`;
}

/**
 * Replaces lines of earlier imports that carried the same settlement ids (Klarna re-issued
 * the report), marking an import left with no lines as superseded.
 */
async function supersede(tx: Db, importId: string, settlementIdsFrom: SQL): Promise<void> {
  await tx.execute(sql`
    WITH ids AS (SELECT DISTINCT settlement_id FROM (${settlementIdsFrom}) x),
    gone AS (DELETE FROM settlement_lines l USING ids WHERE l.settlement_id = ids.settlement_id AND l.import_id <> ${importId} RETURNING l.import_id)
    SELECT count(*) FROM gone`);
  await tx.execute(sql`
    UPDATE settlement_imports i SET status = 'superseded', updated_at = now()
    WHERE i.id <> ${importId} AND i.status = 'done' AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.import_id = i.id)`);
}

/** First reconciliation of a new import: staging rows → `settlement_lines` with verdicts, in one statement. */
export async function reconcileFromStaging(tx: Db, importId: string, importCreatedAt: Date, stagingTable: string): Promise<void> {
  const staging = sql.raw(stagingTable);
  await supersede(tx, importId, sql`SELECT settlement_id FROM ${staging}`);
  const cols = sql.raw(lineColumns.join(', '));
  await tx.execute(sql`
    INSERT INTO settlement_lines (import_id, ${cols}, verdict, expected_amount, expected_currency, expected_fee, expected_tax)
    SELECT ${importId}::uuid, ${cols}, verdict, o_amount, o_currency, exp_fee, exp_tax
    FROM (${judged(sql`SELECT * FROM ${staging}`, importId, importCreatedAt)}) j`);
  await afterLines(tx, importId);
}

/**
 * Re-runs reconciliation of an import already in (after new webhooks, a refresh from
 * Klarna, or an import that settles what this one missed): verdicts, missing items and
 * payout totals are recomputed; resolutions stay with their lines.
 */
export async function reconcileImport(db: Db, importId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const created = await tx.execute<{ created_at: string | Date }>(sql`SELECT created_at FROM settlement_imports WHERE id = ${importId} FOR UPDATE`);
    const row = rowsOf<{ created_at: string | Date }>(created)[0];
    if (!row) throw new Error(`settlement import ${importId} not found`);
    const cols = sql.raw(lineColumns.map((c) => `s.${c}`).join(', '));
    await tx.execute(sql`
      UPDATE settlement_lines l
      SET verdict = j.verdict, expected_amount = j.o_amount, expected_currency = j.o_currency, expected_fee = j.exp_fee, expected_tax = j.exp_tax
      FROM (${judged(sql`SELECT ${cols} FROM settlement_lines s WHERE s.import_id = ${importId}`, importId, new Date(row.created_at))}) j
      WHERE l.import_id = ${importId} AND l.line_no = j.line_no
        AND (l.verdict, l.expected_amount, l.expected_currency, l.expected_fee, l.expected_tax) IS DISTINCT FROM (j.verdict, j.o_amount, j.o_currency, j.exp_fee, j.exp_tax)`);
    await afterLines(tx, importId);
  });
}

/** Missing captures/refunds and the payouts' totals, for one import's settlements. */
async function afterLines(tx: Db, importId: string): Promise<void> {
  await tx.execute(sql`
    CREATE TEMP TABLE IF NOT EXISTS settlement_bounds (settlement_id text, currency text, lo timestamptz, hi timestamptz) ON COMMIT DROP`);
  await tx.execute(sql`DELETE FROM settlement_bounds`);
  await tx.execute(sql`
    INSERT INTO settlement_bounds
    SELECT settlement_id, mode() WITHIN GROUP (ORDER BY currency), min(captured_at), max(captured_at)
    FROM settlement_lines WHERE import_id = ${importId} GROUP BY settlement_id`);
  await tx.execute(sql`
    CREATE TEMP TABLE IF NOT EXISTS settlement_found_missing (operation_id text PRIMARY KEY, kind text, payment_transaction_id text, account_id text, currency text, amount bigint, occurred_at timestamptz, settlement_id text) ON COMMIT DROP`);
  await tx.execute(sql`DELETE FROM settlement_found_missing`);
  await tx.execute(sql`
    INSERT INTO settlement_found_missing
    SELECT DISTINCT ON (o.operation_id) o.operation_id, o.kind, o.payment_transaction_id, o.account_id, o.currency, o.amount, o.occurred_at, b.settlement_id
    FROM payment_operations o
    JOIN settlement_bounds b ON b.currency = o.currency AND o.occurred_at BETWEEN b.lo AND b.hi
    WHERE o.account_id IN (SELECT DISTINCT account_id FROM settlement_lines WHERE import_id = ${importId} AND account_id IS NOT NULL)
      AND NOT EXISTS (
        SELECT 1 FROM settlement_lines l
        WHERE l.operation_id = o.operation_id AND l.type = CASE WHEN o.kind = 'refund' THEN 'RETURN' ELSE 'SALE' END)
    ORDER BY o.operation_id, b.settlement_id`);
  await tx.execute(sql`
    DELETE FROM settlement_missing m WHERE m.import_id = ${importId}
      AND NOT EXISTS (SELECT 1 FROM settlement_found_missing f WHERE f.operation_id = m.operation_id)`);
  await tx.execute(sql`
    INSERT INTO settlement_missing (import_id, operation_id, kind, payment_transaction_id, account_id, currency, amount, occurred_at, settlement_id)
    SELECT ${importId}::uuid, operation_id, kind, payment_transaction_id, account_id, currency, amount, occurred_at, settlement_id FROM settlement_found_missing
    ON CONFLICT (import_id, operation_id) DO UPDATE SET amount = excluded.amount, settlement_id = excluded.settlement_id`);
  await tx.execute(sql`
    INSERT INTO settlements AS s (settlement_id, import_id, currency, period_start, period_end, line_count, gross_sales, refunds, fees, tax, discounts, penalties, disputes, net, matched_count, open_count, missing_count, reconciled_at)
    SELECT l.settlement_id, ${importId}::uuid, b.currency, b.lo, b.hi, count(*),
      coalesce(sum(abs(l.amount)) FILTER (WHERE l.type = 'SALE'), 0),
      coalesce(sum(abs(l.amount)) FILTER (WHERE l.type = 'RETURN'), 0),
      sum(l.fee_amount), sum(l.tax_amount), sum(l.discount_amount), sum(l.penalty_amount),
      coalesce(sum(abs(l.amount)) FILTER (WHERE l.type = 'DISPUTE'), 0),
      sum(l.net_amount),
      count(*) FILTER (WHERE l.verdict IN ('matched', 'adjustment')),
      count(*) FILTER (WHERE l.verdict NOT IN ('matched', 'adjustment') AND l.resolved_at IS NULL),
      (SELECT count(*) FROM settlement_missing m WHERE m.import_id = ${importId} AND m.settlement_id = l.settlement_id AND m.resolved_at IS NULL),
      now()
    FROM settlement_lines l JOIN settlement_bounds b ON b.settlement_id = l.settlement_id
    WHERE l.import_id = ${importId}
    GROUP BY l.settlement_id, b.currency, b.lo, b.hi
    ON CONFLICT (settlement_id) DO UPDATE SET
      import_id = excluded.import_id, currency = excluded.currency, period_start = excluded.period_start, period_end = excluded.period_end,
      line_count = excluded.line_count, gross_sales = excluded.gross_sales, refunds = excluded.refunds, fees = excluded.fees, tax = excluded.tax,
      discounts = excluded.discounts, penalties = excluded.penalties, disputes = excluded.disputes, net = excluded.net,
      matched_count = excluded.matched_count, open_count = excluded.open_count, missing_count = excluded.missing_count, reconciled_at = excluded.reconciled_at`);
}

/** Rows of `db.execute` on either driver (postgres.js returns an array, PGlite `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
