import { cn } from '@/lib/ui/cn';

export function Table({
  className,
  caption,
  children,
  ...props
}: React.ComponentProps<'table'> & { caption?: string }) {
  return (
    <div className="relative w-full overflow-x-auto">
      <table className={cn('w-full caption-bottom text-sm', className)} {...props}>
        {caption && <caption className="sr-only">{caption}</caption>}
        {children}
      </table>
    </div>
  );
}

export function Th({ className, ...props }: React.ComponentProps<'th'>) {
  return (
    <th
      scope="col"
      className={cn(
        'h-9 whitespace-nowrap border-b px-4 text-left align-middle text-xs font-medium uppercase tracking-wide text-muted-foreground',
        className,
      )}
      {...props}
    />
  );
}

export function Td({ className, ...props }: React.ComponentProps<'td'>) {
  return <td className={cn('border-b px-4 py-2.5 align-middle', className)} {...props} />;
}

/** The header of a column of row actions: named for screen readers, blank on screen. */
export function ActionsTh(props: React.ComponentProps<'th'>) {
  return (
    <Th {...props}>
      <span className="sr-only">Actions</span>
    </Th>
  );
}
