import 'server-only';
import { and, asc, desc, eq, getTableColumns, gte, like, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { executePrepared, type Db } from '@/db/client';
import {
  paymentOperations,
  paymentTimeline,
  paymentTransactions,
  type PaymentTimelineRow,
  type PaymentTransactionRow,
} from '@/db/schema';
import type { Capture, PaymentPricing, PaymentTransaction, Refund } from '@/lib/klarna/schemas/payments';
import { publishDomainEvent } from '@/lib/domain-events';
import { descNullsLast, pageOf } from '@/lib/pagination';
import { formatMinorUnits } from '@/lib/ui/money';

type TimelineEntry = Omit<typeof paymentTimeline.$inferInsert, 'id'>;

export async function addPaymentTimeline(db: Pick<Db, 'insert'>, entry: TimelineEntry): Promise<void> {
  await db.insert(paymentTimeline).values(entry).onConflictDoNothing();
}

const amountsOf = (
  t: Pick<
    PaymentTransaction,
    'authorized_amount' | 'captured_amount' | 'refunded_amount' | 'remaining_authorized_amount'
  >,
) => ({
  authorizedAmount: t.authorized_amount,
  capturedAmount: t.captured_amount,
  refundedAmount: t.refunded_amount,
  remainingAuthorizedAmount: t.remaining_authorized_amount,
});

/** Klarna's states in the order a transaction passes through them (seed, "Payment transaction state definition"). */
const stateRank = (state: SQL) =>
  sql`(case ${state} when 'AUTHORIZED' then 0 when 'EXPIRED' then 1 when 'COMPLETED' then 2 when 'CLOSED' then 3 end)`;

/** The upsert's guard: a view replaces the cached one only when not older. Klarna never un-captures and its
 * operation count only grows, so more wins whatever the clocks say; on a tie `updated_at`, then the later state. */
function notOlder(): SQL {
  const t = paymentTransactions;
  const incomingOps = sql`excluded.klarna_operations`;
  return sql`excluded.captured_amount >= ${t.capturedAmount} and excluded.refunded_amount >= ${t.refundedAmount}
    and (${incomingOps} is null or ${t.klarnaOperations} is null or ${incomingOps} >= ${t.klarnaOperations})
    and (excluded.captured_amount > ${t.capturedAmount} or excluded.refunded_amount > ${t.refundedAmount}
      or coalesce(${incomingOps} > ${t.klarnaOperations}, false)
      or excluded.klarna_updated_at > ${t.klarnaUpdatedAt}
      or (excluded.klarna_updated_at = ${t.klarnaUpdatedAt} and coalesce(${stateRank(sql`excluded.state`)} >= ${stateRank(sql`${t.state}`)}, true)))`;
}
/** An incoming view that does not say its operation count keeps the one known. */
const keptOperations = () => sql`coalesce(excluded.klarna_operations, ${paymentTransactions.klarnaOperations})`;

/** Stores Klarna's full view unless a newer one is cached; with `source: 'sync'` a difference is logged as drift. */
export async function savePaymentTransaction(
  db: Db,
  transaction: PaymentTransaction,
  accountId: string,
  source: 'dashboard' | 'sync',
): Promise<PaymentTransactionRow> {
  const updatedAt = new Date(transaction.updated_at);
  const [before] = await db
    .select()
    .from(paymentTransactions)
    .where(eq(paymentTransactions.paymentTransactionId, transaction.payment_transaction_id))
    .limit(1);
  const values = {
    paymentTransactionId: transaction.payment_transaction_id,
    accountId,
    paymentRequestId: transaction.payment_request_id ?? null,
    state: transaction.state,
    currency: transaction.currency,
    ...amountsOf(transaction),
    merchantReference: transaction.merchant_reference ?? null,
    paymentReference: transaction.payment_reference ?? null,
    expiresAt: transaction.expires_at ? new Date(transaction.expires_at) : null,
    klarnaCreatedAt: new Date(transaction.created_at),
    klarnaUpdatedAt: updatedAt,
    klarnaOperations: transaction.operations_count ?? null,
    klarna: transaction as Record<string, unknown>,
    lastSyncedAt: new Date(),
    updatedAt: new Date(),
  };
  const [row] = await db
    .insert(paymentTransactions)
    .values(values)
    .onConflictDoUpdate({
      target: paymentTransactions.paymentTransactionId,
      set: { ...values, klarnaOperations: keptOperations() },
      setWhere: notOlder(),
    })
    .returning();
  await saveOperations(
    db,
    {
      paymentTransactionId: transaction.payment_transaction_id,
      accountId,
      currency: transaction.currency,
      pricing: transaction.payment_pricing ?? null,
    },
    transaction.captures,
    transaction.refunds,
  );
  if (before && source === 'sync' && row) {
    const drift = (
      ['state', 'authorizedAmount', 'capturedAmount', 'refundedAmount', 'remainingAuthorizedAmount'] as const
    ).filter((k) => before[k] !== row[k]);
    if (drift.length) {
      await addPaymentTimeline(db, {
        paymentTransactionId: row.paymentTransactionId,
        paymentRequestId: row.paymentRequestId,
        occurredAt: new Date(),
        source: 'sync',
        kind: 'drift_repaired',
        summary: `Refreshed from Klarna: ${drift.map((k) => (k === 'state' ? `state ${before[k]} → ${row[k]}` : `${driftWords[k]} ${formatMinorUnits(before[k], row.currency)} → ${formatMinorUnits(row[k], row.currency)}`)).join(', ')}`,
        currency: row.currency,
        details: {
          before: Object.fromEntries(drift.map((k) => [k, before[k]])),
          after: Object.fromEntries(drift.map((k) => [k, row[k]])),
        },
      });
    }
  }
  return row ?? before!;
}

const driftWords = {
  authorizedAmount: 'authorized',
  capturedAmount: 'captured',
  refundedAmount: 'refunded',
  remainingAuthorizedAmount: 'remaining',
} as const;

type OperationOwner = {
  paymentTransactionId: string;
  accountId: string;
  currency: string;
  pricing: PaymentPricing | null;
};

/** Captures and refunds as `payment_operations`; a capture keeps its first rate (fees use the rate of the time). */
export async function saveOperations(
  db: Db,
  owner: OperationOwner,
  captures: readonly Capture[],
  refunds: readonly Refund[],
): Promise<void> {
  const rate = owner.pricing?.rate;
  const common = {
    paymentTransactionId: owner.paymentTransactionId,
    accountId: owner.accountId,
    currency: owner.currency,
  };
  const rows: (typeof paymentOperations.$inferInsert)[] = [
    ...captures.map((c) => ({
      ...common,
      operationId: c.payment_capture_id,
      kind: 'capture' as const,
      amount: c.amount,
      paymentCaptureId: null,
      reference: c.capture_reference ?? null,
      occurredAt: new Date(c.created_at),
      rateFixed: rate?.fixed ?? null,
      rateVariable: rate?.variable ?? null,
      taxFixed: rate?.tax?.fixed ?? null,
      taxVariable: rate?.tax?.variable ?? null,
    })),
    ...refunds.map((r) => ({
      ...common,
      operationId: r.payment_refund_id,
      kind: 'refund' as const,
      amount: r.amount,
      paymentCaptureId: r.payment_capture_id ?? null,
      reference: r.refund_reference ?? null,
      occurredAt: new Date(r.created_at),
    })),
  ];
  if (!rows.length) return;
  const saved = await db
    .insert(paymentOperations)
    .values(rows)
    .onConflictDoUpdate({
      target: paymentOperations.operationId,
      set: {
        amount: sql`excluded.amount`,
        reference: sql`excluded.reference`,
        rateFixed: sql`coalesce(${paymentOperations.rateFixed}, excluded.rate_fixed)`,
        rateVariable: sql`coalesce(${paymentOperations.rateVariable}, excluded.rate_variable)`,
        taxFixed: sql`coalesce(${paymentOperations.taxFixed}, excluded.tax_fixed)`,
        taxVariable: sql`coalesce(${paymentOperations.taxVariable}, excluded.tax_variable)`,
      },
    })
    .returning({ occurredAt: paymentOperations.occurredAt, inserted: sql<boolean>`(xmax = 0)` });
  // New to us: if its payout was already reconciled, that payout's verdicts change (settlements listens).
  const learnt = saved.filter((row) => row.inserted).map((row) => ({ ...common, occurredAt: row.occurredAt }));
  if (learnt.length) await publishDomainEvent('payment-operations.learnt', { db, operations: learnt });
}

/** Applies a webhook's amounts and state unless a newer view is cached; an unknown transaction gets a row. */
export async function applyTransactionSnapshot(
  db: Db,
  snapshot: {
    paymentTransactionId: string;
    accountId: string;
    state: string;
    currency: string;
    authorizedAmount: number;
    capturedAmount: number;
    refundedAmount: number;
    remainingAuthorizedAmount: number;
    operationsCount?: number | null;
    paymentRequestId?: string | null;
    /** Left as they are when the event does not carry them (undefined). */
    merchantReference?: string | null;
    paymentReference?: string | null;
    expiresAt?: Date | null;
  },
  at: Date,
): Promise<boolean> {
  const { operationsCount, ...rest } = snapshot;
  const values = {
    ...rest,
    paymentRequestId: snapshot.paymentRequestId ?? null,
    klarnaOperations: operationsCount ?? null,
    klarnaUpdatedAt: at,
    updatedAt: new Date(),
  };
  const carried = Object.fromEntries(
    (['merchantReference', 'paymentReference', 'expiresAt'] as const)
      .filter((k) => snapshot[k] !== undefined)
      .map((k) => [k, snapshot[k]]),
  );
  const rows = await db
    .insert(paymentTransactions)
    .values({ ...values, klarnaCreatedAt: at })
    .onConflictDoUpdate({
      target: paymentTransactions.paymentTransactionId,
      set: {
        state: values.state,
        authorizedAmount: values.authorizedAmount,
        capturedAmount: values.capturedAmount,
        refundedAmount: values.refundedAmount,
        remainingAuthorizedAmount: values.remainingAuthorizedAmount,
        ...carried,
        klarnaOperations: keptOperations(),
        klarnaUpdatedAt: at,
        updatedAt: values.updatedAt,
      },
      setWhere: notOlder(),
    })
    .returning({ id: paymentTransactions.paymentTransactionId });
  return rows.length > 0;
}

export const paymentSorts = ['created_desc', 'created_asc', 'amount_desc', 'amount_asc'] as const;
const minor = z.coerce.number().int('whole minor units').min(0).max(Number.MAX_SAFE_INTEGER);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const paymentFilterSchema = z.object({
  account: z.string().trim().min(1).max(300).optional(),
  state: z.string().trim().min(1).max(40).optional(),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/, 'a three-letter currency code')
    .optional(),
  /** Authorized amount range, in minor units. */
  min: minor.optional(),
  max: minor.optional(),
  from: day.optional(),
  to: day.optional(),
  /** A merchant or payment reference (its start), or a transaction id. */
  q: z.string().trim().min(1).max(255).optional(),
  sort: z.enum(paymentSorts).default('created_desc'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PaymentFilter = z.input<typeof paymentFilterSchema>;

type Cursor = [number | string, string];
const cursorSchema = z.tuple([z.union([z.number(), z.string()]), z.string().min(1)]);
const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))) as Cursor;
  } catch {
    return null;
  }
}

const { klarna: _klarna, ...listColumns } = getTableColumns(paymentTransactions);
/** A row of the payments list and its export: every column but Klarna's ~1 kB JSON of the transaction. */
export type PaymentListRow = Omit<PaymentTransactionRow, 'klarna'>;

type ParsedPaymentFilter = z.output<typeof paymentFilterSchema>;
type KeysetRow = Pick<PaymentTransactionRow, 'authorizedAmount' | 'klarnaCreatedAt' | 'paymentTransactionId'>;

/** The list's conditions, order and cursor, shared by the page and the export so both read the same rows. */
function listPlan(f: ParsedPaymentFilter) {
  const t = paymentTransactions;
  const where: SQL[] = [];
  if (f.account) where.push(eq(t.accountId, f.account));
  if (f.state) where.push(eq(t.state, f.state));
  if (f.currency) where.push(eq(t.currency, f.currency));
  if (f.min !== undefined) where.push(gte(t.authorizedAmount, f.min));
  if (f.max !== undefined) where.push(lte(t.authorizedAmount, f.max));
  if (f.from) where.push(gte(t.klarnaCreatedAt, new Date(`${f.from}T00:00:00Z`)));
  if (f.to) where.push(lt(t.klarnaCreatedAt, new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000)));
  if (f.q) {
    const prefix = `${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      or(eq(t.paymentTransactionId, f.q), like(t.merchantReference, prefix), like(t.paymentReference, prefix))!,
    );
  }
  const byAmount = f.sort.startsWith('amount');
  const descending = f.sort.endsWith('desc');
  const key = byAmount ? t.authorizedAmount : t.klarnaCreatedAt;
  const after = decode(f.cursor);
  if (after) {
    // A row-value comparison is an index range bound; `a < x OR (a = x AND id < y)` is only a filter.
    const value = byAmount ? Number(after[0]) : new Date(String(after[0]));
    where.push(
      sql`(${key}, ${t.paymentTransactionId}) ${sql.raw(descending ? '<' : '>')} (${sql.param(value, key)}, ${after[1]})`,
    );
  }
  // The created indexes are DESC NULLS LAST; drizzle's desc() means NULLS FIRST, which cannot use them.
  const order = byAmount
    ? descending
      ? [desc(key), desc(t.paymentTransactionId)]
      : [asc(key), asc(t.paymentTransactionId)]
    : descending
      ? [sql`${key} desc nulls last`, sql`${t.paymentTransactionId} desc nulls last`]
      : [sql`${key} asc nulls first`, sql`${t.paymentTransactionId} asc nulls first`];
  return {
    where: where.length ? and(...where) : undefined,
    order,
    cursorOf: (last: KeysetRow) =>
      encode([byAmount ? last.authorizedAmount : last.klarnaCreatedAt.toISOString(), last.paymentTransactionId]),
  };
}

/** The payments list: indexed filters, keyset-paged on (sort key, id) so page 500 costs what page 1 does. */
export async function listPayments(
  db: Db,
  input: PaymentFilter,
): Promise<{ rows: PaymentListRow[]; nextCursor: string | null }> {
  const f = paymentFilterSchema.parse(input);
  const plan = listPlan(f);
  const rows = await db
    .select(listColumns)
    .from(paymentTransactions)
    .where(plan.where)
    .orderBy(...plan.order)
    .limit(f.limit + 1);
  return pageOf(rows, f.limit, plan.cursorOf);
}

const pt = paymentTransactions;
/** The export's columns, each as text (the same on both drivers); times as UTC text, see `utcIso`. */
const exportFields = {
  id: sql<string>`${pt.paymentTransactionId}`.as('id'),
  accountId: sql<string>`${pt.accountId}`.as('account_id'),
  merchantReference: sql<string | null>`${pt.merchantReference}`.as('merchant_reference'),
  paymentReference: sql<string | null>`${pt.paymentReference}`.as('payment_reference'),
  state: sql<string>`${pt.state}`.as('state'),
  currency: sql<string>`${pt.currency}`.as('currency'),
  authorized: sql<string>`${pt.authorizedAmount}::text`.as('authorized'),
  captured: sql<string>`${pt.capturedAmount}::text`.as('captured'),
  refunded: sql<string>`${pt.refundedAmount}::text`.as('refunded'),
  remaining: sql<string>`${pt.remainingAuthorizedAmount}::text`.as('remaining'),
  created: sql<string>`(${pt.klarnaCreatedAt} at time zone 'UTC')::text`.as('created'),
  expires: sql<string | null>`(${pt.expiresAt} at time zone 'UTC')::text`.as('expires'),
};
export type PaymentExportRow = {
  id: string;
  account_id: string;
  merchant_reference: string | null;
  payment_reference: string | null;
  state: string;
  currency: string;
  authorized: string;
  captured: string;
  refunded: string;
  remaining: string;
  created: string;
  expires: string | null;
};

/** A UTC timestamp as Postgres writes it in text (`2026-01-02 03:04:05.678901`) as `Date.toISOString` writes it. */
export function utcIso(text: string): string {
  const fraction = text.length > 20 ? text.slice(20, 23) : '';
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction.padEnd(3, '0')}Z`;
}

/** The export's query: the list's filters and order, only the CSV's columns. Without `page`, every row (for a
 * cursor); with it, the keyset page after `page.after` (a driver that pages); never the URL's `cursor`/`limit`. */
export function paymentsExportQuery(
  db: Db,
  input: PaymentFilter,
  page?: { after: PaymentExportRow | null; size: number },
): SQL {
  const f = paymentFilterSchema.parse({ ...input, cursor: undefined, limit: undefined });
  const after = page?.after;
  if (after)
    f.cursor = encode([f.sort.startsWith('amount') ? Number(after.authorized) : utcIso(after.created), after.id]);
  const plan = listPlan(f);
  const query = db
    .select(exportFields)
    .from(paymentTransactions)
    .where(plan.where)
    .orderBy(...plan.order);
  return (page ? query.limit(page.size) : query).getSQL();
}

export async function getCachedPayment(db: Db, paymentTransactionId: string): Promise<PaymentTransactionRow | null> {
  const [row] = await db
    .select()
    .from(paymentTransactions)
    .where(eq(paymentTransactions.paymentTransactionId, paymentTransactionId))
    .limit(1);
  return row ?? null;
}

export async function listPaymentTimeline(
  db: Db,
  ids: { paymentTransactionId: string; paymentRequestId?: string | null },
  limit = 200,
): Promise<PaymentTimelineRow[]> {
  const match = ids.paymentRequestId
    ? or(
        eq(paymentTimeline.paymentTransactionId, ids.paymentTransactionId),
        eq(paymentTimeline.paymentRequestId, ids.paymentRequestId),
      )
    : eq(paymentTimeline.paymentTransactionId, ids.paymentTransactionId);
  return db
    .select()
    .from(paymentTimeline)
    .where(match)
    .orderBy(descNullsLast(paymentTimeline.occurredAt), descNullsLast(paymentTimeline.id))
    .limit(limit);
}

/** A fingerprint for live pages to poll: two index probes whatever the table size (every write sets `updated_at`). */
export async function paymentsVersion(db: Db, paymentTransactionId?: string): Promise<string> {
  // Prepared once per connection: one round trip per poll (every open payments page polls).
  const [row] = await executePrepared<{ updated: string | null; timeline: string | null }>(
    db,
    paymentTransactionId
      ? sql`select
          (select max(${paymentTransactions.updatedAt})::text from ${paymentTransactions}
            where ${paymentTransactions.paymentTransactionId} = ${paymentTransactionId}) as updated,
          (select max(${paymentTimeline.id})::text from ${paymentTimeline}
            where ${paymentTimeline.paymentTransactionId} = ${paymentTransactionId}) as timeline`
      : sql`select
          (select max(${paymentTransactions.updatedAt})::text from ${paymentTransactions}) as updated,
          (select max(${paymentTimeline.id})::text from ${paymentTimeline}) as timeline`,
  );
  return `${row?.updated ?? '-'}|${row?.timeline ?? '-'}`;
}
