import 'server-only';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { merchantAccounts } from '@/db/schema';

/** Merchant names by account id for one page of payments: one query for the page's accounts. */
export async function merchantNames(db: Db, accountIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(accountIds)];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ accountId: merchantAccounts.accountId, accountName: merchantAccounts.accountName })
    .from(merchantAccounts)
    .where(inArray(merchantAccounts.accountId, ids));
  return new Map(rows.map((r) => [r.accountId, r.accountName]));
}

/** A merchant as a picker shows it (the search route's answer); `blockedReason`: why it cannot take payments now, or null. */
export type MerchantChoice = { accountId: string; name: string; reference: string; blockedReason: string | null };

export const MERCHANT_SEARCH_LIMIT = 20;

export const merchantSearchSchema = z.object({
  /** The start of the merchant's name, any case; empty: the first merchants by name. */
  q: z.string().trim().max(200, 'at most 200 characters').default(''),
});

export type MerchantMatch = {
  accountId: string;
  accountName: string;
  accountReference: string;
  state: string;
  productState: string | null;
};

/** Merchants whose name starts with `q` (any case), by name, at most 20: one range of
 * `merchant_accounts_name_prefix_idx` (lower(name), collation "C"), as cheap with 2,000 merchants as with 20. */
export async function searchMerchants(db: Db, input: z.input<typeof merchantSearchSchema>): Promise<MerchantMatch[]> {
  const { q } = merchantSearchSchema.parse(input);
  const m = merchantAccounts;
  const key = sql`lower(${m.accountName}) collate "C"`;
  const prefix = q.toLowerCase();
  // `like` with the escaped prefix; the lower bound makes it an index range whatever the plan.
  const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select({
      accountId: m.accountId,
      accountName: m.accountName,
      accountReference: m.accountReference,
      state: m.state,
      productState: m.productState,
    })
    .from(m)
    .where(prefix ? and(sql`${key} >= ${prefix}`, sql`${key} like ${pattern}`) : undefined)
    .orderBy(key, asc(m.accountId))
    .limit(MERCHANT_SEARCH_LIMIT);
}

/** One merchant's name and payment state, for a picker showing the merchant a URL or form chose; null if unknown. */
export async function merchantById(db: Db, accountId: string): Promise<MerchantMatch | null> {
  const m = merchantAccounts;
  const [row] = await db
    .select({
      accountId: m.accountId,
      accountName: m.accountName,
      accountReference: m.accountReference,
      state: m.state,
      productState: m.productState,
    })
    .from(m)
    .where(eq(m.accountId, accountId))
    .limit(1);
  return row ?? null;
}
