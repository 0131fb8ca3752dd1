import 'server-only';
import { asc, inArray } from 'drizzle-orm';
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

const MAX_OPTIONS = 2000;

/** The merchant filter's choices, by name (at most 2,000): one query of names and ids only. */
export async function merchantOptions(db: Db): Promise<{ accountId: string; accountName: string }[]> {
  return db
    .select({ accountId: merchantAccounts.accountId, accountName: merchantAccounts.accountName })
    .from(merchantAccounts)
    .orderBy(asc(merchantAccounts.accountName), asc(merchantAccounts.accountId))
    .limit(MAX_OPTIONS);
}
