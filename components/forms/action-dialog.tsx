'use client';

import { useState } from 'react';
import { Pencil, Plus } from 'lucide-react';
import { toast } from 'sonner';
import { Button, type ButtonProps } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { FailureAlert, useSubmission } from './form-kit';

/**
 * The state of a dialog that runs one server action: open or not, the submission (intent id and
 * last failure), and "nothing changed". Opening starts a new intent and calls `onOpen` to reset
 * the fields; `succeed` names what changed in a toast and closes the dialog.
 */
export function useActionDialog(onOpen?: () => void) {
  const [open, setOpen] = useState(false);
  const [unchanged, setUnchanged] = useState(false);
  const submission = useSubmission();
  const succeed = (message: string) => {
    toast.success(message);
    setOpen(false);
  };
  return {
    open,
    submission,
    unchanged,
    setUnchanged,
    onOpenChange(next: boolean) {
      setOpen(next);
      if (next) {
        setUnchanged(false);
        submission.begin();
        onOpen?.();
      }
    },
    close() {
      setOpen(false);
    },
    succeed,
    /** useAction's callbacks: a success toasts `message` and closes; a failure is shown in the dialog. */
    callbacks(message: string) {
      return {
        onSuccess: () => succeed(message),
        onError: submission.onError,
      };
    },
    /** Sends `request` only when it holds a change; otherwise says that nothing changed. */
    sendChanges(request: Record<string, unknown>, send: (request: Record<string, unknown>) => void) {
      const empty = Object.keys(request).length === 0;
      setUnchanged(empty);
      if (!empty) send(request);
    },
  };
}

export type ActionDialogState = ReturnType<typeof useActionDialog>;

/**
 * useActionDialog for an action whose answer is shown once in the dialog (a new user's one-time
 * password, a new credential): `done` holds it until the dialog opens again; a success also
 * toasts `message(data)`.
 */
export function useDoneDialog<T>(onOpen: () => void) {
  const [done, setDone] = useState<T>();
  const dialog = useActionDialog(() => {
    setDone(undefined);
    onOpen();
  });
  return {
    ...dialog,
    done,
    doneCallbacks(message: (data: T) => string) {
      return {
        onSuccess: ({ data }: { data?: T }) => {
          if (data === undefined) return;
          setDone(data);
          toast.success(message(data));
        },
        onError: dialog.submission.onError,
      };
    },
  };
}

/**
 * A dialog holding one form: title, description, the fields, the failure (Klarna's sentence with
 * its error id and any field error no input shows), Cancel and a submit button with its pending
 * state. `shown`: the field names the inputs display themselves. Once `done` is given (what was
 * made, e.g. a secret shown once) the dialog shows it under `doneTitle` with a Done button.
 * Without `trigger` the dialog is opened through `state.onOpenChange(true)` (from a row's menu).
 * A confirmation has no fields: it restates what will happen in `description`.
 */
export function ActionDialog({
  state,
  trigger,
  title,
  description,
  className,
  shown = [],
  submitLabel,
  submitVariant,
  submitDisabled,
  pending,
  onSubmit,
  children,
  done,
  doneTitle,
}: {
  state: ActionDialogState;
  trigger?: React.ReactNode;
  title: string;
  description?: React.ReactNode;
  className?: string;
  shown?: string[];
  submitLabel: React.ReactNode;
  submitVariant?: ButtonProps['variant'];
  submitDisabled?: boolean;
  pending: boolean;
  onSubmit: () => void;
  children?: React.ReactNode;
  done?: React.ReactNode;
  doneTitle?: string;
}) {
  return (
    <Dialog open={state.open} onOpenChange={state.onOpenChange}>
      {trigger !== undefined && <DialogTrigger asChild>{trigger}</DialogTrigger>}
      <DialogContent
        title={done ? (doneTitle ?? title) : title}
        description={done ? undefined : description}
        className={className}
      >
        {done ? (
          <div className="grid gap-4">
            {done}
            <Button onClick={state.close}>Done</Button>
          </div>
        ) : (
          <form
            className="grid gap-4"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              onSubmit();
            }}
          >
            <FailureAlert failure={state.submission.failure} shown={shown} />
            {children}
            {state.unchanged && (
              <p role="status" className="text-sm text-muted-foreground">
                Nothing changed: there is nothing to send to Klarna.
              </p>
            )}
            <FormActions
              onCancel={state.close}
              submitLabel={submitLabel}
              submitVariant={submitVariant}
              submitDisabled={submitDisabled}
              pending={pending}
            />
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

/** The button that opens a dialog editing one card's details. */
export function editTrigger(label: string, disabledReason: string | null) {
  return (
    <Button variant="secondary" size="sm" disabled={Boolean(disabledReason)}>
      <Pencil aria-hidden /> {label}
    </Button>
  );
}

/** The button that opens an add-or-edit dialog: "Edit…" on a row, or "Add …" above the list. */
export function addOrEditTrigger(editing: boolean, addLabel: string, disabledReason: string | null) {
  return editing ? (
    <Button variant="secondary" size="sm" disabled={Boolean(disabledReason)} title={disabledReason ?? undefined}>
      Edit…
    </Button>
  ) : (
    <Button size="sm" disabled={Boolean(disabledReason)}>
      <Plus aria-hidden /> {addLabel}
    </Button>
  );
}

/** A form's last row: Cancel, then its submit button (with its pending state). */
export function FormActions({
  onCancel,
  submitLabel,
  submitVariant,
  submitDisabled,
  pending = false,
}: {
  onCancel: () => void;
  submitLabel: React.ReactNode;
  submitVariant?: ButtonProps['variant'];
  submitDisabled?: boolean;
  pending?: boolean;
}) {
  return (
    <div className="flex justify-end gap-2">
      <Button type="button" variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" variant={submitVariant} pending={pending} disabled={submitDisabled}>
        {submitLabel}
      </Button>
    </div>
  );
}

/** The button that opens a confirmation; disabled with its reason as the title. */
export function confirmTrigger(
  label: React.ReactNode,
  {
    variant = 'secondary',
    size = 'sm',
    disabledReason = null,
  }: { variant?: ButtonProps['variant']; size?: ButtonProps['size']; disabledReason?: string | null } = {},
) {
  return (
    <Button variant={variant} size={size} disabled={Boolean(disabledReason)} title={disabledReason ?? undefined}>
      {label}
    </Button>
  );
}
