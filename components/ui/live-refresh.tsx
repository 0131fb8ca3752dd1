'use client';

import { useEffect, useRef } from 'react';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';

const versionSchema = z.object({ version: z.string() });

/**
 * Keeps a server-rendered page current: polls a version URL (answering `{version}`, an O(1)
 * fingerprint: lib/version-polls.ts) with react-query and refreshes the page when the version
 * changes, e.g. when a Klarna webhook updated what the page shows. Polls faster while `fast`
 * (something is expected to change soon), pauses while the tab is hidden (react-query's interval does
 * not run in the background), and says so when it cannot reach the server. `version` is the
 * fingerprint the server rendered the page with: a change between rendering and the first poll still shows.
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
  const poll = useQuery({
    queryKey: ['live-version', url],
    queryFn: async ({ signal }) => {
      const response = await fetch(url, { cache: 'no-store', signal });
      if (!response.ok) throw new Error(`The server answered ${response.status}.`);
      return versionSchema.parse(await response.json()).version;
    },
    refetchInterval: fast ? 1_000 : 5_000,
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });

  // A refreshed render brings the version it was rendered with.
  useEffect(() => {
    if (version) last.current = version;
  }, [version]);

  const seen = poll.data;
  useEffect(() => {
    if (seen === undefined) return;
    if (last.current !== null && seen !== last.current) router.refresh();
    last.current = seen;
  }, [seen, router]);

  // Paused only while the last poll failed: the next one that answers clears it.
  const offline = poll.isError;
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-muted-foreground" role="status" aria-live="polite">
      <span aria-hidden className={offline ? 'size-2 rounded-full bg-warning' : 'size-2 rounded-full bg-success'} />
      {offline ? 'Updates paused: the server cannot be reached' : label}
    </span>
  );
}
