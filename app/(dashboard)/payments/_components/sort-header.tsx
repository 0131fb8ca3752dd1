import Link from 'next/link';
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';
import { cn } from '@/lib/ui/cn';
import { queryString } from '@/lib/ui/search-params';
import type { PaymentSort } from './list-search';

type SortProps = {
  label: string;
  column: 'created' | 'amount';
  sort: PaymentSort;
  filters: Record<string, string | undefined>;
};

/** What `aria-sort` says of a sortable column's header. */
export function sortState({ column, sort }: Pick<SortProps, 'column' | 'sort'>): 'ascending' | 'descending' | 'none' {
  if (!sort.startsWith(column)) return 'none';
  return sort.endsWith('desc') ? 'descending' : 'ascending';
}

/**
 * A column header's link that sorts the list by its column: it sets `sort` in the URL (the
 * filters kept, back to the first page), newest / largest first on the first click, then
 * flipping. The header cell carries `aria-sort` (`sortState`).
 */
export function SortLink({ label, column, sort, filters }: SortProps) {
  const active = sort.startsWith(column);
  const descending = sort.endsWith('desc');
  const next: PaymentSort = active && descending ? `${column}_asc` : `${column}_desc`;
  const Icon = !active ? ArrowUpDown : descending ? ArrowDown : ArrowUp;
  return (
    <Link
      className={cn('inline-flex items-center gap-1 hover:text-foreground', active && 'text-foreground')}
      href={queryString({ ...filters, sort: next === 'created_desc' ? undefined : next })}
      title={`Sort by ${label.toLowerCase()}, ${next.endsWith('desc') ? (column === 'amount' ? 'largest' : 'newest') : column === 'amount' ? 'smallest' : 'oldest'} first`}
    >
      {label}
      <Icon aria-hidden className="size-3.5" />
    </Link>
  );
}
