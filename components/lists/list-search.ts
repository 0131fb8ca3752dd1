import type { z } from 'zod';
import { firstValues } from '@/lib/ui/search-params';

type SearchParams = Record<string, string | string[] | undefined>;
/** A list page's URL filters as typed text, plus the keyset cursor. */
export type ListSearch<K extends string> = { [P in K | 'cursor']?: string };

/** The URL's filters `names` (and `cursor`) as single trimmed strings; other parameters are left out. */
export function pickListSearch<K extends string>(params: SearchParams, names: readonly K[]): ListSearch<K> {
  const values = firstValues(params);
  return Object.fromEntries([...names, 'cursor'].map((n) => [n, values[n]])) as ListSearch<K>;
}

/**
 * A list page's URL: the text of each filter (for the form), the filter for the query, the names
 * of the invalid filters, and the filters without the cursor (for the pager and export links).
 * An invalid filter is dropped alone: a typo in one box should not show everything.
 */
export function readListSearch<K extends string, S extends z.ZodType>(
  params: SearchParams,
  names: readonly K[],
  filterSchema: S,
): { raw: ListSearch<K>; filter: z.input<S>; invalid: string[]; current: Omit<ListSearch<K>, 'cursor'> } {
  const raw = pickListSearch(params, names);
  const parsed = filterSchema.safeParse(raw);
  const invalid = parsed.success ? [] : [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
  const filter = (
    parsed.success ? parsed.data : Object.fromEntries(Object.entries(raw).filter(([k]) => !invalid.includes(k)))
  ) as z.input<S>;
  const { cursor: _cursor, ...current } = raw;
  return { raw, filter, invalid, current };
}
