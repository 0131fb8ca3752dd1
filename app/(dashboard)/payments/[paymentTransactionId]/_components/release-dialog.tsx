'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { FailureAlert } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { formatMinorUnits } from '@/lib/ui/money';
import { releaseAction } from '../../actions';
import { OutcomeNotice, Restatement, useOperationDialog } from '@/components/forms/operation-kit';
import type { PaymentView } from './view';

/**
 * Klarna's void: releases what remains authorized, so nothing more can be captured. The
 * payment ends COMPLETED when something was captured, else CLOSED. Irreversible: the dialog
 * restates the amount and asks a second time.
 */
export function ReleaseDialog({
  payment,
  disabledReason,
  reasonId,
}: {
  payment: PaymentView;
  disabledReason: string | null;
  reasonId?: string;
}) {
  const { currency } = payment;
  // The amount asked about stays as it was when the dialog opened, while the page moves on below it.
  const [asked, setAsked] = useState(payment.remaining);
  const dialog = useOperationDialog({ onOpen: () => setAsked(payment.remaining) });
  const amount = formatMinorUnits(dialog.outcome ? asked : payment.remaining, currency);
  const action = useAction(
    releaseAction,
    dialog.callbacks(() => `Released ${amount} at Klarna.`),
  );

  return (
    <Dialog open={dialog.open} onOpenChange={dialog.onOpenChange}>
      <DialogTrigger asChild>
        <Button
          variant="secondary"
          size="sm"
          disabled={Boolean(disabledReason)}
          aria-describedby={disabledReason ? reasonId : undefined}
        >
          Release remaining…
        </Button>
      </DialogTrigger>
      <DialogContent title="Release the remaining authorization?">
        <div className="grid gap-4">
          <Restatement
            lead={
              <>
                Release <strong>{amount}</strong> still authorized on payment{' '}
                <strong className="break-all">{payment.label}</strong> for <strong>{payment.merchantName}</strong>?
                Nothing more can be captured afterwards; this cannot be undone.
              </>
            }
            items={[
              ['Release', amount],
              ['Captured so far', formatMinorUnits(payment.captured, currency)],
              [
                'Payment afterwards',
                payment.captured > 0 ? 'Completed (refunds remain possible)' : 'Closed (nothing was captured)',
              ],
            ]}
          />
          <OutcomeNotice outcome={dialog.outcome} />
          <FailureAlert failure={dialog.submission.failure} shown={[]} />
          <div className="flex justify-end gap-2">
            <Button
              type="button"
              variant={dialog.outcome?.made ? 'primary' : 'secondary'}
              onClick={() => dialog.close()}
            >
              {dialog.outcome?.made ? 'Done' : 'Cancel'}
            </Button>
            {!dialog.outcome?.made && (
              <Button
                type="button"
                variant="danger"
                pending={action.isPending}
                onClick={() =>
                  action.execute({
                    accountId: payment.accountId,
                    paymentTransactionId: payment.paymentTransactionId,
                    intentId: dialog.submission.intentId,
                  })
                }
              >
                Release {amount}
              </Button>
            )}
          </div>
        </div>
      </DialogContent>
    </Dialog>
  );
}
