'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { Ban, RefreshCw } from 'lucide-react';
import { toast } from 'sonner';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { errorsOf } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { failureMessage } from '@/lib/ui/action-result';
import { formatDateTime } from '@/lib/ui/format';
import { checkCancellationAction, requestCancelAction } from '../actions';

/** Asks Klarna to cancel an order's card settlement: cancelled at once, or pending until a decision. */
export function CancelOrderDialog() {
  const [orderId, setOrderId] = useState('');
  const dialog = useActionDialog(() => setOrderId(''));
  const { execute, isPending } = useAction(requestCancelAction, {
    onSuccess: ({ data }) =>
      dialog.succeed(
        data.status === 'PENDING'
          ? `Cancellation pending; Klarna decides after ${formatDateTime(new Date(data.checkAfter!))} UTC.`
          : `Order ${data.status === 'CANCELLED' ? 'cancelled' : data.status.toLowerCase()}.`,
      ),
    onError: dialog.submission.onError,
  });
  const fields = errorsOf(dialog.submission.failure);
  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button variant="secondary">
          <Ban aria-hidden /> Cancel an order
        </Button>
      }
      title="Request an order's cancellation"
      description="Only an order with a card settlement can be cancelled here. Klarna answers Cancelled at once, or Pending with a time after which it decides; the dashboard asks again then."
      shown={['orderId']}
      submitLabel="Request cancellation"
      submitVariant="danger"
      pending={isPending}
      onSubmit={() => execute({ orderId, intentId: dialog.submission.intentId })}
    >
      <Field label="Order id" errors={fields.orderId}>
        {(c) => (
          <Input
            {...c}
            autoComplete="off"
            spellCheck={false}
            value={orderId}
            onChange={(e) => setOrderId(e.target.value)}
          />
        )}
      </Field>
    </ActionDialog>
  );
}

/** Asks Klarna for the status now instead of waiting for the job. */
export function CheckCancellationButton({ orderId }: { orderId: string }) {
  const { execute, isPending } = useAction(checkCancellationAction, {
    onSuccess: ({ data }) => toast.success(`Order ${orderId}: ${data.status.toLowerCase()}.`),
    onError: ({ error }) => toast.error(failureMessage(error as Parameters<typeof failureMessage>[0])),
  });
  return (
    <Button size="sm" variant="ghost" pending={isPending} onClick={() => execute({ orderId })}>
      <RefreshCw aria-hidden /> Check now
    </Button>
  );
}
