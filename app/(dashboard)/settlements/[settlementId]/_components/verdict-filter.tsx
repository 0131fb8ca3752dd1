import Link from 'next/link';
import { lineVerdicts, verdictLabels } from '@/lib/settlements/verdicts';
import type { countLineVerdicts, LineFilter } from '@/lib/settlements/queries';
import { cn } from '@/lib/ui/cn';
import { queryString } from '@/lib/ui/search-params';

/** Chips with each verdict's count; the current one is marked. Links keep the filter in the URL. */
export function VerdictFilter({
  current,
  counts,
  total,
}: {
  current: LineFilter | undefined;
  counts: Awaited<ReturnType<typeof countLineVerdicts>>;
  total: number;
}) {
  const chips: { value: LineFilter | undefined; label: string; count: number }[] = [
    { value: undefined, label: 'All', count: total },
    { value: 'open', label: 'Needs attention', count: counts.open },
    ...lineVerdicts
      .filter((v) => (counts.byVerdict[v] ?? 0) > 0 || v === current)
      .map((v) => ({ value: v, label: verdictLabels[v], count: counts.byVerdict[v] ?? 0 })),
  ];
  return (
    <nav aria-label="Filter lines by verdict" className="border-b px-5 py-3">
      <ul className="flex flex-wrap gap-2">
        {chips.map((chip) => {
          const active = chip.value === current;
          return (
            <li key={chip.label}>
              <Link
                href={queryString({ verdict: chip.value })}
                aria-current={active ? 'true' : undefined}
                className={cn(
                  'inline-flex items-center gap-1.5 rounded-full border px-3 py-1 text-xs font-medium',
                  active ? 'border-primary bg-primary text-primary-foreground' : 'hover:bg-muted',
                )}
              >
                {chip.label}{' '}
                <span className={cn('tabular-nums', active ? 'opacity-80' : 'text-muted-foreground')}>
                  {chip.count.toLocaleString('en-GB')}
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
