'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { formatMinorUnits } from '@/lib/ui/money';
import { releaseAction } from '../../actions';
import {
  OperationDialog,
  operationTrigger,
  useOperationDialog,
  type OperationTriggerProps,
} from '@/components/forms/operation-kit';
import { type PaymentView, operationInput } from './view';

/**
 * Klarna's void: releases what remains authorized, so nothing more can be captured. The
 * payment ends COMPLETED when something was captured, else CLOSED. Irreversible: the dialog
 * restates the amount and asks a second time.
 */
export function ReleaseDialog({ payment, ...trigger }: { payment: PaymentView } & OperationTriggerProps) {
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
    <OperationDialog
      dialog={dialog}
      trigger={operationTrigger('Release remaining…', trigger)}
      title="Release the remaining authorization?"
      review={{
        lead: (
          <>
            Release <strong>{amount}</strong> still authorized on payment{' '}
            <strong className="break-all">{payment.label}</strong> for <strong>{payment.merchantName}</strong>? Nothing
            more can be captured afterwards; this cannot be undone.
          </>
        ),
        items: [
          ['Release', amount],
          ['Captured so far', formatMinorUnits(payment.captured, currency)],
          [
            'Payment afterwards',
            payment.captured > 0 ? 'Completed (refunds remain possible)' : 'Closed (nothing was captured)',
          ],
        ],
      }}
      pending={action.isPending}
      onConfirm={() =>
        action.execute({
          ...operationInput(payment, dialog.submission.intentId),
        })
      }
      confirm={<>Release {amount}</>}
      confirmVariant="danger"
    />
  );
}
