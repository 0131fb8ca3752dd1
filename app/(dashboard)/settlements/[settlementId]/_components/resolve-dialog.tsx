'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { errorsOf, TextAreaField } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { resolveLineAction, resolveMissingAction } from '../../actions';

/** The server's limit (RESOLUTION_NOTE_MAX in lib/settlements/resolve.ts, which the browser bundle must not import). */
const RESOLUTION_NOTE_MAX = 1000;

export type ResolveTarget =
  { kind: 'line'; importId: string; lineNo: number } | { kind: 'missing'; importId: string; operationId: string };

/**
 * "Resolve…" on a line or missing item that needs attention: the operator writes what they
 * checked or did (required, up to 1,000 characters); the server records who, when and the
 * note, audits it, and the payout's open count goes down.
 */
export function ResolveDialog({
  settlementId,
  target,
  what,
  verdictLabel,
}: {
  settlementId: string;
  target: ResolveTarget;
  what: string;
  verdictLabel: string;
}) {
  const [note, setNote] = useState('');
  const [empty, setEmpty] = useState(false);
  const dialog = useActionDialog(() => setEmpty(false));
  const onSuccess = () => {
    dialog.succeed(`Resolved ${what}.`);
    setNote('');
  };
  const line = useAction(resolveLineAction, { onSuccess, onError: dialog.submission.onError });
  const missing = useAction(resolveMissingAction, { onSuccess, onError: dialog.submission.onError });
  const trimmed = note.trim();
  const noteErrors = empty ? ['Write a note: what you checked or did.'] : errorsOf(dialog.submission.failure).note;

  function submit() {
    setEmpty(!trimmed);
    if (!trimmed) return;
    if (target.kind === 'line')
      line.execute({ settlementId, importId: target.importId, lineNo: target.lineNo, note: trimmed });
    else missing.execute({ settlementId, importId: target.importId, operationId: target.operationId, note: trimmed });
  }

  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button variant="secondary" size="sm" aria-label={`Resolve ${what}`}>
          Resolve…
        </Button>
      }
      title={`Resolve ${what}`}
      description={`${verdictLabel}. Say what you checked or did; the note is kept with the item and in the audit log.`}
      shown={['note']}
      submitLabel="Mark as resolved"
      pending={line.isPending || missing.isPending}
      onSubmit={submit}
    >
      <TextAreaField
        label="Resolution note"
        name="note"
        value={note}
        onChange={setNote}
        errors={{ note: noteErrors ?? [] }}
        hint={`${note.length.toLocaleString('en-GB')} of ${RESOLUTION_NOTE_MAX.toLocaleString('en-GB')} characters`}
        rows={4}
        maxLength={RESOLUTION_NOTE_MAX}
        required
      />
    </ActionDialog>
  );
}
