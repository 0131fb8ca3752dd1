'use client';

import { RouteError } from '@/components/shell/route-error';

export default function PaymentLinkError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <RouteError
      what="payment link"
      back={{ href: '/payments/links', label: 'Back to payment links' }}
      error={error}
      reset={reset}
    />
  );
}
