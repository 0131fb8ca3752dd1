'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { changePaymentProductAction } from '../../actions';
import { errorsOf, FailureAlert, useSubmission } from '@/components/forms/form-kit';

const MIN_REASON = 3;

/**
 * Seed test case 3: suspend the payment product and revert it. The dialog restates what the
 * change does and asks why (the reason goes to the audit log); Klarna's refusal (terminated,
 * disabled by Klarna, still being set up) is shown inside it with its error id.
 */
export function ProductDialog({ accountId, accountName, action: kind, disabledReason }: { accountId: string; accountName: string; action: 'enable' | 'disable'; disabledReason: string | null }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const submission = useSubmission();
  const action = useAction(changePaymentProductAction, {
    onSuccess: () => {
      toast.success(kind === 'disable' ? `Payment product of ${accountName} disabled at Klarna.` : `Payment product of ${accountName} enabled at Klarna.`);
      setOpen(false);
    },
    onError: submission.onError,
  });
  const errors = errorsOf(submission.failure);
  const disable = kind === 'disable';
  const label = disable ? 'Disable payment product' : 'Enable payment product';

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (next) {
      setReason('');
      setTooShort(false);
      submission.begin();
    }
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant={disable ? 'danger' : 'primary'} size="sm" disabled={Boolean(disabledReason)} aria-describedby={disabledReason ? 'product-disabled-reason' : undefined}>
          {label}…
        </Button>
      </DialogTrigger>
      <DialogContent title={disable ? 'Disable the payment product?' : 'Enable the payment product?'}>
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim().length < MIN_REASON) {
              setTooShort(true);
              return;
            }
            setTooShort(false);
            action.execute({ accountId, action: kind, reason: reason.trim(), intentId: submission.intentId });
          }}
        >
          <div className="grid gap-2 text-sm">
            {disable ? (
              <>
                <p>
                  <strong>{accountName}</strong> will not be able to process <strong>new payment requests</strong> with Klarna until the product is enabled again.
                </p>
                <p className="text-muted-foreground">Post-purchase operations on existing payments (capture, refund, void) still work. You can revert this yourself later.</p>
              </>
            ) : (
              <p>
                <strong>{accountName}</strong> will be able to process new payment requests with Klarna again.
              </p>
            )}
          </div>
          <FailureAlert failure={submission.failure} shown={['reason']} />
          <Field label="Reason" hint="Kept in the audit log with your name. At least 3 characters." errors={tooShort ? ['Say why (at least 3 characters)'] : errors.reason}>
            {(c) => (
              <textarea
                {...c}
                name="reason"
                rows={3}
                maxLength={500}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                className="w-full rounded-md border border-input bg-card px-3 py-2 text-sm shadow-xs aria-invalid:border-danger"
              />
            )}
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" variant={disable ? 'danger' : 'primary'} pending={action.isPending}>
              {label}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
