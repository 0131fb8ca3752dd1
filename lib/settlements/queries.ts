import 'server-only';
import { and, asc, desc, eq, getTableColumns, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import {
  merchantAccounts,
  paymentTransactions,
  settlementImports,
  settlementLines,
  settlementMerchantTotals,
  settlementMissing,
  settlementQuarantine,
  settlementReissues,
  settlements,
  type SettlementImportRow,
  type SettlementReissueRow,
  type SettlementLineRow,
  type SettlementMissingRow,
  type SettlementQuarantineRow,
  type SettlementRow,
} from '@/db/schema';
import { descNullsLast, pageOf } from '@/lib/pagination';
import {
  settlementLineCsvColumns,
  settlementMissingCsvColumns,
  type SettlementLineCsvSource,
  type SettlementMissingCsvSource,
} from './export-csv';
import { lineVerdicts, settledVerdicts, type LineVerdict } from './verdicts';

const day = z.iso.date('a date as YYYY-MM-DD');
const cursorOf = <T extends z.ZodType>(schema: T) => ({
  encode: (value: z.infer<T>) => Buffer.from(JSON.stringify(value)).toString('base64url'),
  /** An unreadable cursor reads as "from the start". */
  decode(cursor: string | undefined): z.infer<T> | null {
    if (!cursor) return null;
    try {
      return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    } catch {
      return null;
    }
  },
});
// Timestamps travel as Postgres text (microseconds): a JS Date would round them and skip or repeat rows.
const timeAndId = cursorOf(z.tuple([z.string().min(1).max(64), z.string().min(1).max(500)]));
const lineCursor = cursorOf(z.tuple([z.number().int().nonnegative()]));

const settledSql = sql.raw(settledVerdicts.map((v) => `'${v}'`).join(', '));

export const payoutStatuses = ['review', 'reconciled'] as const;
export type PayoutStatus = (typeof payoutStatuses)[number];

export const payoutFilterSchema = z.object({
  currency: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/, 'a three-letter currency code')
    .optional(),
  status: z.enum(payoutStatuses).optional(),
  /** Inclusive UTC day bounds on the period's end. */
  from: day.optional(),
  to: day.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PayoutFilter = z.input<typeof payoutFilterSchema>;

/** A payout with a re-issue awaiting review: it needs a look whatever its counts say. */
// Spelt out: drizzle omits the table name of the one table selected from, which here would mean r's.
const pendingReissueOf = (_s: typeof settlements) =>
  sql<boolean>`EXISTS (SELECT 1 FROM ${settlementReissues} r WHERE r.settlement_id = "settlements"."settlement_id" AND r.status = 'pending')`;

export type PayoutListRow = SettlementRow & { reissuePending: boolean };

export async function listSettlements(
  db: Db,
  input: PayoutFilter,
): Promise<{ rows: PayoutListRow[]; nextCursor: string | null }> {
  const f = payoutFilterSchema.parse(input);
  const s = settlements;
  const where: SQL[] = [];
  if (f.currency) where.push(eq(s.currency, f.currency));
  if (f.status === 'review') where.push(sql`(${s.openCount} + ${s.missingCount} > 0 OR ${pendingReissueOf(s)})`);
  if (f.status === 'reconciled') where.push(sql`${s.openCount} + ${s.missingCount} = 0 AND NOT ${pendingReissueOf(s)}`);
  if (f.from) where.push(sql`${s.periodEnd} >= ${`${f.from}T00:00:00Z`}::timestamptz`);
  if (f.to) where.push(sql`${s.periodEnd} < ${`${f.to}T00:00:00Z`}::timestamptz + interval '1 day'`);
  const after = timeAndId.decode(f.cursor);
  // The index is (period_end DESC, settlement_id ASC): the same mixed order here, so no row comparison;
  // `period_end <= x` bounds the index scan, the OR only filters the rows of that one instant.
  if (after)
    where.push(
      sql`${s.periodEnd} <= ${after[0]}::timestamptz`,
      sql`(${s.periodEnd} < ${after[0]}::timestamptz OR ${s.settlementId} > ${after[1]})`,
    );
  const rows = await db
    .select({ row: s, at: sql<string>`${s.periodEnd}::text`, reissuePending: pendingReissueOf(s) })
    .from(s)
    .where(where.length ? and(...where) : undefined)
    .orderBy(descNullsLast(s.periodEnd), asc(s.settlementId))
    .limit(f.limit + 1);
  const page = pageOf(rows, f.limit, (last) => timeAndId.encode([last.at, last.row.settlementId]));
  return {
    rows: page.rows.map((r) => ({ ...r.row, reissuePending: Boolean(r.reissuePending) })),
    nextCursor: page.nextCursor,
  };
}

export async function listPayoutCurrencies(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ currency: settlements.currency })
    .from(settlements)
    .orderBy(asc(settlements.currency))
    .limit(100);
  return rows.map((r) => r.currency);
}

export async function getSettlement(db: Db, settlementId: string): Promise<SettlementRow | null> {
  const [row] = await db.select().from(settlements).where(eq(settlements.settlementId, settlementId)).limit(1);
  return row ?? null;
}

export async function getSettlementsOfImport(db: Db, importId: string): Promise<SettlementRow[]> {
  return db.select().from(settlements).where(eq(settlements.importId, importId)).orderBy(asc(settlements.settlementId));
}

type ImportRef = Pick<SettlementImportRow, 'id' | 'fileName' | 'source' | 'uploadedByEmail' | 'createdAt'>;
export type PayoutReissue = SettlementReissueRow & { newImport: ImportRef | null; replacedImport: ImportRef | null };

export async function listPayoutReissues(db: Db, settlementId: string, limit = 20): Promise<PayoutReissue[]> {
  const rows = await db
    .select()
    .from(settlementReissues)
    .where(eq(settlementReissues.settlementId, settlementId))
    .orderBy(descNullsLast(settlementReissues.createdAt))
    .limit(limit);
  const ids = [
    ...new Set(rows.flatMap((r) => [r.importId, r.replacesImportId]).filter((id): id is string => id !== null)),
  ];
  const imports = ids.length
    ? await db
        .select({
          id: settlementImports.id,
          fileName: settlementImports.fileName,
          source: settlementImports.source,
          uploadedByEmail: settlementImports.uploadedByEmail,
          createdAt: settlementImports.createdAt,
        })
        .from(settlementImports)
        .where(inArray(settlementImports.id, ids))
    : [];
  const byId = new Map(imports.map((i) => [i.id, i]));
  return rows.map((r) => ({
    ...r,
    newImport: byId.get(r.importId) ?? null,
    replacedImport: r.replacesImportId ? (byId.get(r.replacesImportId) ?? null) : null,
  }));
}

/** The settlement id a quarantined line names (its header may spell the column in any case), '' when none. */
const quarantinedSettlementId = sql<string>`coalesce((SELECT trim(e.value) FROM jsonb_each_text(${settlementQuarantine.raw}) e WHERE lower(trim(e.key)) = 'settlement_id' LIMIT 1), '')`;

/** Unreadable lines of a re-issuing import that may belong to the payout (as reconcile.ts counts them). */
export async function listReissueQuarantine(
  db: Db,
  importId: string,
  settlementId: string,
  limit = 50,
): Promise<SettlementQuarantineRow[]> {
  const ofFile = sql`SELECT settlement_id FROM ${settlements} WHERE import_id = ${importId} UNION SELECT settlement_id FROM ${settlementReissues} WHERE import_id = ${importId}`;
  return db
    .select()
    .from(settlementQuarantine)
    .where(
      and(
        eq(settlementQuarantine.importId, importId),
        sql`(${quarantinedSettlementId} = ${settlementId} OR ${quarantinedSettlementId} NOT IN (${ofFile}))`,
      ),
    )
    .orderBy(asc(settlementQuarantine.lineNo))
    .limit(limit);
}

export type ImportListRow = SettlementImportRow & { settlementIds: string[] };

export const importFilterSchema = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(25),
});

export async function listSettlementImports(
  db: Db,
  input: z.input<typeof importFilterSchema>,
): Promise<{ rows: ImportListRow[]; nextCursor: string | null }> {
  const f = importFilterSchema.parse(input);
  const i = settlementImports;
  const after = timeAndId.decode(f.cursor);
  const rows = await db
    .select({ row: i, at: sql<string>`${i.createdAt}::text` })
    .from(i)
    .where(after ? sql`(${i.createdAt}, ${i.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined)
    .orderBy(descNullsLast(i.createdAt), descNullsLast(i.id))
    .limit(f.limit + 1);
  const page = pageOf(rows, f.limit, (last) => timeAndId.encode([last.at, last.row.id]));
  const ids = await settlementIdsByImport(
    db,
    page.rows.map((r) => r.row.id),
  );
  return {
    rows: page.rows.map((r) => ({ ...r.row, settlementIds: ids.get(r.row.id) ?? [] })),
    nextCursor: page.nextCursor,
  };
}

async function settlementIdsByImport(db: Db, importIds: string[]): Promise<Map<string, string[]>> {
  if (!importIds.length) return new Map();
  const rows = await db
    .select({ importId: settlements.importId, settlementId: settlements.settlementId })
    .from(settlements)
    .where(inArray(settlements.importId, importIds))
    .orderBy(asc(settlements.settlementId));
  const byImport = new Map<string, string[]>();
  for (const r of rows) byImport.set(r.importId, [...(byImport.get(r.importId) ?? []), r.settlementId]);
  return byImport;
}

export async function getSettlementImport(db: Db, importId: string): Promise<SettlementImportRow | null> {
  const [row] = await db.select().from(settlementImports).where(eq(settlementImports.id, importId)).limit(1);
  return row ?? null;
}

export async function listQuarantine(
  db: Db,
  importId: string,
  options: { after?: number; limit?: number } = {},
): Promise<{ rows: SettlementQuarantineRow[]; nextAfter: number | null }> {
  const limit = options.limit ?? 100;
  const rows = await db
    .select()
    .from(settlementQuarantine)
    .where(and(eq(settlementQuarantine.importId, importId), gt(settlementQuarantine.lineNo, options.after ?? 0)))
    .orderBy(asc(settlementQuarantine.lineNo))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { rows: page, nextAfter: more ? page.at(-1)!.lineNo : null };
}

export const activeImportStatuses = ['queued', 'importing', 'reconciling'] as const;

export async function listActiveImports(db: Db, limit = 20): Promise<SettlementImportRow[]> {
  return db
    .select()
    .from(settlementImports)
    .where(inArray(settlementImports.status, [...activeImportStatuses]))
    .orderBy(descNullsLast(settlementImports.createdAt))
    .limit(limit);
}

/** A verdict to filter lines by, or `open`: needs attention and not resolved yet. */
export const lineFilters = [...lineVerdicts, 'open'] as const;
export type LineFilter = LineVerdict | 'open';
export const isLineFilter = (value: string | undefined): value is LineFilter =>
  (lineFilters as readonly string[]).includes(value ?? '');

type PayoutRef = Pick<SettlementRow, 'settlementId' | 'importId'>;
const linesOf = (p: PayoutRef) =>
  and(eq(settlementLines.importId, p.importId), eq(settlementLines.settlementId, p.settlementId));

type VerdictCounts = { byVerdict: Partial<Record<LineVerdict, number>>; open: number };

/** Lines needing attention are counted live (few, partial index); the rest come from counts stored at
 * reconciliation, so a million-line payout is never counted per request. */
export async function countLineVerdicts(
  db: Db,
  payout: PayoutRef & Pick<SettlementRow, 'matchedCount' | 'adjustmentCount'>,
): Promise<VerdictCounts> {
  const l = settlementLines;
  const attention = await db
    .select({
      verdict: l.verdict,
      count: sql<number>`count(*)`.mapWith(Number),
      open: sql<number>`count(*) filter (where ${l.resolvedAt} is null)`.mapWith(Number),
    })
    .from(l)
    .where(and(linesOf(payout), sql`${l.verdict} not in (${settledSql})`))
    .groupBy(l.verdict);
  const byVerdict: Partial<Record<LineVerdict, number>> = {};
  const matched = payout.matchedCount - payout.adjustmentCount;
  if (matched > 0) byVerdict.matched = matched;
  if (payout.adjustmentCount > 0) byVerdict.adjustment = payout.adjustmentCount;
  let open = 0;
  for (const r of attention) {
    byVerdict[r.verdict as LineVerdict] = r.count;
    open += r.open;
  }
  return { byVerdict, open };
}

export type LineListRow = SettlementLineRow & { transactionKnown: boolean };

export const lineListSchema = z.object({
  verdict: z.enum(lineFilters).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

export async function listSettlementLines(
  db: Db,
  payout: PayoutRef,
  input: z.input<typeof lineListSchema>,
): Promise<{ rows: LineListRow[]; nextCursor: string | null }> {
  const f = lineListSchema.parse(input);
  const l = settlementLines;
  const where: SQL[] = [linesOf(payout)!];
  if (f.verdict === 'open') where.push(sql`${l.verdict} not in (${settledSql})`, isNull(l.resolvedAt));
  else if (f.verdict) where.push(eq(l.verdict, f.verdict));
  const after = lineCursor.decode(f.cursor);
  if (after) where.push(sql`${l.lineNo} > ${after[0]}`);
  const rows = await db
    .select({ line: l, known: paymentTransactions.paymentTransactionId })
    .from(l)
    .leftJoin(paymentTransactions, eq(paymentTransactions.paymentTransactionId, l.paymentTransactionId))
    .where(and(...where))
    .orderBy(asc(l.lineNo))
    .limit(f.limit + 1);
  const page = pageOf(rows, f.limit, (last) => lineCursor.encode([last.line.lineNo]));
  return {
    rows: page.rows.map((r) => ({ ...r.line, transactionKnown: r.known !== null })),
    nextCursor: page.nextCursor,
  };
}

export type MissingListRow = SettlementMissingRow & { transactionKnown: boolean };

export async function listSettlementMissing(
  db: Db,
  payout: PayoutRef,
  input: { cursor?: string; limit?: number } = {},
): Promise<{ rows: MissingListRow[]; nextCursor: string | null }> {
  const limit = z.number().int().min(1).max(1000).default(50).parse(input.limit);
  const m = settlementMissing;
  const where: SQL[] = [eq(m.importId, payout.importId), eq(m.settlementId, payout.settlementId)];
  const after = timeAndId.decode(input.cursor);
  if (after) where.push(sql`(${m.occurredAt}, ${m.operationId}) > (${after[0]}::timestamptz, ${after[1]})`);
  const rows = await db
    .select({ row: m, at: sql<string>`${m.occurredAt}::text`, known: paymentTransactions.paymentTransactionId })
    .from(m)
    .leftJoin(paymentTransactions, eq(paymentTransactions.paymentTransactionId, m.paymentTransactionId))
    .where(and(...where))
    .orderBy(asc(m.occurredAt), asc(m.operationId))
    .limit(limit + 1);
  const page = pageOf(rows, limit, (last) => timeAndId.encode([last.at, last.row.operationId]));
  return {
    rows: page.rows.map((r) => ({ ...r.row, transactionKnown: r.known !== null })),
    nextCursor: page.nextCursor,
  };
}

/** Only `keys` of a table's columns: a select that reads what it writes. */
function pickColumns<C extends Record<string, unknown>, K extends keyof C>(columns: C, keys: readonly K[]): Pick<C, K> {
  return Object.fromEntries(keys.map((k) => [k, columns[k]])) as Pick<C, K>;
}
const lineCsvSelection = pickColumns(getTableColumns(settlementLines), settlementLineCsvColumns);
const missingCsvSelection = pickColumns(getTableColumns(settlementMissing), settlementMissingCsvColumns);

/**
 * A page of the payout's lines for its CSV export, after line `afterLineNo`, in file order: only
 * the columns the CSV writes (no Klarna extras, no join: the CSV does not say whether we know the transaction).
 */
export async function listSettlementLinesForCsv(
  db: Db,
  payout: PayoutRef,
  page: { afterLineNo: number; limit: number },
): Promise<SettlementLineCsvSource[]> {
  return db
    .select(lineCsvSelection)
    .from(settlementLines)
    .where(and(linesOf(payout), gt(settlementLines.lineNo, page.afterLineNo)))
    .orderBy(asc(settlementLines.lineNo))
    .limit(page.limit);
}

/** A page of the payout's missing captures and refunds for its CSV export, in the list's order (occurred, operation). */
export async function listSettlementMissingForCsv(
  db: Db,
  payout: PayoutRef,
  page: { after: [string, string] | null; limit: number },
): Promise<{ rows: SettlementMissingCsvSource[]; after: [string, string] | null }> {
  const m = settlementMissing;
  const where: SQL[] = [eq(m.importId, payout.importId), eq(m.settlementId, payout.settlementId)];
  if (page.after)
    where.push(sql`(${m.occurredAt}, ${m.operationId}) > (${page.after[0]}::timestamptz, ${page.after[1]})`);
  const rows = await db
    .select({ ...missingCsvSelection, at: sql<string>`${m.occurredAt}::text` })
    .from(m)
    .where(and(...where))
    .orderBy(asc(m.occurredAt), asc(m.operationId))
    .limit(page.limit);
  const last = rows.at(-1);
  return {
    rows: rows.map(({ at: _at, ...row }) => row),
    after: rows.length === page.limit && last ? [last.at, last.operationId] : null,
  };
}

// Overview charts: aggregates over `settlements` (one row per payout); the fee share needs lines, so it is cached.

export type PayoutPoint = { day: string; currency: string; net: number; payouts: number };

export async function payoutsOverTime(db: Db, limit = 365): Promise<PayoutPoint[]> {
  const dayOf = sql<string>`to_char(${settlements.periodEnd} at time zone 'UTC', 'YYYY-MM-DD')`;
  const rows = await db
    .select({
      day: dayOf,
      currency: settlements.currency,
      net: sql<number>`sum(${settlements.net})`.mapWith(Number),
      payouts: sql<number>`count(*)`.mapWith(Number),
    })
    .from(settlements)
    .groupBy(dayOf, settlements.currency)
    .orderBy(desc(dayOf), desc(settlements.currency))
    .limit(limit);
  return rows.reverse();
}

export type MatchRatePoint = { day: string; lines: number; matched: number; open: number };

export async function matchRateOverTime(db: Db, limit = 90): Promise<MatchRatePoint[]> {
  const dayOf = sql<string>`to_char(${settlements.periodEnd} at time zone 'UTC', 'YYYY-MM-DD')`;
  const rows = await db
    .select({
      day: dayOf,
      lines: sql<number>`sum(${settlements.lineCount})`.mapWith(Number),
      matched: sql<number>`sum(${settlements.matchedCount})`.mapWith(Number),
      open: sql<number>`sum(${settlements.openCount} + ${settlements.missingCount})`.mapWith(Number),
    })
    .from(settlements)
    .groupBy(dayOf)
    .orderBy(desc(dayOf))
    .limit(limit);
  return rows.reverse();
}

export type FeeShareRow = {
  accountId: string;
  merchantName: string | null;
  currency: string;
  fees: number;
  captured: number;
};

/** Fees (with VAT) as a share of captured volume per merchant and currency, from per-import merchant sums. */
export async function feeShareByMerchant(
  db: Db,
  options: { payouts?: number; limit?: number } = {},
): Promise<FeeShareRow[]> {
  const payouts = options.payouts ?? 24;
  const limit = options.limit ?? 10;
  const m = settlementMerchantTotals;
  const latest = db
    .select({ settlementId: settlements.settlementId, importId: settlements.importId })
    .from(settlements)
    .orderBy(descNullsLast(settlements.periodEnd), asc(settlements.settlementId))
    .limit(payouts)
    .as('latest');
  const captured = sql<number>`sum(${m.captured})`.mapWith(Number);
  return db
    .select({
      accountId: m.accountId,
      merchantName: merchantAccounts.accountName,
      currency: m.currency,
      fees: sql<number>`sum(${m.fees})`.mapWith(Number),
      captured,
    })
    .from(latest)
    .innerJoin(m, and(eq(m.importId, latest.importId), eq(m.settlementId, latest.settlementId)))
    .leftJoin(merchantAccounts, eq(merchantAccounts.accountId, m.accountId))
    .groupBy(m.accountId, merchantAccounts.accountName, m.currency)
    .having(sql`sum(${m.captured}) > 0`)
    .orderBy(desc(captured), asc(m.accountId), asc(m.currency))
    .limit(limit);
}
