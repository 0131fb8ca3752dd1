'use client';

import { useState, useTransition } from 'react';
import { toast } from 'sonner';
import { failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { Alert } from './alert';
import { Button, type ButtonProps } from './button';
import { Dialog, DialogContent, DialogTrigger } from './dialog';

type ActionOutcome = ActionFailure & { data?: unknown };

/**
 * A button that asks before it acts: a dialog restating what will happen, the action's error
 * inside the dialog, a toast on success. `run` calls a server action and returns its result.
 */
export function ConfirmButton({
  label,
  title,
  description,
  confirmLabel,
  successMessage,
  run,
  variant = 'secondary',
  confirmVariant = 'danger',
  size = 'sm',
  disabled,
  disabledReason,
}: {
  label: React.ReactNode;
  title: string;
  description: React.ReactNode;
  confirmLabel: string;
  successMessage: string;
  run: () => Promise<ActionOutcome | undefined>;
  variant?: ButtonProps['variant'];
  confirmVariant?: ButtonProps['variant'];
  size?: ButtonProps['size'];
  disabled?: boolean;
  disabledReason?: string;
}) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setError(null);
      }}
    >
      <DialogTrigger asChild>
        <Button variant={variant} size={size} disabled={disabled} title={disabled ? disabledReason : undefined}>
          {label}
        </Button>
      </DialogTrigger>
      <DialogContent title={title}>
        <div className="grid gap-4">
          <div className="text-sm">{description}</div>
          {error && <Alert tone="danger">{error}</Alert>}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              type="button"
              variant={confirmVariant}
              pending={pending}
              onClick={() =>
                startTransition(async () => {
                  const result = await run().catch(
                    () => ({ serverError: undefined, validationErrors: undefined }) as ActionOutcome,
                  );
                  if (!result || result.serverError || result.validationErrors || result.data === undefined) {
                    setError(failureMessage(result ?? {}));
                    return;
                  }
                  toast.success(successMessage);
                  setOpen(false);
                })
              }
            >
              {confirmLabel}
            </Button>
          </div>
        </div>
      </DialogContent>
    </Dialog>
  );
}
