'use client';

import { RouteError } from '@/components/shell/route-error';

export default function MerchantError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <RouteError what="merchant" back={{ href: '/merchants', label: 'Back to merchants' }} error={error} reset={reset} />
  );
}
