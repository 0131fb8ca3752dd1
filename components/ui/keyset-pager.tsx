import Link from 'next/link';
import { queryString } from '@/lib/ui/search-params';

/**
 * "← Newest / Older →" under a keyset-paginated list. `filters` are the current URL filters
 * without the cursor; `cursor` is this page's, `nextCursor` the older page's.
 */
export function KeysetPager({
  label,
  filters,
  cursor,
  nextCursor,
}: {
  label: string;
  filters: Record<string, string | undefined>;
  cursor?: string;
  nextCursor: string | null;
}) {
  return (
    <nav aria-label={label} className="flex items-center justify-between gap-2 px-5 py-3 text-sm">
      {cursor ? (
        <Link className="underline underline-offset-4" href={queryString(filters)}>
          ← Newest
        </Link>
      ) : (
        <span />
      )}
      {nextCursor ? (
        <Link className="underline underline-offset-4" href={queryString({ ...filters, cursor: nextCursor })}>
          Older →
        </Link>
      ) : (
        <span className="text-muted-foreground">End of the log</span>
      )}
    </nav>
  );
}
