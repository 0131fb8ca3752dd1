import 'server-only';
import { and, eq, gt, ilike, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { merchantAccounts, merchantTimeline, type MerchantAccountRow, type MerchantTimelineRow } from '@/db/schema';
import type { Account } from '@/lib/klarna/schemas/accounts';
import { descNullsLast, pageOf } from '@/lib/pagination';

type TimelineEntry = Omit<typeof merchantTimeline.$inferInsert, 'id'>;

/** Stores Klarna's view of an account; an older state (a webhook overtook this read) is kept, a change logged. */
export async function saveAccount(
  db: Db,
  account: Account,
  extra: { channelsCount?: number; onboardedBy?: string | null; source: 'dashboard' | 'sync'; readAt?: Date } = {
    source: 'sync',
  },
): Promise<MerchantAccountRow> {
  const readAt = extra.readAt ?? new Date();
  const product = account.products.find((p) => p.type === 'PAYMENT') ?? account.products[0];
  const [before] = await db
    .select()
    .from(merchantAccounts)
    .where(eq(merchantAccounts.accountId, account.account_id))
    .limit(1);
  const values = {
    accountId: account.account_id,
    accountReference: account.account_reference,
    accountName: account.account_name,
    state: account.state,
    productInstanceId: product?.product_instance_id ?? null,
    productState: product?.state ?? null,
    mcc: product?.merchant_category_code ?? null,
    pricePlanId: product?.price_plan_id ?? null,
    settlementConfigurationId: account.settlement_configuration_id ?? null,
    accountOwner: account.account_owner as Record<string, unknown>,
    klarna: account as Record<string, unknown>,
    klarnaCreatedAt: new Date(account.created_at),
    lastSyncedAt: readAt,
    updatedAt: new Date(),
    ...(extra.channelsCount !== undefined ? { channelsCount: extra.channelsCount } : {}),
  };
  // A webhook newer than this read already set a later state: keep it.
  const keepState = before?.stateChangedAt && before.stateChangedAt > readAt;
  const keepProduct = before?.productStateChangedAt && before.productStateChangedAt > readAt;
  // A webhook may have arrived between Klarna's answer and now: its newer state wins over this read.
  const newer = before ? null : await newerWebhookStates(db, account.account_id, readAt);
  const stateValues = {
    ...(keepState ? { state: before.state } : {}),
    ...(keepProduct ? { productState: before.productState } : {}),
    ...(newer?.account_state
      ? { state: newer.account_state.state!, stateChangedAt: newer.account_state.occurredAt }
      : {}),
    ...(newer?.product_state
      ? { productState: newer.product_state.state!, productStateChangedAt: newer.product_state.occurredAt }
      : {}),
  };
  // Pages poll max(updated_at): it moves only when something shown changed, not on every read.
  const merged = { ...values, ...stateValues };
  const unchanged =
    before &&
    (
      [
        'accountReference',
        'accountName',
        'state',
        'productInstanceId',
        'productState',
        'mcc',
        'pricePlanId',
        'settlementConfigurationId',
      ] as const
    ).every((k) => before[k] === merged[k]) &&
    (extra.channelsCount === undefined || before.channelsCount === extra.channelsCount) &&
    (before.klarna as { updated_at?: string } | null)?.updated_at === account.updated_at;
  const [row] = await db
    .insert(merchantAccounts)
    .values({ ...merged, onboardedBy: extra.onboardedBy ?? null })
    .onConflictDoUpdate({
      target: merchantAccounts.accountId,
      set: { ...merged, ...(unchanged ? { updatedAt: before.updatedAt } : {}) },
    })
    .returning();
  if (before && extra.source === 'sync') {
    const entries: TimelineEntry[] = [];
    if (!keepState && before.state !== values.state) {
      entries.push({
        accountId: values.accountId,
        occurredAt: readAt,
        source: 'sync',
        kind: 'account_state',
        summary: `Account ${values.state} (found on reading from Klarna; was ${before.state} here)`,
        state: values.state,
        previousState: before.state,
      });
    }
    if (!keepProduct && before.productState && values.productState && before.productState !== values.productState) {
      entries.push({
        accountId: values.accountId,
        occurredAt: readAt,
        source: 'sync',
        kind: 'product_state',
        summary: `Payment product ${values.productState} (found on reading from Klarna; was ${before.productState} here)`,
        state: values.productState,
        previousState: before.productState,
      });
    }
    if (entries.length) await db.insert(merchantTimeline).values(entries);
  }
  return row!;
}

async function newerWebhookStates(db: Db, accountId: string, after: Date) {
  const rows = await db
    .select()
    .from(merchantTimeline)
    .where(
      and(
        eq(merchantTimeline.accountId, accountId),
        eq(merchantTimeline.source, 'webhook'),
        gt(merchantTimeline.occurredAt, after),
      ),
    )
    .orderBy(descNullsLast(merchantTimeline.occurredAt), descNullsLast(merchantTimeline.id));
  const latest: Partial<Record<'account_state' | 'product_state', MerchantTimelineRow>> = {};
  for (const row of rows)
    if ((row.kind === 'account_state' || row.kind === 'product_state') && row.state && !latest[row.kind])
      latest[row.kind] = row;
  return latest;
}

export async function addTimeline(db: Pick<Db, 'insert'>, entry: TimelineEntry): Promise<void> {
  await db.insert(merchantTimeline).values(entry).onConflictDoNothing();
}

export const merchantFilterSchema = z.object({
  q: z.string().trim().max(200).optional(),
  state: z.string().trim().max(40).optional(),
  product: z.string().trim().max(40).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type MerchantFilter = z.input<typeof merchantFilterSchema>;

const cursorSchema = z.tuple([z.iso.datetime({ offset: true }), z.string().min(1)]);
function encodeCursor(row: MerchantAccountRow): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.accountId])).toString('base64url');
}
function decodeCursor(cursor: string | undefined): [Date, string] | null {
  if (!cursor) return null;
  try {
    const [at, id] = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return [new Date(at), id];
  } catch {
    return null;
  }
}

export async function listMerchants(
  db: Db,
  input: MerchantFilter,
): Promise<{ rows: MerchantAccountRow[]; nextCursor: string | null }> {
  const filter = merchantFilterSchema.parse(input);
  const where: SQL[] = [];
  if (filter.state) where.push(eq(merchantAccounts.state, filter.state));
  if (filter.product) where.push(eq(merchantAccounts.productState, filter.product));
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      or(
        ilike(merchantAccounts.accountName, like),
        ilike(merchantAccounts.accountReference, like),
        ilike(merchantAccounts.accountId, like),
      )!,
    );
  }
  const after = decodeCursor(filter.cursor);
  if (after) {
    // A row comparison, so Postgres starts the index scan at the cursor instead of filtering.
    where.push(
      sql`(${merchantAccounts.createdAt}, ${merchantAccounts.accountId}) < (${after[0].toISOString()}::timestamptz, ${after[1]})`,
    );
  }
  const rows = await db
    .select()
    .from(merchantAccounts)
    .where(where.length ? and(...where) : undefined)
    .orderBy(descNullsLast(merchantAccounts.createdAt), descNullsLast(merchantAccounts.accountId))
    .limit(filter.limit + 1);
  return pageOf(rows, filter.limit, encodeCursor);
}

export async function getCachedMerchant(db: Db, accountId: string): Promise<MerchantAccountRow | null> {
  const [row] = await db.select().from(merchantAccounts).where(eq(merchantAccounts.accountId, accountId)).limit(1);
  return row ?? null;
}

export async function listTimeline(db: Db, accountId: string, limit = 100): Promise<MerchantTimelineRow[]> {
  return db
    .select()
    .from(merchantTimeline)
    .where(eq(merchantTimeline.accountId, accountId))
    .orderBy(descNullsLast(merchantTimeline.occurredAt), descNullsLast(merchantTimeline.id))
    .limit(limit);
}

/** A fingerprint of the merchants cache (or one account) that pages poll: webhook updates show without a reload.
 * Two index probes, never a count: every write moves `updated_at` (merchants are never deleted) or adds to the timeline. */
export async function merchantsVersion(db: Db, accountId?: string): Promise<string> {
  const [row] = await db
    .select({
      updated: sql<
        string | null
      >`(select max(${merchantAccounts.updatedAt})::text from ${merchantAccounts}${accountId ? sql` where ${merchantAccounts.accountId} = ${accountId}` : sql``})`,
      timeline: sql<
        string | null
      >`(select max(${merchantTimeline.id})::text from ${merchantTimeline}${accountId ? sql` where ${merchantTimeline.accountId} = ${accountId}` : sql``})`,
    })
    .from(sql`(select 1) as one`);
  return `${row?.updated ?? '-'}|${row?.timeline ?? '-'}`;
}
