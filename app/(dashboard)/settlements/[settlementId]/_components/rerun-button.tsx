'use client';

import { useAction } from 'next-safe-action/hooks';
import { RefreshCw } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { rerunReconciliationAction } from '../../actions';

/** Re-runs the verdicts of this payout's report against the captures and refunds known now; resolutions stay. */
export function RerunButton({ settlementId }: { settlementId: string }) {
  const action = useAction(rerunReconciliationAction, {
    onSuccess: ({ data }) => {
      if (data)
        toast.success(
          data.open === 0
            ? 'Reconciled again: nothing left to review.'
            : `Reconciled again: ${data.open.toLocaleString('en-GB')} ${data.open === 1 ? 'item' : 'items'} to review.`,
        );
    },
    onError: ({ error }) => toast.error(failureMessage(error as ActionFailure)),
  });
  return (
    <Button variant="secondary" pending={action.isPending} onClick={() => action.execute({ settlementId })}>
      {!action.isPending && <RefreshCw aria-hidden />} Re-run reconciliation
    </Button>
  );
}
