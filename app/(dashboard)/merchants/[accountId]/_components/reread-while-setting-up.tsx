'use client';

import { useEffect } from 'react';
import { useRouter } from 'next/navigation';

/**
 * While Klarna sets an account up (PARTIALLY_OPERATIONAL, seconds), re-reads the page, which
 * reads Klarna live. The operational webhook alone is not enough: when it arrives before this
 * page first stored the account, nothing changes afterwards for LiveRefresh to notice.
 */
export function RereadWhileSettingUp({ everyMs = 3_000 }: { everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') router.refresh();
    }, everyMs);
    return () => clearInterval(timer);
  }, [router, everyMs]);
  return null;
}
