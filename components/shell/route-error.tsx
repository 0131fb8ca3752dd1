'use client';

import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/** What a detail page shows when it fails to render: nothing was changed, a reference to quote, a retry. */
export function RouteError({
  what,
  back,
  error,
  reset,
}: {
  what: string;
  back: { href: string; label: string };
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="grid max-w-xl gap-4">
      <Alert tone="danger" title={`This ${what} could not be loaded`}>
        Something went wrong on our side{error.digest ? ` (ref ${error.digest})` : ''}. Nothing was changed at Klarna.
        Try again, and quote the reference if it keeps happening.
      </Alert>
      <div className="flex gap-2">
        <Button variant="secondary" onClick={reset}>
          Try again
        </Button>
        <Button asChild variant="ghost">
          <Link href={back.href}>{back.label}</Link>
        </Button>
      </div>
    </div>
  );
}
