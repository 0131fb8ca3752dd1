import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '@/db/client';
import { recordAudit } from '@/lib/audit';
import type { PayoutTotals } from './parse';

/** Set-based reconciliation: each line gets exactly one verdict (verdicts.ts order), unsettled captures and refunds
 * are listed missing, payout totals recomputed. Fees follow `feeFor`, from our rate at capture when known. */

/** A read: with SETTLEMENT_IMPORT_EXPLAIN=1 its plan as run is printed first (EXPLAIN ANALYZE runs it once more). */
async function read<T>(tx: Db, what: string, query: SQL): Promise<T[]> {
  if (process.env.SETTLEMENT_IMPORT_EXPLAIN) {
    const plan = rowsOf<Record<string, string>>(await tx.execute(sql`EXPLAIN (ANALYZE, BUFFERS) ${query}`));
    console.error(`  ${what}:\n${plan.map((r) => `    ${Object.values(r)[0]}`).join('\n')}`);
  }
  return rowsOf<T>(await tx.execute(query));
}

async function step(tx: Db, what: string, query: SQL, explainable = true): Promise<void> {
  if (process.env.SETTLEMENT_IMPORT_EXPLAIN && explainable) {
    console.error(`  ${what}:`);
    for (const r of rowsOf<Record<string, string>>(await tx.execute(sql`EXPLAIN (ANALYZE, BUFFERS) ${query}`)))
      console.error(`    ${Object.values(r)[0]}`);
    return;
  }
  const started = performance.now();
  await tx.execute(query);
  if (process.env.SETTLEMENT_IMPORT_TIMING)
    console.error(`  ${what}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
}

/** `round(a × b / 10^8)` half up for non-negative a, b: in bigint when it cannot overflow, else numeric. */
const scaledProduct = (a: SQL, b: SQL) =>
  sql`CASE WHEN ${a} < 10000000000 AND ${b} <= 100000000 THEN (${a} * ${b} + 50000000) / 100000000 ELSE div(${a}::numeric * ${b} + 50000000, 100000000)::bigint END`;

/** What makes two lines the same: what they settle, or for an adjustment its transaction, time and amounts. */
const dupKey = (t: string) =>
  sql.raw(
    `coalesce(${t}.operation_id, ${t}.payment_transaction_id || '|' || ${t}.captured_at::text || '|' || ${t}.amount || '|' || ${t}.discount_amount || '|' || ${t}.penalty_amount)`,
  );

/** How far apart two payouts can settle the same capture and still be looked at together. */
const NEARBY = sql`interval '90 days'`;

/** Current (import_id, settlement_id) pairs of other payouts within 90 days: only their lines count as settled. */
function nearbyPayouts(importId: string, span: { lo: string; hi: string }, createdBefore?: Date): SQL {
  return sql`
    SELECT s.import_id, s.settlement_id FROM settlements s JOIN settlement_imports i ON i.id = s.import_id
    WHERE s.import_id <> ${importId}
      ${createdBefore ? sql`AND i.created_at < ${createdBefore.toISOString()}::timestamptz` : sql``}
      AND s.period_end >= ${span.lo}::timestamptz - ${NEARBY} AND s.period_start <= ${span.hi}::timestamptz + ${NEARBY}`;
}

/** One import's judged lines in file order (one scan, hash joins); in-file duplicates only among flagged lines. */
function judged(
  importId: string,
  importCreatedAt: Date,
  reissued: string[],
  span: { lo: string; hi: string },
  anyNearby: boolean,
): SQL {
  const ours = sql`o.rate_fixed IS NOT NULL`;
  const fixed = sql`CASE WHEN ${ours} THEN o.rate_fixed ELSE coalesce(src.rate_fixed, 0) END`;
  const variable = sql`CASE WHEN ${ours} THEN coalesce(o.rate_variable, 0) ELSE coalesce(src.rate_variable, 0) END`;
  const taxFixed = sql`CASE WHEN ${ours} THEN coalesce(o.tax_fixed, 0) ELSE coalesce(src.tax_rate_fixed, 0) END`;
  const taxVariable = sql`CASE WHEN ${ours} THEN coalesce(o.tax_variable, 0) ELSE coalesce(src.tax_rate_variable, 0) END`;
  return sql`
    WITH flagged AS MATERIALIZED (
      SELECT c.type, c.operation_id, ${dupKey('c')} AS key FROM settlement_lines c WHERE c.import_id = ${importId} AND c.verdict = 'duplicate'
    ),
    firsts AS MATERIALIZED (
      SELECT d.type, d.operation_id AS key, min(d.line_no) AS first_line
      -- The flagged keys read again rather than from the CTE, so the join runs in the workers
      -- (a CTE scan is parallel-restricted: every line would go to the leader to be joined there).
      FROM settlement_lines d JOIN (
        SELECT DISTINCT c.type, c.operation_id FROM settlement_lines c WHERE c.import_id = ${importId} AND c.verdict = 'duplicate' AND c.operation_id IS NOT NULL
      ) f ON d.operation_id = f.operation_id AND d.type = f.type
      WHERE d.import_id = ${importId}
      GROUP BY 1, 2
      UNION ALL
      SELECT d.type, ${dupKey('d')}, min(d.line_no)
      FROM settlement_lines d
      WHERE EXISTS (SELECT 1 FROM flagged WHERE operation_id IS NULL)
        AND d.import_id = ${importId} AND d.operation_id IS NULL
        AND (d.type, ${dupKey('d')}) IN (SELECT type, key FROM flagged WHERE operation_id IS NULL)
      GROUP BY 1, 2
    ),
    earlier AS (
      -- What the current versions of nearby payouts (within 90 days) imported earlier settled: a
      -- capture is not paid out twice months apart, and this keeps the read to recent imports as
      -- history grows. Lines of a held or kept-out re-issue are of no payout's current version.
      SELECT DISTINCT p.operation_id, p.type
      FROM settlement_lines p
      WHERE (p.import_id, p.settlement_id) IN (${nearbyPayouts(importId, span, importCreatedAt)})
        AND p.operation_id IS NOT NULL
        -- Lines of payouts this import re-issues are being replaced, not repeated.
        AND p.settlement_id NOT IN (${
          reissued.length
            ? sql.join(
                reissued.map((id) => sql`${id}`),
                sql`, `,
              )
            : sql`NULL`
        })
    ),
    fees AS (
      SELECT src.line_no, src.type, src.currency, src.amount, src.fee_amount, src.tax_amount, src.payment_transaction_id,
        src.verdict AS was_verdict, src.expected_amount AS was_amount, src.expected_currency AS was_currency, src.expected_fee AS was_fee, src.expected_tax AS was_tax,
        src.operation_id, src.captured_at, src.discount_amount, src.penalty_amount,
        o.amount AS o_amount, o.currency AS o_currency, o.operation_id AS o_id, ${anyNearby ? sql`e.operation_id` : sql`NULL::text`} AS earlier_id,
        CASE WHEN o.operation_id IS NOT NULL AND src.type IN ('SALE', 'FEE') THEN ${fixed} + ${scaledProduct(sql`o.amount`, variable)} END AS exp_fee,
        ${taxFixed} AS tax_fixed_v, ${taxVariable} AS tax_variable_v
      FROM settlement_lines src
      LEFT JOIN payment_operations o ON o.operation_id = src.operation_id AND o.kind = CASE WHEN src.type = 'RETURN' THEN 'refund' ELSE 'capture' END AND src.type IN ('SALE', 'FEE', 'RETURN')
      ${anyNearby ? sql`LEFT JOIN earlier e ON e.operation_id = src.operation_id AND e.type = src.type` : sql``}
      WHERE src.import_id = ${importId}
    ),
    taxed AS (
      SELECT fees.*,
        CASE WHEN exp_fee IS NOT NULL THEN tax_fixed_v + ${scaledProduct(sql`exp_fee`, sql`tax_variable_v`)} END AS exp_tax
      FROM fees
    ),
    first_pass AS (
      -- Each line's verdict but for the two checks that read outside the join (the file's own
      -- duplicates, from a CTE; which kind of unknown, from payment_transactions), and only the
      -- lines whose verdict may change: this filter runs in the parallel workers, so a million
      -- lines become a few hundred before they reach the leader (which alone may read a CTE).
      SELECT taxed.*,
        CASE
          WHEN earlier_id IS NOT NULL THEN 'duplicate'
          WHEN type IN ('DISCOUNT', 'PENALTY', 'DISPUTE') THEN 'adjustment'
          WHEN o_id IS NULL THEN 'unknown'
          WHEN currency <> o_currency THEN 'currency_mismatch'
          WHEN type IN ('SALE', 'RETURN') AND abs(amount) <> o_amount THEN 'amount_mismatch'
          WHEN type IN ('SALE', 'FEE') AND (fee_amount <> exp_fee OR tax_amount <> exp_tax) THEN 'fee_mismatch'
          ELSE 'matched'
        END AS verdict0
      FROM taxed
    ),
    candidates AS (
      SELECT * FROM first_pass
      WHERE was_verdict = 'duplicate' OR verdict0 IS DISTINCT FROM was_verdict
        OR CASE WHEN verdict0 IN ('matched', 'adjustment') THEN was_amount IS NOT NULL OR was_currency IS NOT NULL OR was_fee IS NOT NULL OR was_tax IS NOT NULL
          ELSE (was_amount, was_currency, was_fee, was_tax) IS DISTINCT FROM (o_amount, o_currency, exp_fee, exp_tax) END
      OFFSET 0 -- a fence: the checks below run on these lines only
    ),
    verdicts AS (
      SELECT candidates.*,
        CASE
          WHEN verdict0 = 'duplicate' THEN 'duplicate'
          -- Only a line the parser flagged can repeat one before it.
          WHEN was_verdict = 'duplicate' AND EXISTS (SELECT 1 FROM firsts f WHERE f.type = candidates.type AND f.key = ${dupKey('candidates')} AND f.first_line < candidates.line_no) THEN 'duplicate'
          WHEN verdict0 = 'unknown' THEN
            CASE WHEN EXISTS (SELECT 1 FROM payment_transactions t WHERE t.payment_transaction_id = candidates.payment_transaction_id)
              THEN CASE WHEN type = 'RETURN' THEN 'unknown_refund' ELSE 'unknown_capture' END
              ELSE 'unknown_transaction' END
          ELSE verdict0
        END AS verdict
      FROM candidates
      OFFSET 0 -- a fence: the verdict is computed once per line, not once per use below
    ),
    expected AS (
      SELECT line_no, verdict, was_verdict, was_amount, was_currency, was_fee, was_tax,
        CASE WHEN verdict NOT IN ('matched', 'adjustment') THEN o_amount END AS expected_amount,
        CASE WHEN verdict NOT IN ('matched', 'adjustment') THEN o_currency END AS expected_currency,
        CASE WHEN verdict NOT IN ('matched', 'adjustment') THEN exp_fee END AS expected_fee,
        CASE WHEN verdict NOT IN ('matched', 'adjustment') THEN exp_tax END AS expected_tax
      FROM verdicts
    )
    SELECT line_no, verdict, expected_amount, expected_currency, expected_fee, expected_tax FROM expected
    WHERE (was_verdict, was_amount, was_currency, was_fee, was_tax) IS DISTINCT FROM (verdict, expected_amount, expected_currency, expected_fee, expected_tax)`;
}

/** No JIT (compiling took longer than running on a million lines) and room to sort and hash in memory. */
async function bulkSettings(tx: Db): Promise<void> {
  await tx.execute(sql`SET LOCAL jit = off`);
  await tx.execute(sql`SET LOCAL work_mem = '256MB'`);
  // With a million fresh rows the estimates are rough; a merge join would sort both sides.
  await tx.execute(sql`SET LOCAL enable_mergejoin = off`);
}

export async function reconcileImport(db: Db, importId: string, options: ReconcileOptions = {}): Promise<void> {
  const [imported] = rowsOf<{ created_at: string | Date }>(
    await db.execute(sql`SELECT created_at FROM settlement_imports WHERE id = ${importId}`),
  );
  if (!imported) throw new Error(`settlement import ${importId} not found`);
  const createdAt = new Date(imported.created_at);
  // A million new lines leave the statistics stale (the planner would pick nested loops); a small sample fixes that.
  await db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL default_statistics_target = 10`);
    await step(tx, 'analyze', sql`ANALYZE settlement_lines`, false);
  });
  const allTotals = options.totals ?? (await payoutTotalsOf(db, importId));
  // Payouts this import re-issues: one probe of `settlements` (none on a first import). A held
  // re-issue keeps the payout's current lines; only the applied payouts are written below.
  const reissues = await reissuesOf(db, importId, allTotals, options.accept);
  const totals = reissues.held.size ? allTotals.filter((t) => !reissues.held.has(t.settlementId)) : allTotals;
  const settlementIds = allTotals.map((t) => t.settlementId);
  // The two big reads run at once in read-only transactions (PGlite runs them in turn).
  const [changes, unsettled] = await Promise.all([
    readOnly(db, 'verdicts', async (tx) => {
      // Worth parallel workers (the planner's default costs say no): about a third faster.
      await tx.execute(sql`SET LOCAL parallel_setup_cost = 0`);
      await tx.execute(sql`SET LOCAL parallel_tuple_cost = 0`);
      // The (import, payout) estimate is far too low: sorting earlier captures is twice as slow as hashing.
      await tx.execute(sql`SET LOCAL enable_sort = off`);
      // No other payout within 90 days: no earlier line can repeat one, so the full scan is skipped.
      const anyNearby =
        rowsOf(
          await tx.execute(sql`SELECT 1 FROM (${nearbyPayouts(importId, spanOf(allTotals), createdAt)}) n LIMIT 1`),
        ).length > 0;
      return read<Change>(tx, 'verdicts', judged(importId, createdAt, settlementIds, spanOf(allTotals), anyNearby));
    }),
    readOnly(db, 'unsettled', (tx) => unsettledOf(tx, importId, totals)),
  ]);
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT 1 FROM settlement_imports WHERE id = ${importId} FOR UPDATE`);
    await bulkSettings(tx);
    if (reissues.records.length) await recordReissues(tx, importId, reissues.records);
    // Only when the payout is still this import's to accept (else the caller says nothing changed).
    if (options.accept && reissues.records.some((r) => r.status === 'accepted')) await options.accept.decide(tx);
    await insertTotals(tx, totals);
    await supersede(tx, importId);
    await tx.execute(sql`
      CREATE TEMP TABLE IF NOT EXISTS settlement_changes (line_no int PRIMARY KEY, verdict text, expected_amount bigint, expected_currency text, expected_fee bigint, expected_tax bigint) ON COMMIT DROP`);
    await tx.execute(sql`DELETE FROM settlement_changes`);
    for (let i = 0; i < changes.length; i += 5000) {
      await tx.execute(sql`
        INSERT INTO settlement_changes VALUES ${sql.join(
          changes
            .slice(i, i + 5000)
            .map(
              (c) =>
                sql`(${c.line_no}, ${c.verdict}, ${c.expected_amount}::bigint, ${c.expected_currency}, ${c.expected_fee}::bigint, ${c.expected_tax}::bigint)`,
            ),
          sql`, `,
        )}`);
    }
    await step(
      tx,
      'verdict updates',
      sql`
      UPDATE settlement_lines l
      SET verdict = c.verdict, expected_amount = c.expected_amount, expected_currency = c.expected_currency, expected_fee = c.expected_fee, expected_tax = c.expected_tax
      FROM settlement_changes c
      WHERE l.import_id = ${importId} AND l.line_no = c.line_no`,
    );
    await afterLines(tx, importId, unsettled, spanOf(totals));
  });
}

export type ReconcileOptions = {
  totals?: PayoutTotals[];
  /** Accepting a held re-issue: `decide` runs first in the writing transaction; throwing changes nothing. */
  accept?: { settlementId: string; decide: (tx: Db) => Promise<void> };
};

type ReissueRecord = {
  settlementId: string;
  replacesImportId: string;
  status: 'pending' | 'applied' | 'accepted' | 'held';
  quarantined: number;
  totals: PayoutTotals;
};

/** Payouts another import brought in first: a re-issue with quarantined lines is held for review, a fully read
 * one is applied, and one already held or kept out stays so on a re-run. */
async function reissuesOf(
  db: Db,
  importId: string,
  totals: PayoutTotals[],
  accept: ReconcileOptions['accept'],
): Promise<{ held: Set<string>; records: ReissueRecord[] }> {
  const held = new Set<string>();
  if (!totals.length) return { held, records: [] };
  const ids = sql.join(
    totals.map((t) => sql`${t.settlementId}`),
    sql`, `,
  );
  const current = rowsOf<{ settlement_id: string; import_id: string; status: string | null }>(
    await db.execute(sql`
      SELECT s.settlement_id, s.import_id::text AS import_id, r.status
      FROM settlements s LEFT JOIN settlement_reissues r ON r.settlement_id = s.settlement_id AND r.import_id = ${importId}
      WHERE s.settlement_id IN (${ids}) AND s.import_id <> ${importId}`),
  );
  if (!current.length) return { held, records: [] };
  const quarantined = new Map(
    rowsOf<{ settlement_id: string; n: number | string }>(
      await db.execute(sql`
        SELECT coalesce((SELECT trim(e.value) FROM jsonb_each_text(q.raw) e WHERE lower(trim(e.key)) = 'settlement_id' LIMIT 1), '') AS settlement_id, count(*) AS n
        FROM settlement_quarantine q WHERE q.import_id = ${importId} GROUP BY 1`),
    ).map((r) => [r.settlement_id, Number(r.n)]),
  );
  // A line naming none of the file's payouts (no or unreadable settlement id, cells shifted) counts against each.
  let unreadable = 0;
  for (const [id, n] of quarantined) if (!totals.some((t) => t.settlementId === id)) unreadable += n;
  const records: ReissueRecord[] = [];
  for (const row of current) {
    const t = totals.find((x) => x.settlementId === row.settlement_id)!;
    const q = (quarantined.get(row.settlement_id) ?? 0) + unreadable;
    const accepting = accept?.settlementId === row.settlement_id;
    let status: ReissueRecord['status'];
    if (accepting) status = 'accepted';
    else if (row.status === null) status = q > 0 ? 'pending' : 'applied';
    else status = 'held'; // pending, rejected or superseded: stays so; accepted/applied ones are current
    if (status === 'pending' || status === 'held') held.add(row.settlement_id);
    records.push({
      settlementId: row.settlement_id,
      replacesImportId: row.import_id,
      status,
      quarantined: q,
      totals: t,
    });
  }
  return { held, records };
}

const versionTotals = (t: PayoutTotals) => ({
  currency: t.currency,
  periodStart: t.periodStart,
  periodEnd: t.periodEnd,
  lineCount: t.lineCount,
  grossSales: t.grossSales,
  refunds: t.refunds,
  fees: t.fees,
  tax: t.tax,
  discounts: t.discounts,
  penalties: t.penalties,
  disputes: t.disputes,
  net: t.net,
});

/** Records each re-issued payout with both versions' totals; a new re-issue supersedes an older pending one. */
async function recordReissues(tx: Db, importId: string, records: ReissueRecord[]): Promise<void> {
  for (const r of records) {
    const totals = JSON.stringify(versionTotals(r.totals));
    if (r.status === 'held' || r.status === 'accepted') {
      // Known already: its figures follow the lines (a re-run); the status is decided elsewhere.
      await tx.execute(
        sql`UPDATE settlement_reissues SET totals = ${totals}::jsonb, quarantined_lines = ${r.quarantined} WHERE settlement_id = ${r.settlementId} AND import_id = ${importId}`,
      );
      continue;
    }
    await tx.execute(sql`
      UPDATE settlement_reissues SET status = 'superseded', decided_at = now()
      WHERE settlement_id = ${r.settlementId} AND status = 'pending' AND import_id <> ${importId}`);
    await tx.execute(sql`
      INSERT INTO settlement_reissues (settlement_id, import_id, replaces_import_id, status, quarantined_lines, totals, replaced_totals, decided_at)
      SELECT s.settlement_id, ${importId}::uuid, s.import_id, ${r.status}, ${r.quarantined}, ${totals}::jsonb,
        jsonb_build_object('currency', s.currency,
          'periodStart', to_char(s.period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'periodEnd', to_char(s.period_end AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'lineCount', s.line_count, 'grossSales', s.gross_sales, 'refunds', s.refunds, 'fees', s.fees, 'tax', s.tax,
          'discounts', s.discounts, 'penalties', s.penalties, 'disputes', s.disputes, 'net', s.net),
        ${r.status === 'applied' ? sql`now()` : sql`NULL`}
      FROM settlements s WHERE s.settlement_id = ${r.settlementId}
      ON CONFLICT (settlement_id, import_id) DO NOTHING`);
    if (r.status === 'applied') {
      await recordAudit(tx, {
        actor: 'system',
        action: 'settlements.apply_reissue',
        target: { type: 'settlement', id: r.settlementId },
        details: {
          settlementId: r.settlementId,
          importId,
          replacesImportId: r.replacesImportId,
          quarantinedLines: 0,
          rule: 'every line of the re-issue was read: applied without review',
          newTotals: versionTotals(r.totals),
        },
      });
    }
  }
}

type Change = {
  line_no: number;
  verdict: string;
  expected_amount: string | null;
  expected_currency: string | null;
  expected_fee: string | null;
  expected_tax: string | null;
};
type Unsettled = {
  operation_id: string;
  kind: string;
  payment_transaction_id: string;
  account_id: string;
  currency: string;
  amount: string;
  occurred_at: string;
};

async function readOnly<T>(db: Db, what: string, read: (tx: Db) => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await db.transaction(async (tx) => {
    await bulkSettings(tx);
    return read(tx);
  });
  if (process.env.SETTLEMENT_IMPORT_TIMING)
    console.error(`  ${what}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return result;
}

function spanOf(totals: PayoutTotals[]): { lo: string; hi: string } {
  const starts = totals.map((t) => new Date(t.periodStart).getTime());
  const ends = totals.map((t) => new Date(t.periodEnd).getTime());
  return totals.length
    ? { lo: new Date(Math.min(...starts)).toISOString(), hi: new Date(Math.max(...ends)).toISOString() }
    : { lo: new Date(0).toISOString(), hi: new Date(0).toISOString() };
}

/** What this import does not settle, as one hash anti-join (the planner would probe the index a million times). */
async function unsettledOf(tx: Db, importId: string, totals: PayoutTotals[]): Promise<Unsettled[]> {
  if (!totals.length) return [];
  const { lo, hi } = spanOf(totals);
  const currencies = [...new Set(totals.map((t) => t.currency))];
  await tx.execute(sql`SET LOCAL enable_nestloop = off`);
  return read<Unsettled>(
    tx,
    'unsettled',
    sql`
      SELECT o.operation_id, o.kind, o.payment_transaction_id, o.account_id, o.currency, o.amount::text AS amount, o.occurred_at::text AS occurred_at
      FROM payment_operations o
      WHERE o.occurred_at BETWEEN ${lo}::timestamptz AND ${hi}::timestamptz
        AND o.currency IN (${sql.join(
          currencies.map((c) => sql`${c}`),
          sql`, `,
        )})
        AND o.account_id IN (SELECT jsonb_array_elements_text(account_ids) FROM settlement_imports WHERE id = ${importId})
        AND NOT EXISTS (
          SELECT 1 FROM settlement_lines m
          WHERE m.import_id = ${importId} AND m.operation_id = o.operation_id AND m.type = CASE WHEN o.kind = 'refund' THEN 'RETURN' ELSE 'SALE' END)`,
  );
}

/** Each payout's totals and period by one pass over the lines (a re-run; the import job has the parser's). */
async function payoutTotalsOf(db: Db, importId: string): Promise<PayoutTotals[]> {
  type Row = Record<'settlement_id' | 'currency' | 'period_start' | 'period_end', string> &
    Record<
      'line_count' | 'gross_sales' | 'refunds' | 'fees' | 'tax' | 'discounts' | 'penalties' | 'disputes' | 'net',
      string | number
    >;
  const rows = rowsOf<Row>(
    await db.execute(sql`
      SELECT l.settlement_id, mode() WITHIN GROUP (ORDER BY l.currency) AS currency,
        to_char(min(l.captured_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS period_start,
        to_char(max(l.captured_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS period_end,
        count(*) AS line_count,
        coalesce(sum(abs(l.amount)) FILTER (WHERE l.type = 'SALE'), 0) AS gross_sales,
        coalesce(sum(abs(l.amount)) FILTER (WHERE l.type = 'RETURN'), 0) AS refunds,
        sum(l.fee_amount) AS fees, sum(l.tax_amount) AS tax, sum(l.discount_amount) AS discounts, sum(l.penalty_amount) AS penalties,
        coalesce(sum(abs(l.amount)) FILTER (WHERE l.type = 'DISPUTE'), 0) AS disputes,
        sum(l.net_amount) AS net
      FROM settlement_lines l WHERE l.import_id = ${importId} GROUP BY l.settlement_id`),
  );
  return rows.map((r) => ({
    settlementId: r.settlement_id,
    currency: r.currency,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    lineCount: Number(r.line_count),
    grossSales: Number(r.gross_sales),
    refunds: Number(r.refunds),
    fees: Number(r.fees),
    tax: Number(r.tax),
    discounts: Number(r.discounts),
    penalties: Number(r.penalties),
    disputes: Number(r.disputes),
    net: Number(r.net),
  }));
}

async function insertTotals(tx: Db, totals: PayoutTotals[]): Promise<void> {
  await tx.execute(sql`
    CREATE TEMP TABLE IF NOT EXISTS settlement_totals (
      settlement_id text PRIMARY KEY, currency text, period_start timestamptz, period_end timestamptz, line_count int,
      gross_sales bigint, refunds bigint, fees bigint, tax bigint, discounts bigint, penalties bigint, disputes bigint, net bigint
    ) ON COMMIT DROP`);
  await tx.execute(sql`DELETE FROM settlement_totals`);
  if (!totals.length) return;
  await tx.execute(sql`
    INSERT INTO settlement_totals VALUES ${sql.join(
      totals.map(
        (t) =>
          sql`(${t.settlementId}, ${t.currency}, ${t.periodStart}::timestamptz, ${t.periodEnd}::timestamptz, ${t.lineCount}, ${t.grossSales}, ${t.refunds}, ${t.fees}, ${t.tax}, ${t.discounts}, ${t.penalties}, ${t.disputes}, ${t.net})`,
      ),
      sql`, `,
    )}`);
}

/** A re-issue replaces the earlier lines of the payouts it applies; resolutions carry over to the matching new line. */
async function supersede(tx: Db, importId: string): Promise<void> {
  const earlier = sql`SELECT s.import_id, s.settlement_id FROM settlements s JOIN settlement_totals t ON t.settlement_id = s.settlement_id WHERE s.import_id <> ${importId}`;
  await tx.execute(sql`
    UPDATE settlement_lines n
    SET resolved_at = o.resolved_at, resolved_by = o.resolved_by, resolved_by_email = o.resolved_by_email, resolution_note = o.resolution_note
    FROM settlement_lines o JOIN (${earlier}) e ON o.import_id = e.import_id AND o.settlement_id = e.settlement_id
    WHERE o.resolved_at IS NOT NULL AND o.operation_id IS NOT NULL
      AND n.import_id = ${importId} AND n.operation_id = o.operation_id AND n.type = o.type AND n.resolved_at IS NULL`);
  await step(
    tx,
    'supersede',
    sql`
    DELETE FROM settlement_lines l USING (${earlier}) e WHERE l.import_id = e.import_id AND l.settlement_id = e.settlement_id`,
  );
  await tx.execute(sql`
    UPDATE settlement_imports i SET status = 'superseded', updated_at = now()
    WHERE i.id IN (SELECT import_id FROM (${earlier}) e) AND i.status = 'done'
      AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.import_id = i.id)`);
}

/** The payouts of the import with their match counts, the captures/refunds missing from them, and their open counts. */
async function afterLines(
  tx: Db,
  importId: string,
  unsettled: Unsettled[],
  span: { lo: string; hi: string },
): Promise<void> {
  const attention = sql`l.verdict NOT IN ('matched', 'adjustment')`;
  await step(
    tx,
    'payouts',
    sql`
    INSERT INTO settlements AS s (settlement_id, import_id, currency, period_start, period_end, line_count, gross_sales, refunds, fees, tax, discounts, penalties, disputes, net, matched_count, adjustment_count, open_count, missing_count, reconciled_at)
    SELECT t.settlement_id, ${importId}::uuid, t.currency, t.period_start, t.period_end, t.line_count, t.gross_sales, t.refunds, t.fees, t.tax, t.discounts, t.penalties, t.disputes, t.net,
      t.line_count - coalesce(a.attention, 0), coalesce(j.adjustments, 0), coalesce(a.open, 0), 0, now()
    FROM settlement_totals t
    LEFT JOIN (
      SELECT l.settlement_id, count(*)::int AS attention, (count(*) FILTER (WHERE l.resolved_at IS NULL))::int AS open
      FROM settlement_lines l WHERE l.import_id = ${importId} AND ${attention} GROUP BY l.settlement_id
    ) a ON a.settlement_id = t.settlement_id
    LEFT JOIN (
      SELECT l.settlement_id, count(*)::int AS adjustments
      FROM settlement_lines l WHERE l.import_id = ${importId} AND l.verdict = 'adjustment' GROUP BY l.settlement_id
    ) j ON j.settlement_id = t.settlement_id
    ON CONFLICT (settlement_id) DO UPDATE SET
      import_id = excluded.import_id, currency = excluded.currency, period_start = excluded.period_start, period_end = excluded.period_end,
      line_count = excluded.line_count, gross_sales = excluded.gross_sales, refunds = excluded.refunds, fees = excluded.fees, tax = excluded.tax,
      discounts = excluded.discounts, penalties = excluded.penalties, disputes = excluded.disputes, net = excluded.net,
      matched_count = excluded.matched_count, adjustment_count = excluded.adjustment_count, open_count = excluded.open_count, reconciled_at = excluded.reconciled_at`,
  );
  // Operations in a payout's accounts, currency and period that no current line within 90 days settles.
  await tx.execute(sql`
    CREATE TEMP TABLE IF NOT EXISTS settlement_found_missing (operation_id text PRIMARY KEY, kind text, payment_transaction_id text, account_id text, currency text, amount bigint, occurred_at timestamptz, settlement_id text) ON COMMIT DROP`);
  await tx.execute(sql`DELETE FROM settlement_found_missing`);
  await tx.execute(sql`
    CREATE TEMP TABLE IF NOT EXISTS settlement_unsettled (operation_id text, kind text, payment_transaction_id text, account_id text, currency text, amount bigint, occurred_at timestamptz) ON COMMIT DROP`);
  await tx.execute(sql`DELETE FROM settlement_unsettled`);
  for (let i = 0; i < unsettled.length; i += 2000) {
    await tx.execute(sql`
      INSERT INTO settlement_unsettled VALUES ${sql.join(
        unsettled
          .slice(i, i + 2000)
          .map(
            (u) =>
              sql`(${u.operation_id}, ${u.kind}, ${u.payment_transaction_id}, ${u.account_id}, ${u.currency}, ${u.amount}::bigint, ${u.occurred_at}::timestamptz)`,
          ),
        sql`, `,
      )}`);
  }
  await tx.execute(sql`ANALYZE settlement_unsettled`);
  await step(
    tx,
    'missing',
    sql`
    INSERT INTO settlement_found_missing
    SELECT DISTINCT ON (c.operation_id) c.operation_id, c.kind, c.payment_transaction_id, c.account_id, c.currency, c.amount, c.occurred_at, b.settlement_id
    FROM settlement_unsettled c JOIN settlement_totals b ON b.currency = c.currency AND c.occurred_at BETWEEN b.period_start AND b.period_end
    WHERE NOT EXISTS (
      SELECT 1 FROM settlement_lines l
      WHERE (l.import_id, l.settlement_id) IN (${nearbyPayouts(importId, span)})
        AND l.operation_id = c.operation_id AND l.type = CASE WHEN c.kind = 'refund' THEN 'RETURN' ELSE 'SALE' END)
    ORDER BY c.operation_id, b.settlement_id`,
  );
  await tx.execute(sql`
    DELETE FROM settlement_missing m WHERE m.import_id = ${importId}
      AND NOT EXISTS (SELECT 1 FROM settlement_found_missing f WHERE f.operation_id = m.operation_id)`);
  await tx.execute(sql`
    INSERT INTO settlement_missing (import_id, operation_id, kind, payment_transaction_id, account_id, currency, amount, occurred_at, settlement_id)
    SELECT ${importId}::uuid, operation_id, kind, payment_transaction_id, account_id, currency, amount, occurred_at, settlement_id FROM settlement_found_missing
    ON CONFLICT (import_id, operation_id) DO UPDATE SET amount = excluded.amount, settlement_id = excluded.settlement_id`);
  // Missing items of an earlier import of the same payouts: their resolutions carry over, then they go.
  await tx.execute(sql`
    UPDATE settlement_missing n
    SET resolved_at = o.resolved_at, resolved_by = o.resolved_by, resolved_by_email = o.resolved_by_email, resolution_note = o.resolution_note
    FROM settlement_missing o JOIN settlement_totals t ON t.settlement_id = o.settlement_id
    WHERE o.import_id <> ${importId} AND o.resolved_at IS NOT NULL
      AND n.import_id = ${importId} AND n.operation_id = o.operation_id AND n.resolved_at IS NULL`);
  await tx.execute(
    sql`DELETE FROM settlement_missing o USING settlement_totals t WHERE o.settlement_id = t.settlement_id AND o.import_id <> ${importId}`,
  );
  await tx.execute(sql`
    UPDATE settlements s SET missing_count = coalesce(m.n, 0), missing_total = coalesce(m.total, 0)
    FROM settlement_totals t LEFT JOIN (
      SELECT settlement_id, (count(*) FILTER (WHERE resolved_at IS NULL))::int AS n, count(*)::int AS total
      FROM settlement_missing WHERE import_id = ${importId} GROUP BY settlement_id
    ) m ON m.settlement_id = t.settlement_id
    WHERE s.settlement_id = t.settlement_id`);
}
