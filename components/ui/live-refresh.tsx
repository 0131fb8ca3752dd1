'use client';

import { useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';

/**
 * Keeps a server-rendered page current: polls a version URL (answering `{version}`) and
 * refreshes the page when the version changes, e.g. when a Klarna webhook updated what the
 * page shows. Polls faster while `fast` (something is expected to change soon), pauses while
 * the tab is hidden, and says so when it cannot reach the server. `version` is the fingerprint
 * the server rendered the page with: a change between rendering and the first poll still shows.
 */
export function LiveRefresh({
  url,
  version,
  fast = false,
  label = 'Live',
}: {
  url: string;
  version?: string;
  fast?: boolean;
  label?: string;
}) {
  const router = useRouter();
  const last = useRef<string | null>(version ?? null);
  const [offline, setOffline] = useState(false);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const interval = fast ? 1_000 : 5_000;
    async function tick() {
      if (stopped) return;
      if (document.visibilityState === 'visible') {
        try {
          const response = await fetch(url, { cache: 'no-store' });
          if (!response.ok) throw new Error(String(response.status));
          const { version } = (await response.json()) as { version: string };
          if (last.current !== null && version !== last.current) router.refresh();
          last.current = version;
          setOffline(false);
        } catch {
          setOffline(true);
        }
      }
      timer = setTimeout(tick, interval);
    }
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [url, fast, router]);

  // A refreshed render brings the version it was rendered with.
  useEffect(() => {
    if (version) last.current = version;
  }, [version]);

  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-muted-foreground" role="status" aria-live="polite">
      <span aria-hidden className={offline ? 'size-2 rounded-full bg-warning' : 'size-2 rounded-full bg-success'} />
      {offline ? 'Updates paused: the server cannot be reached' : label}
    </span>
  );
}
