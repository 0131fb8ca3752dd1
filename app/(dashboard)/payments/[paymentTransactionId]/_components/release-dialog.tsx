'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { toast } from 'sonner';
import { FailureAlert, useSubmission } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { formatMinorUnits } from '@/lib/ui/money';
import { releaseAction } from '../../actions';
import { OutcomeNotice, Restatement, resolvedOf, type ResolvedOutcome } from '@/components/forms/operation-kit';
import type { PaymentView } from './view';

/**
 * Klarna's void: releases what remains authorized, so nothing more can be captured. The
 * payment ends COMPLETED when something was captured, else CLOSED. Irreversible: the dialog
 * restates the amount and asks a second time.
 */
export function ReleaseDialog({ payment, disabledReason, reasonId }: { payment: PaymentView; disabledReason: string | null; reasonId?: string }) {
  const { currency } = payment;
  const [open, setOpen] = useState(false);
  const submission = useSubmission();
  const [outcome, setOutcome] = useState<ResolvedOutcome | null>(null);
  // The amount asked about stays as it was when the dialog opened, while the page moves on below it.
  const [asked, setAsked] = useState(payment.remaining);
  const amount = formatMinorUnits(outcome ? asked : payment.remaining, currency);
  const action = useAction(releaseAction, {
    onSuccess: ({ data }) => {
      const resolved = resolvedOf(data);
      if (resolved) {
        // Made: that intent is over, so anything sent from this dialog now is a new one.
        if (resolved.made) submission.begin();
        return setOutcome(resolved);
      }
      toast.success(`Released ${amount} at Klarna.`);
      setOpen(false);
    },
    onError: submission.onError,
  });

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          setOutcome(null);
          setAsked(payment.remaining);
          submission.begin();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm" disabled={Boolean(disabledReason)} aria-describedby={disabledReason ? reasonId : undefined}>
          Release remaining…
        </Button>
      </DialogTrigger>
      <DialogContent title="Release the remaining authorization?">
        <div className="grid gap-4">
          <Restatement
            lead={
              <>
                Release <strong>{amount}</strong> still authorized on payment <strong className="break-all">{payment.label}</strong> for <strong>{payment.merchantName}</strong>? Nothing more can be captured afterwards; this cannot be undone.
              </>
            }
            items={[
              ['Release', amount],
              ['Captured so far', formatMinorUnits(payment.captured, currency)],
              ['Payment afterwards', payment.captured > 0 ? 'Completed (refunds remain possible)' : 'Closed (nothing was captured)'],
            ]}
          />
          <OutcomeNotice outcome={outcome} />
          <FailureAlert failure={submission.failure} shown={[]} />
          <div className="flex justify-end gap-2">
            <Button type="button" variant={outcome?.made ? 'primary' : 'secondary'} onClick={() => setOpen(false)}>
              {outcome?.made ? 'Done' : 'Cancel'}
            </Button>
            {!outcome?.made && (
              <Button type="button" variant="danger" pending={action.isPending} onClick={() => action.execute({ accountId: payment.accountId, paymentTransactionId: payment.paymentTransactionId, intentId: submission.intentId })}>
                Release {amount}
              </Button>
            )}
          </div>
        </div>
      </DialogContent>
    </Dialog>
  );
}
