'use client';

import { useRef, useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { z } from 'zod';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

const createdSchema = z.object({ batch: z.object({ id: z.string() }) });
const failureSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), batchId: z.string().optional() }),
});

type Failure = { title: string; message: string; earlier?: string };

/**
 * Choosing a mass-refund file: it is sent as the request body to the streaming upload route, which
 * validates every row (a dry run: nothing is sent to Klarna) and answers with the batch, opened next.
 */
export function RefundUpload() {
  const input = useRef<HTMLInputElement>(null);
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  async function upload(file: File) {
    setFailure(null);
    setPending(true);
    try {
      const response = await fetch('/api/refunds/upload', {
        method: 'POST',
        headers: { 'x-file-name': encodeURIComponent(file.name), 'content-type': file.type || 'text/csv' },
        body: file,
      });
      const body: unknown = await response.json().catch(() => null);
      const created = createdSchema.safeParse(body);
      if (response.ok && created.success) {
        router.push(`/payments/refunds/${created.data.batch.id}`);
        return;
      }
      const failed = failureSchema.safeParse(body);
      const message = failed.success ? failed.data.error.message : `The server answered HTTP ${response.status}.`;
      setFailure({
        title:
          response.status === 409
            ? 'Uploaded before'
            : response.status === 403
              ? 'Not allowed'
              : `${file.name} cannot be used`,
        message,
        earlier: failed.success ? failed.data.error.batchId : undefined,
      });
    } catch {
      setFailure({ title: 'The upload failed', message: 'The file did not reach the server. Try again.' });
    } finally {
      setPending(false);
      if (input.current) input.current.value = '';
    }
  }

  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor="refund-file" className="text-sm font-medium">
          Refund file (CSV)
        </label>
        <input
          ref={input}
          id="refund-file"
          type="file"
          accept=".csv,text/csv"
          disabled={pending}
          className="max-w-full text-sm file:mr-3 file:rounded-md file:border file:border-input file:bg-card file:px-3 file:py-1.5 file:text-sm"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void upload(file);
          }}
        />
        {pending && (
          <Button type="button" variant="secondary" pending disabled>
            Checking every row…
          </Button>
        )}
      </div>
      {failure && (
        <Alert tone="danger" title={failure.title}>
          <p>{failure.message}</p>
          {failure.earlier && (
            <p className="mt-1">
              <Link className="underline underline-offset-4" href={`/payments/refunds/${failure.earlier}`}>
                Open the earlier batch
              </Link>
            </p>
          )}
        </Alert>
      )}
    </div>
  );
}
