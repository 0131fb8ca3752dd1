'use client';

import { useAction } from 'next-safe-action/hooks';
import { RefreshCw } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { refreshPaymentAction } from '../../actions';

/** "Refresh from Klarna" (any role): reads the transaction and repairs the dashboard's copy; drift lands on the timeline. */
export function RefreshButton({
  accountId,
  paymentTransactionId,
  variant = 'secondary',
}: {
  accountId: string;
  paymentTransactionId: string;
  variant?: 'secondary' | 'primary';
}) {
  const action = useAction(refreshPaymentAction, {
    onSuccess: () => toast.success('Read from Klarna: the payment is up to date.'),
    onError: ({ error }) => toast.error(failureMessage(error as ActionFailure)),
  });
  return (
    <Button
      variant={variant}
      size="sm"
      pending={action.isPending}
      onClick={() => action.execute({ accountId, paymentTransactionId })}
    >
      {!action.isPending && <RefreshCw aria-hidden />} Refresh from Klarna
    </Button>
  );
}
