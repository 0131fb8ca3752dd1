'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { FormActions } from '@/components/forms/action-dialog';
import { errorsOf, FailureAlert, TextField } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/input';
import { formatMajorDecimal, formatMinorUnits } from '@/lib/ui/money';
import { refundAction } from '../../actions';
import { chosenLines, lineKey, lineNote, quantitiesByKey, type WireLine } from '@/lib/payments/lines';
import {
  linesSummary,
  OutcomeNotice,
  readAmount,
  Restatement,
  useOperationDialog,
  type PickerRow,
  AmountOrLines,
  type AmountMode,
} from '@/components/forms/operation-kit';
import { captureLabel, type CaptureView, type PaymentView } from './view';

type Mode = AmountMode;
type Prepared = {
  amount: number;
  lines: WireLine[] | null;
  request: Record<string, unknown>;
  captureId: string | null;
  reason: string;
};

const MIN_REASON = 3;

function refundableOf(payment: PaymentView, capture: CaptureView | null): number {
  return capture ? capture.amount - capture.refundedAmount : payment.captured - payment.refunded;
}

/**
 * The lines that can be refunded against the whole payment or one capture: what was captured
 * of each (the order's quantity when a capture named no lines) less what was refunded by lines.
 */
function pickerRows(payment: PaymentView, capture: CaptureView | null): PickerRow<WireLine>[] {
  const source = capture?.lines ?? payment.lines;
  const captures = capture ? [capture] : payment.captures;
  const capturedKnown = captures.every((c) => c.lines !== null);
  const captured = quantitiesByKey(captures.map((c) => c.lines ?? []));
  const refunded = quantitiesByKey(capture ? capture.refundedLines : payment.refundedLines);
  return source.map((line) => {
    const key = lineKey(line);
    const got = capturedKnown ? (captured.get(key) ?? 0) : line.quantity;
    const back = refunded.get(key) ?? 0;
    return { line, max: Math.max(0, got - back), done: `${back} of ${got}`, note: lineNote(line) };
  });
}

/**
 * Refund one capture (or, when the payment was captured once, the whole payment), by amount or
 * by lines, with a reason for the audit log. Seed, "Refund payment transaction": with several
 * captures a refund must name its capture, so the whole payment is not offered then.
 */
export function RefundDialog({
  payment,
  disabledReason,
  reasonId,
  captureId: initialCapture,
  triggerLabel = 'Refund…',
  triggerAriaLabel,
}: {
  payment: PaymentView;
  disabledReason: string | null;
  reasonId?: string;
  /** Opens with this capture chosen (the captures table's buttons). */
  captureId?: string;
  triggerLabel?: string;
  triggerAriaLabel?: string;
}) {
  const { currency } = payment;
  const several = payment.captures.length > 1;
  const [step, setStep] = useState<'form' | 'review'>('form');
  const [target, setTarget] = useState('');
  const [mode, setMode] = useState<Mode>('amount');
  const [amountText, setAmountText] = useState('');
  const [quantities, setQuantities] = useState<number[]>([]);
  const [reason, setReason] = useState('');
  const [reference, setReference] = useState('');
  const [local, setLocal] = useState<Record<string, string[]>>({});
  const [sentRows, setSentRows] = useState<number[]>([]);
  const [prepared, setPrepared] = useState<Prepared | null>(null);
  const dialog = useOperationDialog({ onOpen: reset, onFieldErrors: () => setStep('form') });
  const action = useAction(
    refundAction,
    dialog.callbacks(() => `Refunded ${formatMinorUnits(prepared?.amount ?? 0, currency)} at Klarna.`),
  );

  const capture = payment.captures.find((c) => c.id === target) ?? null;
  const refundable = refundableOf(payment, capture);
  const rows = pickerRows(payment, capture);
  const picked = chosenLines(rows.map((r, i) => ({ line: r.line, quantity: quantities[i] ?? 0 })));
  const linesBlocked = rows.length === 0 ? 'Klarna lists no line items for this payment.' : null;
  const errors = { ...errorsOf(dialog.submission.failure), ...local };

  function choose(nextTarget: string) {
    const nextCapture = payment.captures.find((c) => c.id === nextTarget) ?? null;
    const nextRows = pickerRows(payment, nextCapture);
    setTarget(nextTarget);
    setMode('amount');
    setAmountText(formatMajorDecimal(refundableOf(payment, nextCapture), currency));
    setQuantities(nextRows.map(() => 0));
    setLocal({});
    setSentRows([]);
  }

  function reset() {
    // With several captures a refund names its capture: start on the first with something left.
    const fallback = several
      ? (payment.captures.find((c) => c.amount > c.refundedAmount)?.id ?? payment.captures[0]?.id ?? '')
      : '';
    choose(initialCapture ?? fallback);
    setStep('form');
    setReason('');
    setReference('');
    setPrepared(null);
  }

  function review() {
    const next: Record<string, string[]> = {};
    const tooMuch = `Only ${formatMinorUnits(refundable, currency)} ${capture ? `of ${captureLabel(capture).toLowerCase()}` : 'of what was captured'} is left to refund.`;
    let amount = 0;
    let lines: WireLine[] | null = null;
    if (!capture && several) {
      next.captureId = ['Choose the capture to refund: this payment was captured more than once.'];
    } else if (mode === 'amount') {
      const read = readAmount(amountText, currency, { max: refundable, maxMessage: tooMuch });
      if ('error' in read) next.amount = [read.error];
      else amount = read.minor;
    } else if (picked.total < 1) {
      next.amount = ['Choose lines that add up to more than zero.'];
    } else if (picked.total > refundable) {
      next.amount = [`The chosen lines add up to ${formatMinorUnits(picked.total, currency)}. ${tooMuch}`];
    } else {
      amount = picked.total;
      lines = picked.lines;
    }
    if (reason.trim().length < MIN_REASON) next.reason = ['Say why (at least 3 characters)'];
    setLocal(next);
    if (Object.keys(next).length > 0) return;
    setSentRows(lines ? picked.rows : []);
    const request: Record<string, unknown> = { amount };
    if (lines) request.line_items = lines;
    if (reference.trim()) request.refund_reference = reference.trim();
    setPrepared({ amount, lines, request, captureId: capture?.id ?? null, reason: reason.trim() });
    setStep('review');
  }

  const shown = [
    'amount',
    'reason',
    'captureId',
    'refund_reference',
    ...Object.keys(errors).filter((k) => k.startsWith('line_items[')),
  ];
  const preparedCapture = payment.captures.find((c) => c.id === prepared?.captureId) ?? null;

  return (
    <Dialog open={dialog.open} onOpenChange={dialog.onOpenChange}>
      <DialogTrigger asChild>
        <Button
          variant="secondary"
          size="sm"
          disabled={Boolean(disabledReason)}
          aria-describedby={disabledReason ? reasonId : undefined}
          aria-label={triggerAriaLabel}
        >
          {triggerLabel}
        </Button>
      </DialogTrigger>
      <DialogContent
        title="Refund payment"
        description={`${formatMinorUnits(payment.captured - payment.refunded, currency)} of ${formatMinorUnits(payment.captured, currency)} captured can still be refunded.`}
        className="max-w-xl"
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
            <FailureAlert failure={dialog.submission.failure} shown={shown} />
            <Field
              label="Refund against"
              errors={errors.captureId}
              hint={
                several
                  ? `Captured ${payment.captures.length} times: Klarna refunds such a payment one capture at a time.`
                  : undefined
              }
            >
              {(c) => (
                <Select {...c} name="captureId" value={target} onChange={(e) => choose(e.target.value)}>
                  {!several && (
                    <option value="">
                      The whole payment ({formatMinorUnits(payment.captured - payment.refunded, currency)} refundable)
                    </option>
                  )}
                  {payment.captures.map((cap) => (
                    <option key={cap.id} value={cap.id} disabled={cap.amount - cap.refundedAmount <= 0}>
                      {captureLabel(cap)}: {formatMinorUnits(cap.amount, currency)} (
                      {formatMinorUnits(cap.amount - cap.refundedAmount, currency)} refundable)
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <AmountOrLines
              verb="refund"
              doneLabel="Refunded"
              mode={mode}
              onModeChange={(m) => {
                setMode(m);
                setLocal({});
              }}
              linesDisabled={linesBlocked}
              amountText={amountText}
              onAmountText={setAmountText}
              amountHint={`Up to ${formatMinorUnits(refundable, currency)}.`}
              rows={rows}
              quantities={quantities}
              onQuantities={setQuantities}
              total={picked.total}
              sentRows={sentRows}
              errors={errors}
              currency={currency}
              lineItemsErrors
            />
            <Field
              label="Reason"
              hint="Kept in the audit log with your name. At least 3 characters."
              errors={errors.reason}
            >
              {(c) => (
                <textarea
                  {...c}
                  name="reason"
                  rows={2}
                  maxLength={500}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  className="w-full rounded-md border border-input bg-card px-3 py-2 text-sm shadow-xs aria-invalid:border-danger"
                />
              )}
            </Field>
            <TextField
              label="Refund reference (optional)"
              name="refund_reference"
              value={reference}
              onChange={setReference}
              errors={errors}
              hint="Your reference for this refund; it appears in Klarna’s settlement file."
            />
            <FormActions onCancel={dialog.close} submitLabel="Review refund" />
          </form>
        ) : (
          prepared && (
            <div className="grid gap-4">
              <Restatement
                lead={
                  <>
                    Refund <strong>{formatMinorUnits(prepared.amount, currency)}</strong> to the shopper of payment{' '}
                    <strong className="break-all">{payment.label}</strong> for <strong>{payment.merchantName}</strong>?
                    Klarna pays it back; it cannot be undone.
                  </>
                }
                items={[
                  ['Refund', formatMinorUnits(prepared.amount, currency)],
                  [
                    'Against',
                    preparedCapture
                      ? `${captureLabel(preparedCapture)}, ${formatMinorUnits(preparedCapture.amount, currency)}`
                      : 'The whole payment',
                  ],
                  [
                    'Refundable afterwards',
                    formatMinorUnits(refundableOf(payment, preparedCapture) - prepared.amount, currency),
                  ],
                  ...(prepared.lines ? [['Lines', linesSummary(prepared.lines, currency)] as [string, string]] : []),
                  ['Reason', prepared.reason],
                  ...(reference.trim() ? [['Refund reference', reference.trim()] as [string, string]] : []),
                ]}
              />
              <OutcomeNotice outcome={dialog.outcome} />
              <FailureAlert failure={dialog.submission.failure} shown={[]} />
              <div className="flex justify-end gap-2">
                <Button type="button" variant="secondary" onClick={() => setStep('form')} disabled={action.isPending}>
                  Back
                </Button>
                <Button
                  type="button"
                  variant="danger"
                  hidden={dialog.outcome?.made}
                  pending={action.isPending}
                  onClick={() =>
                    action.execute({
                      accountId: payment.accountId,
                      paymentTransactionId: payment.paymentTransactionId,
                      intentId: dialog.submission.intentId,
                      reason: prepared.reason,
                      request: prepared.request,
                      ...(prepared.captureId ? { captureId: prepared.captureId } : {}),
                    })
                  }
                >
                  Refund {formatMinorUnits(prepared.amount, currency)}
                </Button>
              </div>
            </div>
          )
        )}
      </DialogContent>
    </Dialog>
  );
}
