'use client';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

export default function DashboardPageError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="grid max-w-xl gap-4">
      <Alert tone="danger" title="This page could not be loaded">
        Something went wrong on our side{error.digest ? ` (ref ${error.digest})` : ''}. Nothing was changed. Try again,
        and quote the reference if it keeps happening.
      </Alert>
      <div>
        <Button variant="secondary" onClick={reset}>
          Try again
        </Button>
      </div>
    </div>
  );
}
