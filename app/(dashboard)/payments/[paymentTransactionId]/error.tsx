'use client';

import { RouteError } from '@/components/shell/route-error';

export default function PaymentError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <RouteError what="payment" back={{ href: '/payments', label: 'Back to payments' }} error={error} reset={reset} />
  );
}
