'use client';

import { useEffect, useRef } from 'react';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { ProgressBar } from '@/components/settlements/progress-bar';

const progressSchema = z.object({
  status: z.enum(['dry_run', 'queued', 'running', 'done', 'cancelled']),
  done: z.number(),
  total: z.number(),
  refunded: z.number(),
  declined: z.number(),
  skipped: z.number(),
  rowsPerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  updatedAt: z.string(),
});
export type BatchProgressData = z.infer<typeof progressSchema>;

const POLL_MS = 1000;
const n = (v: number) => v.toLocaleString('en-GB');

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${seconds % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * A batch's run as everyone looking sees it: polled from the stored counters every second while
 * it is queued or running (rows per second over the last seconds, time left); the page is
 * refreshed when the run ends so its table shows the results.
 */
export function BatchProgress({ batchId, initial }: { batchId: string; initial: BatchProgressData }) {
  const router = useRouter();
  const query = useQuery({
    queryKey: ['refund-batch', batchId],
    queryFn: async () => {
      const response = await fetch(`/api/refunds/batches/${batchId}`, { cache: 'no-store' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return progressSchema.parse(await response.json());
    },
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.status === 'queued' || q.state.data?.status === 'running' ? POLL_MS : false),
  });
  const p = query.data;
  const last = useRef(initial.status);
  useEffect(() => {
    if (p.status !== last.current) {
      last.current = p.status;
      router.refresh();
    }
  }, [p.status, router]);
  const percent = p.total ? (p.done / p.total) * 100 : 0;
  const words =
    p.status === 'queued'
      ? 'Waiting for a worker to start…'
      : p.status === 'running'
        ? `${n(p.done)} of ${n(p.total)} rows${p.rowsPerSecond ? ` · ${p.rowsPerSecond.toLocaleString('en-GB')} rows/s` : ''}${p.etaSeconds ? ` · about ${duration(p.etaSeconds)} left` : ''}`
        : p.status === 'done'
          ? `Finished: ${n(p.refunded)} refunded, ${n(p.declined)} declined${p.skipped ? `, ${n(p.skipped)} skipped` : ''}`
          : p.status === 'cancelled'
            ? `Cancelled: ${n(p.refunded)} refunded before, ${n(p.skipped)} not sent`
            : 'Not approved yet: nothing has been sent.';
  return (
    <div className="grid gap-2">
      <ProgressBar label="Refunds sent" value={p.status === 'queued' ? null : percent} text={words} />
      <p className="text-sm text-muted-foreground" aria-live="polite">
        {words}
      </p>
      {query.isError && <p className="text-sm text-danger">Progress could not be read; retrying.</p>}
    </div>
  );
}
