'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { errorsOf, SelectField, TextAreaField, TextField } from '@/components/forms/form-kit';
import { formatMajorDecimal, formatMinorUnits } from '@/lib/ui/money';
import { refundAction } from '../../actions';
import { chosenLines, lineKey, lineNote, quantitiesByKey, type WireLine } from '@/lib/payments/lines';
import {
  amountChoiceFieldNames,
  AmountOrLines,
  linesSummary,
  OperationDialog,
  operationTrigger,
  optionalItems,
  readChoice,
  useAmountChoice,
  useOperationDialog,
  type OperationTriggerProps,
  type PickerRow,
} from '@/components/forms/operation-kit';
import { captureLabel, type CaptureView, type PaymentView, operationInput } from './view';

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
  captureId: initialCapture,
  triggerLabel = 'Refund…',
  triggerAriaLabel,
  ...trigger
}: {
  payment: PaymentView;
  /** Opens with this capture chosen (the captures table's buttons). */
  captureId?: string;
  triggerLabel?: string;
  triggerAriaLabel?: string;
} & OperationTriggerProps) {
  const { currency } = payment;
  const several = payment.captures.length > 1;
  const [target, setTarget] = useState('');
  const choice = useAmountChoice();
  const [reason, setReason] = useState('');
  const [reference, setReference] = useState('');
  const [prepared, setPrepared] = useState<Prepared | null>(null);
  const dialog = useOperationDialog({
    onOpen: () => {
      // With several captures a refund names its capture: start on the first with something left.
      const fallback = several
        ? (payment.captures.find((c) => c.amount > c.refundedAmount)?.id ?? payment.captures[0]?.id ?? '')
        : '';
      choose(initialCapture ?? fallback);
      setReason('');
      setReference('');
      setPrepared(null);
    },
  });
  const action = useAction(
    refundAction,
    dialog.callbacks(() => `Refunded ${formatMinorUnits(prepared?.amount ?? 0, currency)} at Klarna.`),
  );

  const capture = payment.captures.find((c) => c.id === target) ?? null;
  const refundable = refundableOf(payment, capture);
  const rows = pickerRows(payment, capture);
  const picked = chosenLines(rows.map((r, i) => ({ line: r.line, quantity: choice.quantities[i] ?? 0 })));
  const linesBlocked = rows.length === 0 ? 'Klarna lists no line items for this payment.' : null;
  const errors = { ...errorsOf(dialog.submission.failure), ...choice.local };

  function choose(nextTarget: string) {
    const nextCapture = payment.captures.find((c) => c.id === nextTarget) ?? null;
    setTarget(nextTarget);
    choice.reset(
      formatMajorDecimal(refundableOf(payment, nextCapture), currency),
      pickerRows(payment, nextCapture).map(() => 0),
    );
  }

  function review() {
    const next: Record<string, string[]> = {};
    const tooMuch = `Only ${formatMinorUnits(refundable, currency)} ${capture ? `of ${captureLabel(capture).toLowerCase()}` : 'of what was captured'} is left to refund.`;
    let amount = 0;
    if (!capture && several) {
      next.captureId = ['Choose the capture to refund: this payment was captured more than once.'];
    } else {
      const read = readChoice(choice, picked.total, currency, refundable, tooMuch);
      if ('error' in read) next.amount = [read.error];
      else amount = read.minor;
    }
    if (reason.trim().length < MIN_REASON) next.reason = ['Say why (at least 3 characters)'];
    choice.setLocal(next);
    if (Object.keys(next).length > 0) return;
    const lines = choice.mode === 'lines' ? picked.lines : null;
    choice.setSentRows(lines ? picked.rows : []);
    const request: Record<string, unknown> = { amount };
    if (lines) request.line_items = lines;
    if (reference.trim()) request.refund_reference = reference.trim();
    setPrepared({ amount, lines, request, captureId: capture?.id ?? null, reason: reason.trim() });
    dialog.setStep('review');
  }

  const preparedCapture = payment.captures.find((c) => c.id === prepared?.captureId) ?? null;

  return (
    <OperationDialog
      dialog={dialog}
      trigger={operationTrigger(triggerLabel, trigger, { ariaLabel: triggerAriaLabel })}
      title="Refund payment"
      description={`${formatMinorUnits(payment.captured - payment.refunded, currency)} of ${formatMinorUnits(payment.captured, currency)} captured can still be refunded.`}
      className="max-w-xl"
      shown={[...amountChoiceFieldNames(errors), 'reason', 'captureId', 'refund_reference']}
      reviewLabel="Review refund"
      onReview={review}
      review={
        prepared && {
          lead: (
            <>
              Refund <strong>{formatMinorUnits(prepared.amount, currency)}</strong> to the shopper of payment{' '}
              <strong className="break-all">{payment.label}</strong> for <strong>{payment.merchantName}</strong>? Klarna
              pays it back; it cannot be undone.
            </>
          ),
          items: [
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
            ...optionalItems([['Lines', prepared.lines && linesSummary(prepared.lines, currency)]]),
            ['Reason', prepared.reason],
            ...optionalItems([['Refund reference', reference.trim()]]),
          ],
        }
      }
      pending={action.isPending}
      onConfirm={() =>
        prepared &&
        action.execute({
          ...operationInput(payment, dialog.submission.intentId),
          reason: prepared.reason,
          request: prepared.request,
          ...(prepared.captureId ? { captureId: prepared.captureId } : {}),
        })
      }
      confirm={<>Refund {formatMinorUnits(prepared?.amount ?? 0, currency)}</>}
      confirmVariant="danger"
    >
      <SelectField
        label="Refund against"
        name="captureId"
        value={target}
        onChange={choose}
        errors={errors}
        hint={
          several
            ? `Captured ${payment.captures.length} times: Klarna refunds such a payment one capture at a time.`
            : undefined
        }
      >
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
      </SelectField>
      <AmountOrLines
        verb="refund"
        doneLabel="Refunded"
        choice={choice}
        linesDisabled={linesBlocked}
        amountHint={`Up to ${formatMinorUnits(refundable, currency)}.`}
        rows={rows}
        total={picked.total}
        errors={errors}
        currency={currency}
        lineItemsErrors
      />
      <TextAreaField
        label="Reason"
        name="reason"
        value={reason}
        onChange={setReason}
        errors={errors}
        hint="Kept in the audit log with your name. At least 3 characters."
        maxLength={500}
      />
      <TextField
        label="Refund reference (optional)"
        name="refund_reference"
        value={reference}
        onChange={setReference}
        errors={errors}
        hint="Your reference for this refund; it appears in Klarna’s settlement file."
      />
    </OperationDialog>
  );
}
