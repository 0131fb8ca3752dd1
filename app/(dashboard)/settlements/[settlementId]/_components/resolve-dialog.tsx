'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { toast } from 'sonner';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { failureFields, failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { resolveLineAction, resolveMissingAction } from '../../actions';

/** The server's limit (RESOLUTION_NOTE_MAX in lib/settlements/resolve.ts, which the browser bundle must not import). */
const RESOLUTION_NOTE_MAX = 1000;

export type ResolveTarget = { kind: 'line'; importId: string; lineNo: number } | { kind: 'missing'; importId: string; operationId: string };

type HookError = { error: { serverError?: unknown; validationErrors?: unknown; thrownError?: Error } };
const failureOf = ({ error }: HookError): ActionFailure =>
  error.thrownError ? {} : { serverError: error.serverError as ActionFailure['serverError'], validationErrors: error.validationErrors as ActionFailure['validationErrors'] };

/**
 * "Resolve…" on a line or missing item that needs attention: the operator writes what they
 * checked or did (required, up to 1,000 characters); the server records who, when and the
 * note, audits it, and the payout's open count goes down.
 */
export function ResolveDialog({ settlementId, target, what, verdictLabel }: { settlementId: string; target: ResolveTarget; what: string; verdictLabel: string }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [failure, setFailure] = useState<ActionFailure | undefined>(undefined);
  const onSuccess = () => {
    toast.success(`Resolved ${what}.`);
    setOpen(false);
    setNote('');
  };
  const onError = (e: HookError) => setFailure(failureOf(e));
  const line = useAction(resolveLineAction, { onSuccess, onError });
  const missing = useAction(resolveMissingAction, { onSuccess, onError });
  const pending = line.isPending || missing.isPending;
  const trimmed = note.trim();
  const noteErrors = failureFields(failure).note;

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setFailure(undefined);
      }}
    >
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm" aria-label={`Resolve ${what}`}>
          Resolve…
        </Button>
      </DialogTrigger>
      <DialogContent title={`Resolve ${what}`} description={`${verdictLabel}. Say what you checked or did; the note is kept with the item and in the audit log.`}>
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!trimmed) {
              setFailure({ validationErrors: { formErrors: [], fieldErrors: { note: ['Write a note: what you checked or did.'] } } });
              return;
            }
            if (target.kind === 'line') line.execute({ settlementId, importId: target.importId, lineNo: target.lineNo, note: trimmed });
            else missing.execute({ settlementId, importId: target.importId, operationId: target.operationId, note: trimmed });
          }}
        >
          <Field label="Resolution note" hint={`${note.length.toLocaleString('en-GB')} of ${RESOLUTION_NOTE_MAX.toLocaleString('en-GB')} characters`} errors={noteErrors}>
            {(c) => (
              <textarea
                {...c}
                name="note"
                aria-required="true"
                maxLength={RESOLUTION_NOTE_MAX}
                rows={4}
                value={note}
                onChange={(e) => setNote(e.target.value)}
                className="w-full rounded-md border border-input bg-card px-3 py-2 text-sm shadow-xs aria-invalid:border-danger"
              />
            )}
          </Field>
          {failure && !noteErrors && <Alert tone="danger">{failureMessage(failure)}</Alert>}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={pending}>
              Mark as resolved
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
