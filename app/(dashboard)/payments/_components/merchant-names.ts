import { inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { merchantAccounts } from '@/db/schema';
import { listMerchants } from '@/lib/merchants/cache';

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

const MAX_OPTION_PAGES = 20;

/** The merchant filter's choices, by name (the first 2,000 merchants the cache knows). */
export async function merchantOptions(db: Db): Promise<{ accountId: string; accountName: string }[]> {
  const options: { accountId: string; accountName: string }[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_OPTION_PAGES; i++) {
    const page = await listMerchants(db, { limit: 100, cursor });
    options.push(...page.rows.map((r) => ({ accountId: r.accountId, accountName: r.accountName })));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return options.sort(
    (a, b) => a.accountName.localeCompare(b.accountName, 'en') || a.accountId.localeCompare(b.accountId),
  );
}
