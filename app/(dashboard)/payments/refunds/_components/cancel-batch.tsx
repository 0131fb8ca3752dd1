'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { cancelRefundBatchAction } from '../actions';

/** Cancels a batch not finished: rows not sent yet are never sent; a row already at Klarna finishes. */
export function CancelBatch({ batchId, running }: { batchId: string; running: boolean }) {
  return (
    <ConfirmButton
      label="Cancel batch"
      title="Cancel this batch?"
      description={
        running
          ? 'Rows not sent yet will not be sent. Refunds already made stay made.'
          : 'Nothing has been sent; the batch will not run.'
      }
      confirmLabel="Cancel batch"
      successMessage="Batch cancelled."
      run={() => cancelRefundBatchAction({ batchId })}
    />
  );
}
