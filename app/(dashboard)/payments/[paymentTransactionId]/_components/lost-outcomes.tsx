'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { resolveOutcomesAction } from '../../actions';

/**
 * Operations on this payment whose answer from Klarna was lost and whose outcome is still not
 * known (Klarna could not be read either). Actions wait until it is; "Check with Klarna" reads
 * the payment and says what each came to. Stays mounted across the refresh that follows, so
 * the answer remains on screen once the lost operations are gone.
 */
export function LostOutcomes({
  accountId,
  paymentTransactionId,
  unresolved,
}: {
  accountId: string;
  paymentTransactionId: string;
  unresolved: string[];
}) {
  const [learnt, setLearnt] = useState<string[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const action = useAction(resolveOutcomesAction, {
    onSuccess: ({ data }) => {
      setFailure(null);
      setLearnt(data?.messages ?? []);
    },
    onError: ({ error }) => setFailure(failureMessage(error as ActionFailure)),
  });
  if (!unresolved.length && !learnt.length) return null;
  return (
    <div className="mb-4 grid gap-2">
      {unresolved.length > 0 && (
        <Alert tone="warning" title="An operation’s outcome is not known yet">
          <div className="grid gap-2">
            {unresolved.map((sentence) => (
              <p key={sentence}>{sentence}</p>
            ))}
            <p>Actions on this payment wait until Klarna tells what happened.</p>
            {failure && <p className="text-danger">{failure}</p>}
            <div>
              <Button
                size="sm"
                variant="secondary"
                pending={action.isPending}
                onClick={() => action.execute({ accountId, paymentTransactionId })}
              >
                Check with Klarna
              </Button>
            </div>
          </div>
        </Alert>
      )}
      {learnt.map((sentence) => (
        <Alert key={sentence} tone="info" title="Read from Klarna">
          {sentence}
        </Alert>
      ))}
    </div>
  );
}
