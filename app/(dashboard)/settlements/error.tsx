'use client';

import { RouteError } from '@/components/shell/route-error';

export default function SettlementsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError what="page" back={{ href: '/', label: 'Back to the overview' }} error={error} reset={reset} />;
}
