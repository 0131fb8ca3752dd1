'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { CloudDownload } from 'lucide-react';
import { toast } from 'sonner';
import { ImportProgress } from '@/components/settlements/import-progress';
import type { ImportStatus } from '@/components/settlements/import-status';
import { UploadPanel } from '@/components/settlements/upload-panel';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { fetchFromKlarnaAction } from '../actions';

const reports = (n: number) => `${n} ${n === 1 ? 'report' : 'reports'}`;

/**
 * Where reports come in and their imports are followed: those running when the page was
 * rendered (so a reload or a second browser shows the same progress) and those started here
 * since, each until dismissed. Operators upload and fetch; viewers only watch.
 */
export function ImportCenter({ canImport, active }: { canImport: boolean; active: ImportStatus[] }) {
  const [started, setStarted] = useState<string[]>([]);
  const [seen, setSeen] = useState<ImportStatus[]>(active);
  const [lastActive, setLastActive] = useState(active);
  const [dismissed, setDismissed] = useState<string[]>([]);
  const [fetched, setFetched] = useState<string | null>(null);
  // A refreshed page may bring imports started elsewhere: add them, keep those followed so far.
  if (active !== lastActive) {
    setLastActive(active);
    setSeen((prev) => [...prev, ...active.filter((a) => !prev.some((p) => p.id === a.id))]);
  }
  const follow = (ids: string[]) => setStarted((prev) => [...ids, ...prev.filter((p) => !ids.includes(p))]);
  const items = [
    ...started.map((id) => ({ id, initial: undefined })),
    ...seen.filter((s) => !started.includes(s.id)).map((s) => ({ id: s.id, initial: s })),
  ].filter((i) => !dismissed.includes(i.id));

  const fetchAction = useAction(fetchFromKlarnaAction, {
    onSuccess: ({ data }) => {
      if (!data) return;
      const message =
        data.queued > 0
          ? `${reports(data.queued)} queued for import${data.alreadyImported ? ` (${data.alreadyImported} already imported)` : ''}.`
          : `No new reports at Klarna${data.alreadyImported ? `: all ${reports(data.alreadyImported)} are already imported` : ''}.`;
      setFetched(message);
      toast.success(message);
      follow(data.importIds);
    },
    onError: ({ error }) => {
      setFetched(null);
      toast.error(failureMessage(error as ActionFailure));
    },
  });

  const list = items.length > 0 && (
    <div className="grid gap-2">
      <h3 className="text-sm font-medium">Imports followed on this page</h3>
      {items.map((item) => (
        <ImportProgress
          key={item.id}
          importId={item.id}
          initial={item.initial}
          onDismiss={() => setDismissed((prev) => [...prev, item.id])}
        />
      ))}
    </div>
  );

  if (!canImport) {
    return list ? (
      <Card className="mb-6">
        <CardHeader title="Imports in progress" description="Reports being imported and reconciled right now." />
        <CardBody>{list}</CardBody>
      </Card>
    ) : null;
  }

  return (
    <Card className="mb-6" aria-label="Bring in settlement reports">
      <CardHeader
        title="Bring in settlement reports"
        description="Upload a settlement file, or fetch the reports Klarna has ready. Every line is then reconciled against the captures and refunds we know."
        actions={
          <Button variant="secondary" size="sm" pending={fetchAction.isPending} onClick={() => fetchAction.execute()}>
            {!fetchAction.isPending && <CloudDownload aria-hidden />} Fetch from Klarna
          </Button>
        }
      />
      <CardBody className="grid gap-4">
        {fetched && (
          <Alert tone="success" className="justify-self-start">
            {fetched}
          </Alert>
        )}
        <UploadPanel onQueued={(id) => follow([id])} />
        {list}
      </CardBody>
    </Card>
  );
}
