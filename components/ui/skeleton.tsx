import { cn } from '@/lib/ui/cn';

export function Skeleton({ className, ...props }: React.ComponentProps<'div'>) {
  return <div aria-hidden className={cn('animate-pulse rounded-md bg-muted', className)} {...props} />;
}

/**
 * A list page while it loads: its title and description, blocks (filters, charts, tabs: their
 * size classes, full width unless they say otherwise), then the table's rows. `action`: a button's place beside the title.
 */
export function PageSkeleton({
  label,
  titleWidth = 'w-48',
  descriptionWidth = 'w-96',
  action = false,
  blocks,
  rows = 0,
  rowHeight = 'h-9',
  className = 'gap-4',
}: {
  label: string;
  titleWidth?: string;
  descriptionWidth?: string;
  action?: boolean;
  blocks: string[];
  rows?: number;
  rowHeight?: string;
  className?: string;
}) {
  const header = (
    <div className="grid gap-2">
      <Skeleton className={cn('h-7', titleWidth)} />
      <Skeleton className={cn('h-4', descriptionWidth)} />
    </div>
  );
  return (
    <div className={cn('grid', className)} role="status" aria-label={label}>
      {action ? (
        <div className="flex flex-wrap items-end justify-between gap-4">
          {header}
          <Skeleton className="h-9 w-72" />
        </div>
      ) : (
        header
      )}
      {blocks.map((height, i) => (
        <Skeleton key={i} className={cn('w-full', height)} />
      ))}
      {rows > 0 && (
        <div className="grid gap-2 rounded-lg border p-4">
          {Array.from({ length: rows }, (_, i) => (
            <Skeleton key={i} className={cn(rowHeight, 'w-full')} />
          ))}
        </div>
      )}
    </div>
  );
}
