'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { errorsOf } from '@/components/forms/form-kit';
import { formatMajorDecimal, formatMinorUnits, parseMajorAmount } from '@/lib/ui/money';
import { reauthorizeAction } from '../../actions';
import {
  AmountField,
  OperationDialog,
  operationTrigger,
  useOperationDialog,
  type OperationTriggerProps,
} from '@/components/forms/operation-kit';
import { type PaymentView, operationInput } from './view';

/**
 * A new authorization with a new expiry (seed, "Re authorize a payment transaction"), before
 * expiry or within 7 days after; the amount may change but must exceed what was captured.
 * Klarna assesses the risk again and may refuse.
 */
export function ReauthorizeDialog({ payment, ...trigger }: { payment: PaymentView } & OperationTriggerProps) {
  const { currency } = payment;
  const [amountText, setAmountText] = useState('');
  const [local, setLocal] = useState<Record<string, string[]>>({});
  const [amount, setAmount] = useState(0);
  const dialog = useOperationDialog({
    onOpen: () => {
      setAmountText(formatMajorDecimal(payment.authorized, currency));
      setLocal({});
    },
  });
  const action = useAction(
    reauthorizeAction,
    dialog.callbacks(() => `Reauthorized for ${formatMinorUnits(amount, currency)} at Klarna.`),
  );
  const errors = { ...errorsOf(dialog.submission.failure), ...local };

  function review() {
    const parsed = parseMajorAmount(amountText, currency);
    if (!parsed.ok) return setLocal({ amount: [`Enter ${parsed.message}.`] });
    if (parsed.minor <= payment.captured) {
      return setLocal({
        amount: [
          payment.captured > 0
            ? `The new authorization must exceed the ${formatMinorUnits(payment.captured, currency)} already captured.`
            : `Enter at least ${formatMinorUnits(1, currency)}.`,
        ],
      });
    }
    setLocal({});
    setAmount(parsed.minor);
    dialog.setStep('review');
  }

  return (
    <OperationDialog
      dialog={dialog}
      trigger={operationTrigger('Reauthorize…', trigger)}
      title="Reauthorize payment"
      description="Klarna authorizes the payment again with a new expiry, after a new risk assessment."
      shown={['amount']}
      reviewLabel="Review reauthorization"
      onReview={review}
      review={{
        lead: (
          <>
            Reauthorize payment <strong className="break-all">{payment.label}</strong> for{' '}
            <strong>{payment.merchantName}</strong> for <strong>{formatMinorUnits(amount, currency)}</strong>?
          </>
        ),
        items: [
          ['New authorization', formatMinorUnits(amount, currency)],
          ['Authorized now', formatMinorUnits(payment.authorized, currency)],
          ['Captured so far', formatMinorUnits(payment.captured, currency)],
          ['Left to capture afterwards', formatMinorUnits(amount - payment.captured, currency)],
        ],
      }}
      pending={action.isPending}
      onConfirm={() =>
        action.execute({
          ...operationInput(payment, dialog.submission.intentId),
          request: { amount },
        })
      }
      confirm={<>Reauthorize for {formatMinorUnits(amount, currency)}</>}
    >
      <AmountField
        label="New authorized amount"
        value={amountText}
        onChange={setAmountText}
        errors={errors}
        currency={currency}
        hint={`Now ${formatMinorUnits(payment.authorized, currency)}${payment.captured > 0 ? `; it must exceed the ${formatMinorUnits(payment.captured, currency)} captured` : ''}.`}
      />
    </OperationDialog>
  );
}
