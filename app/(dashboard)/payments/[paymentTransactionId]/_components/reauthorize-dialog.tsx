'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { toast } from 'sonner';
import { errorsOf, FailureAlert, useSubmission } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { formatMajorDecimal, formatMinorUnits, parseMajorAmount } from '@/lib/ui/money';
import { reauthorizeAction } from '../../actions';
import { AmountField, Restatement, resolvedOf, ReviewActions, type ResolvedOutcome } from '@/components/forms/operation-kit';
import { hasFieldErrors } from './submit-state';
import type { PaymentView } from './view';

/**
 * A new authorization with a new expiry (seed, "Re authorize a payment transaction"), before
 * expiry or within 7 days after; the amount may change but must exceed what was captured.
 * Klarna assesses the risk again and may refuse.
 */
export function ReauthorizeDialog({ payment, disabledReason, reasonId }: { payment: PaymentView; disabledReason: string | null; reasonId?: string }) {
  const { currency } = payment;
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState<'form' | 'review'>('form');
  const [amountText, setAmountText] = useState('');
  const [local, setLocal] = useState<Record<string, string[]>>({});
  const [amount, setAmount] = useState(0);
  const [outcome, setOutcome] = useState<ResolvedOutcome | null>(null);
  const submission = useSubmission();
  const action = useAction(reauthorizeAction, {
    onSuccess: ({ data }) => {
      const resolved = resolvedOf(data);
      if (resolved) {
        // Made: that intent is over, so anything sent from this dialog now is a new one.
        if (resolved.made) submission.begin();
        return setOutcome(resolved);
      }
      toast.success(`Reauthorized for ${formatMinorUnits(amount, currency)} at Klarna.`);
      setOpen(false);
    },
    onError: (args) => {
      submission.onError(args);
      if (hasFieldErrors(args.error)) setStep('form');
    },
  });
  const errors = { ...errorsOf(submission.failure), ...local };

  function review() {
    const parsed = parseMajorAmount(amountText, currency);
    if (!parsed.ok) return setLocal({ amount: [`Enter ${parsed.message}.`] });
    if (parsed.minor <= payment.captured) {
      return setLocal({ amount: [payment.captured > 0 ? `The new authorization must exceed the ${formatMinorUnits(payment.captured, currency)} already captured.` : `Enter at least ${formatMinorUnits(1, currency)}.`] });
    }
    setLocal({});
    setAmount(parsed.minor);
    setStep('review');
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          setStep('form');
          setAmountText(formatMajorDecimal(payment.authorized, currency));
          setLocal({});
          setOutcome(null);
          submission.begin();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm" disabled={Boolean(disabledReason)} aria-describedby={disabledReason ? reasonId : undefined}>
          Reauthorize…
        </Button>
      </DialogTrigger>
      <DialogContent title="Reauthorize payment" description="Klarna authorizes the payment again with a new expiry, after a new risk assessment.">
        {step === 'form' ? (
          <form
            className="grid gap-4"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              review();
            }}
          >
            <FailureAlert failure={submission.failure} shown={['amount']} />
            <AmountField
              label="New authorized amount"
              value={amountText}
              onChange={setAmountText}
              errors={errors}
              currency={currency}
              hint={`Now ${formatMinorUnits(payment.authorized, currency)}${payment.captured > 0 ? `; it must exceed the ${formatMinorUnits(payment.captured, currency)} captured` : ''}.`}
            />
            <div className="flex justify-end gap-2">
              <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit">Review reauthorization</Button>
            </div>
          </form>
        ) : (
          <div className="grid gap-4">
            <Restatement
              lead={
                <>
                  Reauthorize payment <strong className="break-all">{payment.label}</strong> for <strong>{payment.merchantName}</strong> for <strong>{formatMinorUnits(amount, currency)}</strong>?
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
              outcome={outcome}
              failure={submission.failure}
              pending={action.isPending}
              onBack={() => setStep('form')}
              onDone={() => setOpen(false)}
              onConfirm={() => action.execute({ accountId: payment.accountId, paymentTransactionId: payment.paymentTransactionId, intentId: submission.intentId, request: { amount } })}
              confirm={<>Reauthorize for {formatMinorUnits(amount, currency)}</>}
            />
          </div>
        )}
      </DialogContent>
    </Dialog>
  );
}
