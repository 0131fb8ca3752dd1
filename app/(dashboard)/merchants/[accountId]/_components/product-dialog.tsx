'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { errorsOf, TextAreaField } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { changePaymentProductAction } from '../../actions';

const MIN_REASON = 3;

/**
 * Seed test case 3: suspend the payment product and revert it. The dialog restates what the
 * change does and asks why (the reason goes to the audit log); Klarna's refusal (terminated,
 * disabled by Klarna, still being set up) is shown inside it with its error id.
 */
export function ProductDialog({
  accountId,
  accountName,
  action: kind,
  disabledReason,
}: {
  accountId: string;
  accountName: string;
  action: 'enable' | 'disable';
  disabledReason: string | null;
}) {
  const [reason, setReason] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const dialog = useActionDialog(() => {
    setReason('');
    setTooShort(false);
  });
  const disable = kind === 'disable';
  const action = useAction(changePaymentProductAction, {
    onSuccess: () => dialog.succeed(`Payment product of ${accountName} ${disable ? 'disabled' : 'enabled'} at Klarna.`),
    onError: dialog.submission.onError,
  });
  const errors = errorsOf(dialog.submission.failure);
  const label = disable ? 'Disable payment product' : 'Enable payment product';

  function submit() {
    setTooShort(reason.trim().length < MIN_REASON);
    if (reason.trim().length >= MIN_REASON)
      action.execute({ accountId, action: kind, reason: reason.trim(), intentId: dialog.submission.intentId });
  }

  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button
          variant={disable ? 'danger' : 'primary'}
          size="sm"
          disabled={Boolean(disabledReason)}
          aria-describedby={disabledReason ? 'product-disabled-reason' : undefined}
        >
          {label}…
        </Button>
      }
      title={disable ? 'Disable the payment product?' : 'Enable the payment product?'}
      shown={['reason']}
      submitLabel={label}
      submitVariant={disable ? 'danger' : 'primary'}
      pending={action.isPending}
      onSubmit={submit}
    >
      <div className="grid gap-2 text-sm">
        {disable ? (
          <>
            <p>
              <strong>{accountName}</strong> will not be able to process <strong>new payment requests</strong> with
              Klarna until the product is enabled again.
            </p>
            <p className="text-muted-foreground">
              Post-purchase operations on existing payments (capture, refund, void) still work. You can revert this
              yourself later.
            </p>
          </>
        ) : (
          <p>
            <strong>{accountName}</strong> will be able to process new payment requests with Klarna again.
          </p>
        )}
      </div>
      <TextAreaField
        label="Reason"
        name="reason"
        value={reason}
        onChange={setReason}
        errors={tooShort ? { reason: ['Say why (at least 3 characters)'] } : errors}
        hint="Kept in the audit log with your name. At least 3 characters."
        rows={3}
        maxLength={500}
      />
    </ActionDialog>
  );
}
