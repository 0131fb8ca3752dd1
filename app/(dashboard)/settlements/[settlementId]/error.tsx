'use client';

import { RouteError } from '@/components/shell/route-error';

export default function PayoutError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <RouteError
      what="payout"
      back={{ href: '/settlements', label: 'Back to settlements' }}
      error={error}
      reset={reset}
    />
  );
}
