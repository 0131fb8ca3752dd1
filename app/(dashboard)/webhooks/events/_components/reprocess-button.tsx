'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { RotateCcw } from 'lucide-react';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { reprocessWebhookEventAction } from '../actions';
import { OutcomeNote } from './outcome-note';

/** Admins only (the page hides it from other roles; the action checks again). */
export function ReprocessButton({ id, eventType, applyCount }: { id: number; eventType: string; applyCount: number }) {
  const [again, setAgain] = useState<{ sentence: string; note: string } | null>(null);
  const dialog = useActionDialog(() => setAgain(null));
  const reprocess = useAction(reprocessWebhookEventAction, {
    onSuccess: ({ data }) => {
      if (data.status === 'processed') dialog.succeed(`Event re-processed: ${eventType} applied again.`);
      else
        setAgain({
          sentence: data.status === 'ignored' ? 'Re-processed, and ignored again:' : 'The handler failed again:',
          note: data.processingError ?? 'no reason was given',
        });
    },
    onError: dialog.submission.onError,
  });

  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button variant="secondary">
          <RotateCcw aria-hidden />
          Re-process
        </Button>
      }
      title="Re-process this event?"
      description={
        applyCount > 0
          ? `This applies ${eventType} again through its handler, as if it had just arrived. It has already been applied ${applyCount} time${applyCount === 1 ? '' : 's'}, so its effects can happen once more.`
          : `This applies ${eventType} again through its handler, as if it had just arrived.`
      }
      submitLabel="Re-process event"
      pending={reprocess.isPending}
      onSubmit={() => {
        setAgain(null);
        reprocess.execute({ id });
      }}
    >
      {again && (
        <Alert tone="danger">
          <span className="grid gap-1">
            {again.sentence}
            <OutcomeNote note={again.note} tone="danger" />
          </span>
        </Alert>
      )}
    </ActionDialog>
  );
}
