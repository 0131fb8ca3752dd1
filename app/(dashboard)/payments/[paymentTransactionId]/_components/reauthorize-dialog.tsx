'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { FormActions } from '@/components/forms/action-dialog';
import { errorsOf, FailureAlert } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { formatMajorDecimal, formatMinorUnits, parseMajorAmount } from '@/lib/ui/money';
import { reauthorizeAction } from '../../actions';
import { AmountField, Restatement, ReviewActions, useOperationDialog } from '@/components/forms/operation-kit';
import type { PaymentView } from './view';

/**
 * A new authorization with a new expiry (seed, "Re authorize a payment transaction"), before
 * expiry or within 7 days after; the amount may change but must exceed what was captured.
 * Klarna assesses the risk again and may refuse.
 */
export function ReauthorizeDialog({
  payment,
  disabledReason,
  reasonId,
}: {
  payment: PaymentView;
  disabledReason: string | null;
  reasonId?: string;
}) {
  const { currency } = payment;
  const [step, setStep] = useState<'form' | 'review'>('form');
  const [amountText, setAmountText] = useState('');
  const [local, setLocal] = useState<Record<string, string[]>>({});
  const [amount, setAmount] = useState(0);
  const dialog = useOperationDialog({
    onOpen: () => {
      setStep('form');
      setAmountText(formatMajorDecimal(payment.authorized, currency));
      setLocal({});
    },
    onFieldErrors: () => setStep('form'),
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
    setStep('review');
  }

  return (
    <Dialog open={dialog.open} onOpenChange={dialog.onOpenChange}>
      <DialogTrigger asChild>
        <Button
          variant="secondary"
          size="sm"
          disabled={Boolean(disabledReason)}
          aria-describedby={disabledReason ? reasonId : undefined}
        >
          Reauthorize…
        </Button>
      </DialogTrigger>
      <DialogContent
        title="Reauthorize payment"
        description="Klarna authorizes the payment again with a new expiry, after a new risk assessment."
      >
        {step === 'form' ? (
          <form
            className="grid gap-4"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              review();
            }}
          >
            <FailureAlert failure={dialog.submission.failure} shown={['amount']} />
            <AmountField
              label="New authorized amount"
              value={amountText}
              onChange={setAmountText}
              errors={errors}
              currency={currency}
              hint={`Now ${formatMinorUnits(payment.authorized, currency)}${payment.captured > 0 ? `; it must exceed the ${formatMinorUnits(payment.captured, currency)} captured` : ''}.`}
            />
            <FormActions onCancel={dialog.close} submitLabel="Review reauthorization" />
          </form>
        ) : (
          <div className="grid gap-4">
            <Restatement
              lead={
                <>
                  Reauthorize payment <strong className="break-all">{payment.label}</strong> for{' '}
                  <strong>{payment.merchantName}</strong> for <strong>{formatMinorUnits(amount, currency)}</strong>?
                </>
              }
              items={[
                ['New authorization', formatMinorUnits(amount, currency)],
                ['Authorized now', formatMinorUnits(payment.authorized, currency)],
                ['Captured so far', formatMinorUnits(payment.captured, currency)],
                ['Left to capture afterwards', formatMinorUnits(amount - payment.captured, currency)],
              ]}
            />
            <ReviewActions
              outcome={dialog.outcome}
              failure={dialog.submission.failure}
              pending={action.isPending}
              onBack={() => setStep('form')}
              onDone={() => dialog.close()}
              onConfirm={() =>
                action.execute({
                  accountId: payment.accountId,
                  paymentTransactionId: payment.paymentTransactionId,
                  intentId: dialog.submission.intentId,
                  request: { amount },
                })
              }
              confirm={<>Reauthorize for {formatMinorUnits(amount, currency)}</>}
            />
          </div>
        )}
      </DialogContent>
    </Dialog>
  );
}
