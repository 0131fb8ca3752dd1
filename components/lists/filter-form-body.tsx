'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/ui/cn';

/**
 * The GET form itself. Uncontrolled selects and inputs keep what was picked across a client
 * navigation, so the form is keyed on the query: after Clear (or Back) every control shows
 * what the URL now says, and the next Apply cannot bring old filters back.
 */
export function FilterFormBody({
  label,
  clearHref,
  grid,
  actionsClassName,
  children,
}: {
  label: string;
  clearHref: string;
  grid: string;
  actionsClassName?: string;
  children: React.ReactNode;
}) {
  const query = useSearchParams().toString();
  return (
    <form key={query} className={cn('grid gap-3', grid)} method="get" aria-label={label}>
      {children}
      <div className={cn('flex gap-2', actionsClassName)}>
        <Button type="submit">Apply</Button>
        <Button asChild variant="ghost">
          <Link href={clearHref}>Clear</Link>
        </Button>
      </div>
    </form>
  );
}
