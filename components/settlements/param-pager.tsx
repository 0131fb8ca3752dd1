import Link from 'next/link';
import { queryString } from '@/lib/ui/search-params';

/**
 * "← First page / Next page →" under a keyset-paged list whose cursor lives in the URL under
 * `param` (a page with two paged lists gives each its own). `params` are the page's other URL values.
 */
export function ParamPager({
  label,
  params,
  param = 'cursor',
  cursor,
  nextCursor,
  endText = 'End of the list',
}: {
  label: string;
  params: Record<string, string | undefined>;
  param?: string;
  cursor?: string;
  nextCursor: string | null;
  endText?: string;
}) {
  if (!cursor && !nextCursor) return null;
  return (
    <nav aria-label={label} className="flex items-center justify-between gap-2 px-5 py-3 text-sm">
      {cursor ? (
        <Link className="underline underline-offset-4" href={queryString({ ...params, [param]: undefined })}>
          ← First page
        </Link>
      ) : (
        <span />
      )}
      {nextCursor ? (
        <Link className="underline underline-offset-4" href={queryString({ ...params, [param]: nextCursor })}>
          Next page →
        </Link>
      ) : (
        <span className="text-muted-foreground">{endText}</span>
      )}
    </nav>
  );
}
