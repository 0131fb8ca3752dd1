import Link from 'next/link';
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';
import { Th } from '@/components/ui/table';
import { cn } from '@/lib/ui/cn';
import { queryString } from '@/lib/ui/search-params';
import type { PaymentSort } from './list-search';

/**
 * A column header that sorts the list by its column: a link setting `sort` in the URL (the
 * filters kept, back to the first page), newest / largest first on the first click, then
 * flipping. `aria-sort` tells assistive technology which way the list is sorted.
 */
export function SortHeader({
  label,
  column,
  sort,
  filters,
  className,
}: {
  label: string;
  column: 'created' | 'amount';
  sort: PaymentSort;
  filters: Record<string, string | undefined>;
  className?: string;
}) {
  const active = sort.startsWith(column);
  const descending = sort.endsWith('desc');
  const next: PaymentSort = active && descending ? `${column}_asc` : `${column}_desc`;
  const Icon = !active ? ArrowUpDown : descending ? ArrowDown : ArrowUp;
  return (
    <Th className={className} aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}>
      <Link
        className={cn('inline-flex items-center gap-1 hover:text-foreground', active && 'text-foreground')}
        href={queryString({ ...filters, sort: next === 'created_desc' ? undefined : next })}
        title={`Sort by ${label.toLowerCase()}, ${next.endsWith('desc') ? (column === 'amount' ? 'largest' : 'newest') : column === 'amount' ? 'smallest' : 'oldest'} first`}
      >
        {label}
        <Icon aria-hidden className="size-3.5" />
      </Link>
    </Th>
  );
}
