'use client';

import { useId, useState, type MouseEvent } from 'react';
import { Download } from 'lucide-react';
import { useQuery } from '@tanstack/react-query';
import { v4 as uuid } from 'uuid';
import { z } from 'zod';
import { Button } from './button';

/** `href` with `name=value` set, however its query string already looks. */
function withParam(href: string, name: string, value: string): string {
  const [path, query = ''] = href.split('?', 2);
  const params = new URLSearchParams(query);
  params.set(name, value);
  return `${path}?${params}`;
}

/** `href` with `bom=1` added, however its query string already looks. */
export function withBom(href: string): string {
  return withParam(href, 'bom', '1');
}

const progressSchema = z.object({ rows: z.number(), state: z.enum(['running', 'done', 'failed', 'cancelled']) });
type Progress = z.infer<typeof progressSchema> | { rows: 0; state: 'starting' | 'unknown' };

/** Polls while the export has not answered yet: after this many, the count is given up (the download goes on). */
const MAX_STARTING_POLLS = 40;

const count = (rows: number) => rows.toLocaleString('en-GB');

function progressText(progress: Progress | undefined): string {
  switch (progress?.state) {
    case undefined:
    case 'starting':
      return 'Starting the export…';
    case 'running':
      return `Exporting: ${count(progress.rows)} ${progress.rows === 1 ? 'row' : 'rows'} so far…`;
    case 'done':
      return `Exported ${count(progress.rows)} ${progress.rows === 1 ? 'row' : 'rows'}.`;
    case 'failed':
      return `The export failed after ${count(progress.rows)} rows; the file is incomplete. Try again.`;
    case 'cancelled':
      return `The download was stopped after ${count(progress.rows)} rows; the file is incomplete.`;
    case 'unknown':
      return 'Downloading; the row count is not available here.';
  }
}

/**
 * An export's download link with a "For Excel" box: ticked, the file starts with a UTF-8 byte
 * order mark, without which Excel reads non-ASCII text (a merchant called Café Zürich) wrongly.
 * `counted`: the export route counts its rows (lib/exports/progress.ts), and while the browser
 * downloads, this says how many rows so far, then how many in all.
 */
export function CsvExport({
  href,
  label = 'Export CSV',
  counted = false,
}: {
  href: string;
  label?: string;
  counted?: boolean;
}) {
  const [forExcel, setForExcel] = useState(false);
  const [token, setToken] = useState<string | null>(null);
  const id = useId();
  const url = forExcel ? withBom(href) : href;

  const progress = useQuery({
    queryKey: ['export-progress', token],
    enabled: token !== null,
    queryFn: async ({ signal, client, queryKey }): Promise<Progress> => {
      const response = await fetch(`/api/exports/${token}`, { cache: 'no-store', signal });
      if (response.status === 404) {
        const polls = (client.getQueryState(queryKey)?.dataUpdateCount ?? 0) + 1;
        return { rows: 0, state: polls >= MAX_STARTING_POLLS ? 'unknown' : 'starting' };
      }
      if (!response.ok) throw new Error(`The server answered ${response.status}.`);
      return progressSchema.parse(await response.json());
    },
    refetchInterval: (query) => {
      const state = query.state.data?.state;
      return state === undefined || state === 'starting' || state === 'running' ? 500 : false;
    },
    refetchIntervalInBackground: true,
    staleTime: 0,
    retry: 2,
  });

  function start(event: MouseEvent<HTMLAnchorElement>) {
    if (!counted) return;
    // The browser still downloads the file itself (to disk, at its speed); the token names it for the count.
    event.preventDefault();
    const next = uuid();
    const link = document.createElement('a');
    link.href = withParam(url, 'progress', next);
    link.download = '';
    document.body.append(link);
    link.click();
    link.remove();
    setToken(next);
  }

  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Button asChild variant="secondary">
        <a href={url} download onClick={start}>
          <Download aria-hidden /> {label}
        </a>
      </Button>
      <label
        htmlFor={id}
        className="inline-flex items-center gap-1.5 text-sm text-muted-foreground"
        title="Adds a byte order mark so Excel reads accented names correctly"
      >
        <input id={id} type="checkbox" checked={forExcel} onChange={(e) => setForExcel(e.target.checked)} /> For Excel
      </label>
      {token && (
        <span role="status" aria-live="polite" className="basis-full text-sm text-muted-foreground">
          {progress.isError && progress.data === undefined
            ? 'The row count could not be read; the download goes on.'
            : progressText(progress.data)}
        </span>
      )}
    </span>
  );
}
