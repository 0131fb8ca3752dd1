'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { RotateCcw } from 'lucide-react';
import { toast } from 'sonner';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent } from '@/components/ui/dialog';
import { failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { reprocessWebhookEventAction } from '../actions';
import { OutcomeNote } from './outcome-note';

/** Admins only (the page hides it from other roles; the action checks again). */
export function ReprocessButton({ id, eventType, applyCount }: { id: number; eventType: string; applyCount: number }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const reprocess = useAction(reprocessWebhookEventAction, {
    onSuccess: ({ data }) => {
      if (data.status === 'processed') {
        toast.success(`Event re-processed: ${eventType} applied again.`);
        setOpen(false);
      } else {
        setError(data.status === 'ignored' ? 'Re-processed, and ignored again:' : 'The handler failed again:');
        setNote(data.processingError ?? 'no reason was given');
      }
    },
    onError: ({ error }) => setError(failureMessage(error as ActionFailure)),
  });

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setError(null);
        setNote(null);
      }}
    >
      <Button variant="secondary" onClick={() => setOpen(true)}>
        <RotateCcw aria-hidden />
        Re-process
      </Button>
      {open && (
        <DialogContent
          title="Re-process this event?"
          description={
            applyCount > 0
              ? `This applies ${eventType} again through its handler, as if it had just arrived. It has already been applied ${applyCount} time${applyCount === 1 ? '' : 's'}, so its effects can happen once more.`
              : `This applies ${eventType} again through its handler, as if it had just arrived.`
          }
        >
          {error && (
            <Alert tone="danger">
              <span className="grid gap-1">
                {error}
                {note && <OutcomeNote note={note} tone="danger" />}
              </span>
            </Alert>
          )}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="button" pending={reprocess.isPending} onClick={() => reprocess.execute({ id })}>
              Re-process event
            </Button>
          </div>
        </DialogContent>
      )}
    </Dialog>
  );
}
