'use client';

import { useRef, useState, useSyncExternalStore } from 'react';
import Link from 'next/link';
import { FileUp, Upload } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/ui/cn';
import { formatDateTime } from '@/lib/ui/format';
import { ProgressBar } from './progress-bar';
import { formatBytes, importStatusSchema, uploadAcceptedSchema, uploadErrorSchema } from './import-status';

type Phase =
  | { kind: 'idle' }
  | { kind: 'uploading'; fileName: string; loaded: number; total: number }
  | { kind: 'error'; title: string; message: string; duplicate?: { href: string; label: string } };

type Answer = { status: number; body: unknown };

/** Sends the file as the request body with XMLHttpRequest, the one browser API that reports upload progress. */
function send(
  file: File,
  onProgress: (loaded: number, total: number) => void,
  register: (xhr: XMLHttpRequest) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    register(xhr);
    xhr.open('POST', '/api/settlements/upload');
    xhr.setRequestHeader('x-file-name', encodeURIComponent(file.name));
    xhr.setRequestHeader('content-type', file.type || 'text/csv');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error('The upload did not reach the server. Check your connection and try again.'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    xhr.send(file);
  });
}

/** "on 12 Mar 2026, 09:30:00 UTC by ops@example.com", from the earlier import's record. */
async function duplicateOf(importId: string): Promise<{ message: string; link: { href: string; label: string } }> {
  const fallback = {
    message: 'This file was already imported.',
    link: { href: '/settlements?tab=imports', label: 'See the import history' },
  };
  try {
    const response = await fetch(`/api/settlements/imports/${encodeURIComponent(importId)}`, { cache: 'no-store' });
    if (!response.ok) return fallback;
    const earlier = importStatusSchema.parse(await response.json());
    const from = earlier.source === 'klarna' ? ' from Klarna' : '';
    const when = earlier.createdAt ? ` on ${formatDateTime(new Date(earlier.createdAt))} UTC` : '';
    const who = earlier.uploadedByEmail ? ` by ${earlier.uploadedByEmail}` : '';
    const first = earlier.settlementIds[0];
    return {
      message: `This file was already imported${from}${when}${who}. It was not imported again.`,
      link: first
        ? {
            href: `/settlements/${encodeURIComponent(first)}`,
            label: earlier.settlementIds.length > 1 ? `Open its first payout (${first})` : `Open its payout (${first})`,
          }
        : { href: '/settlements?tab=imports', label: 'See it in the import history' },
    };
  } catch {
    return fallback;
  }
}

/**
 * Bringing a settlement report in by hand: drop a CSV on the zone or choose it, watch it
 * upload (a real progress bar from the browser's upload events), then hand the import over to
 * `onQueued`, which follows its processing. Duplicates and unreadable files are explained.
 */
export function UploadPanel({ onQueued }: { onQueued: (importId: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const request = useRef<XMLHttpRequest | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);
  const busy = phase.kind === 'uploading';
  // False in the server's HTML, true once hydrated: the picker does nothing before that, so it waits.
  const hydrated = useSyncExternalStore(
    () => () => {},
    () => true,
    () => false,
  );

  async function upload(file: File) {
    if (busy) return;
    if (file.size === 0) {
      setPhase({
        kind: 'error',
        title: 'The file is empty',
        message: `${file.name} holds no bytes. Export the report again and upload that file.`,
      });
      return;
    }
    setPhase({ kind: 'uploading', fileName: file.name, loaded: 0, total: file.size });
    try {
      const answer = await send(
        file,
        (loaded, total) => setPhase({ kind: 'uploading', fileName: file.name, loaded, total }),
        (xhr) => {
          request.current = xhr;
        },
      );
      const accepted = uploadAcceptedSchema.safeParse(answer.body);
      if (answer.status === 202 && accepted.success) {
        setPhase({ kind: 'idle' });
        onQueued(accepted.data.import.id);
        return;
      }
      const failure = uploadErrorSchema.safeParse(answer.body);
      if (answer.status === 409 && failure.success && failure.data.error.importId) {
        const duplicate = await duplicateOf(failure.data.error.importId);
        setPhase({ kind: 'error', title: 'Already imported', message: duplicate.message, duplicate: duplicate.link });
        return;
      }
      const message = failure.success
        ? failure.data.error.message
        : `The server answered HTTP ${answer.status}; nothing was imported.`;
      const title =
        answer.status === 400
          ? `${file.name} cannot be imported`
          : answer.status === 401 || answer.status === 403
            ? 'Not allowed'
            : 'The upload failed';
      setPhase({ kind: 'error', title, message });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') {
        setPhase({ kind: 'idle' });
        return;
      }
      setPhase({
        kind: 'error',
        title: 'The upload failed',
        message: error instanceof Error ? error.message : 'Try again.',
      });
    } finally {
      request.current = null;
      if (input.current) input.current.value = '';
    }
  }

  const pick = (files: FileList | null) => {
    const file = files?.[0];
    if (file) void upload(file);
  };

  return (
    <div className="grid gap-3">
      <div
        className={cn(
          'grid place-items-center gap-2 rounded-lg border-2 border-dashed px-4 py-6 text-center text-sm transition-colors',
          dragging ? 'border-primary bg-primary/5' : 'border-border',
        )}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = busy ? 'none' : 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          pick(e.dataTransfer.files);
        }}
        data-testid="settlement-dropzone"
      >
        <FileUp className="size-6 text-muted-foreground" aria-hidden />
        <p>
          <span className="font-medium">Drop a settlement report (CSV) here</span>{' '}
          <span className="text-muted-foreground">or</span>
        </p>
        <Button
          type="button"
          variant="secondary"
          size="sm"
          disabled={busy || !hydrated}
          onClick={() => input.current?.click()}
        >
          <Upload aria-hidden /> Choose a CSV file…
        </Button>
        <input
          ref={input}
          type="file"
          accept=".csv,text/csv"
          className="sr-only"
          tabIndex={-1}
          aria-label="Settlement report file (CSV)"
          onChange={(e) => pick(e.target.files)}
        />
        <p className="max-w-md text-xs text-muted-foreground">
          Klarna&apos;s settlement file as exported, any size. The same file is never imported twice.
        </p>
      </div>

      {phase.kind === 'uploading' && (
        <div className="grid gap-2 rounded-md border p-3 text-sm">
          <div className="flex items-center justify-between gap-2">
            <span className="truncate font-medium">Uploading {phase.fileName}</span>
            <Button type="button" variant="ghost" size="sm" onClick={() => request.current?.abort()}>
              Cancel upload
            </Button>
          </div>
          <ProgressBar
            label={`Uploading ${phase.fileName}`}
            value={phase.total > 0 ? (phase.loaded / phase.total) * 100 : 0}
            text={`${Math.floor(phase.total > 0 ? (phase.loaded / phase.total) * 100 : 0)} %: ${formatBytes(phase.loaded)} of ${formatBytes(phase.total)}`}
          />
          <p className="text-xs text-muted-foreground tabular-nums">
            {Math.floor(phase.total > 0 ? (phase.loaded / phase.total) * 100 : 0)} % · {formatBytes(phase.loaded)} of{' '}
            {formatBytes(phase.total)}
            {phase.loaded >= phase.total ? ' · checking the file…' : ''}
          </p>
        </div>
      )}

      {phase.kind === 'error' && (
        <Alert tone={phase.duplicate ? 'warning' : 'danger'} title={phase.title}>
          <p>{phase.message}</p>
          {phase.duplicate && (
            <Link className="font-medium underline underline-offset-4" href={phase.duplicate.href}>
              {phase.duplicate.label}
            </Link>
          )}
        </Alert>
      )}
    </div>
  );
}
