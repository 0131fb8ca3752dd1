'use client';

import { useEffect, useRef } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { X } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ImportStatusBadge } from './badges';
import { ProgressBar } from './progress-bar';
import {
  formatBytes,
  formatDuration,
  importStatusSchema,
  isActive,
  ratesOf,
  type ImportStatus,
  type Rates,
  type Sample,
} from './import-status';

const POLL_MS = 500;
export const importKeys = { detail: (id: string) => ['settlement-import', id] as const };

type Polled = { status: ImportStatus; rates: Rates };

const lines = (n: number) => n.toLocaleString('en-GB');

/**
 * One import's processing, read from its stored progress every 500 ms while it runs (so every
 * browser shows the same bar): bytes read against the file's size, lines per second and the
 * time left; then what it brought in, or why it failed. When it ends, the page is refreshed
 * so its tables show the result.
 */
export function ImportProgress({
  importId,
  initial,
  onDismiss,
}: {
  importId: string;
  initial?: ImportStatus;
  onDismiss?: () => void;
}) {
  const router = useRouter();
  const samples = useRef<Sample[]>([]);
  const query = useQuery({
    queryKey: importKeys.detail(importId),
    queryFn: async ({ signal }): Promise<Polled> => {
      const response = await fetch(`/api/settlements/imports/${encodeURIComponent(importId)}`, {
        cache: 'no-store',
        signal,
      });
      if (!response.ok)
        throw new Error(
          response.status === 404
            ? 'This import no longer exists.'
            : `The import's progress could not be read (HTTP ${response.status}).`,
        );
      const status = importStatusSchema.parse(await response.json());
      // Rates come from samples taken as the answers arrive (outside render).
      const now = Date.now();
      samples.current = [
        ...samples.current.filter((s) => now - s.at <= 10_000),
        { at: now, bytes: status.bytesRead, lines: status.linesRead },
      ];
      return { status, rates: ratesOf(samples.current, status.sizeBytes) };
    },
    initialData: initial ? { status: initial, rates: { linesPerSecond: null, etaSeconds: null } } : undefined,
    initialDataUpdatedAt: 0,
    refetchInterval: (q) => (q.state.data && !isActive(q.state.data.status.status) ? false : POLL_MS),
    refetchIntervalInBackground: false,
    staleTime: 0,
    retry: 3,
  });

  const status = query.data?.status;
  const active = status ? isActive(status.status) : true;
  // Refresh the page's tables once, when an import seen running here (or just started here) ends.
  const sawActive = useRef(!initial || isActive(initial.status));
  useEffect(() => {
    if (!status) return;
    if (isActive(status.status)) sawActive.current = true;
    else if (sawActive.current) {
      sawActive.current = false;
      router.refresh();
    }
  }, [status, router]);

  if (!status) {
    return (
      <div className="grid gap-2 rounded-md border p-3 text-sm" aria-busy={query.isPending}>
        {query.isError ? (
          <Alert tone="danger">{query.error.message}</Alert>
        ) : (
          <p className="text-muted-foreground">Reading the import&apos;s progress…</p>
        )}
      </div>
    );
  }

  const label = `Processing ${status.fileName}`;
  return (
    <section
      aria-label={`Import of ${status.fileName}`}
      className="grid gap-2 rounded-md border p-3 text-sm"
      data-import-id={status.id}
      data-status={status.status}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex min-w-0 items-center gap-2">
          <span className="truncate font-medium" title={status.fileName}>
            {status.fileName}
          </span>
          <ImportStatusBadge status={status.status} />
          <span className="text-xs text-muted-foreground">
            {status.source === 'klarna'
              ? 'from Klarna'
              : status.uploadedByEmail
                ? `uploaded by ${status.uploadedByEmail}`
                : null}
          </span>
        </div>
        {!active && onDismiss && (
          <Button variant="ghost" size="sm" onClick={onDismiss} aria-label={`Dismiss the import of ${status.fileName}`}>
            <X aria-hidden />
          </Button>
        )}
      </div>
      {active ? <Running status={status} rates={query.data!.rates} label={label} /> : <Finished status={status} />}
      {query.isError && active && (
        <p className="text-xs text-warning">Progress updates paused: {query.error.message} Retrying…</p>
      )}
    </section>
  );
}

function Running({ status, rates, label }: { status: ImportStatus; rates: Rates; label: string }) {
  if (status.status === 'queued') {
    return (
      <>
        <ProgressBar label={label} text="Queued" />
        <p className="text-xs text-muted-foreground" aria-live="polite">
          Waiting for a worker to start ({formatBytes(status.sizeBytes)}).
        </p>
      </>
    );
  }
  if (status.status === 'reconciling') {
    return (
      <>
        <ProgressBar label={label} text={`Reconciling ${lines(status.linesImported)} lines`} />
        <p className="text-xs text-muted-foreground" aria-live="polite">
          Read {lines(status.linesRead)} lines; reconciling them against captures and refunds…
        </p>
      </>
    );
  }
  const percent = status.sizeBytes > 0 ? (status.bytesRead / status.sizeBytes) * 100 : 0;
  const text = `${Math.floor(percent)} %: ${formatBytes(status.bytesRead)} of ${formatBytes(status.sizeBytes)}`;
  return (
    <>
      <ProgressBar label={label} value={percent} text={text} />
      <p className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground tabular-nums" aria-live="off">
        <span>{text}</span>
        <span>{lines(status.linesRead)} lines read</span>
        {rates.linesPerSecond !== null && <span>{lines(Math.round(rates.linesPerSecond))} lines/s</span>}
        {rates.etaSeconds !== null && <span>about {formatDuration(rates.etaSeconds)} left</span>}
      </p>
    </>
  );
}

function Finished({ status }: { status: ImportStatus }) {
  if (status.status === 'failed') {
    return (
      <Alert tone="danger" title="The import failed">
        {status.error ?? 'The import stopped without saying why.'} Nothing from this file was added to the payouts.
      </Alert>
    );
  }
  if (status.status === 'superseded') {
    return (
      <p className="text-muted-foreground">
        A later report re-issued every payout of this file, so its lines were replaced.
      </p>
    );
  }
  const quarantined = status.linesQuarantined;
  return (
    <div className="grid gap-1.5" role="status">
      <p>
        Imported <strong>{lines(status.linesImported)}</strong> {status.linesImported === 1 ? 'line' : 'lines'}
        {quarantined > 0 ? (
          <>
            {' '}
            and quarantined <strong>{lines(quarantined)}</strong> that could not be read (
            <a
              className="underline underline-offset-4"
              href={`/api/settlements/imports/${encodeURIComponent(status.id)}/quarantine`}
              download
            >
              download them
            </a>
            ).
          </>
        ) : (
          '; none had to be quarantined.'
        )}
      </p>
      {status.settlementIds.length > 0 && (
        <ul className="flex flex-wrap gap-x-4 gap-y-1">
          {status.settlementIds.map((id) => (
            <li key={id}>
              <Link
                className="font-medium underline underline-offset-4"
                href={`/settlements/${encodeURIComponent(id)}`}
              >
                Open payout {id}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
