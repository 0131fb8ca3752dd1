'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { errorsOf, TextField } from '@/components/forms/form-kit';
import { formatMajorDecimal, formatMinorUnits } from '@/lib/ui/money';
import { captureAction } from '../../actions';
import { chosenLines, lineKey, lineNote, quantitiesByKey, type WireLine } from '@/lib/payments/lines';
import {
  amountChoiceFieldNames,
  AmountOrLines,
  emptyShipment,
  linesSummary,
  OperationDialog,
  operationTrigger,
  optionalItems,
  readChoice,
  shipmentFieldNames,
  ShipmentFields,
  shipmentIsEmpty,
  shipmentToWire,
  useAmountChoice,
  useOperationDialog,
  type OperationTriggerProps,
  type PickerRow,
} from '@/components/forms/operation-kit';
import { type PaymentView, type Shipment, operationInput } from './view';

// `remaining`: what remained when reviewed, so the restatement holds while the page refreshes below it.
type Prepared = { amount: number; remaining: number; lines: WireLine[] | null; request: Record<string, unknown> };

/** What is left to capture of each ordered line (unknown when a capture named no lines). */
function pickerRows(payment: PaymentView): { rows: PickerRow<WireLine>[]; defaults: number[] } {
  const unknown = payment.captures.some((c) => c.lines === null);
  const captured = quantitiesByKey(payment.captures.map((c) => c.lines ?? []));
  const rows = payment.lines.map((line) => {
    const done = captured.get(lineKey(line)) ?? 0;
    return {
      line,
      max: unknown ? line.quantity : Math.max(0, line.quantity - done),
      done: unknown ? 'Unknown' : `${done} of ${line.quantity}`,
      note: lineNote(line),
    };
  });
  return { rows, defaults: rows.map((r) => (unknown ? 0 : r.max)) };
}

/**
 * Capture all or part of what remains authorized: by amount, or by choosing lines and
 * quantities (the amount is their total), with optional tracking and a capture reference.
 * A review step restates the amount before anything reaches Klarna.
 */
export function CaptureDialog({ payment, ...trigger }: { payment: PaymentView } & OperationTriggerProps) {
  const { currency } = payment;
  const choice = useAmountChoice();
  const [reference, setReference] = useState('');
  const [shipment, setShipment] = useState<Shipment>(emptyShipment);
  const [prepared, setPrepared] = useState<Prepared | null>(null);
  const { rows, defaults } = pickerRows(payment);
  const dialog = useOperationDialog({
    onOpen: () => {
      choice.reset(formatMajorDecimal(payment.remaining, currency), defaults);
      setReference('');
      setShipment(emptyShipment);
      setPrepared(null);
    },
  });
  const action = useAction(
    captureAction,
    dialog.callbacks(() => `Captured ${formatMinorUnits(prepared?.amount ?? 0, currency)} at Klarna.`),
  );
  const errors = { ...errorsOf(dialog.submission.failure), ...choice.local };
  const picked = chosenLines(rows.map((r, i) => ({ line: r.line, quantity: choice.quantities[i] ?? 0 })));

  function review() {
    const tooMuch = `Only ${formatMinorUnits(payment.remaining, currency)} remains to capture.`;
    const read = readChoice(choice, picked.total, currency, payment.remaining, tooMuch);
    if ('error' in read) return choice.setLocal({ amount: [read.error] });
    const amount = read.minor;
    const lines = choice.mode === 'lines' ? picked.lines : null;
    choice.setLocal({});
    choice.setSentRows(lines ? picked.rows : []);
    const request: Record<string, unknown> = { amount };
    if (lines) request.line_items = lines;
    if (reference.trim()) request.capture_reference = reference.trim();
    if (!shipmentIsEmpty(shipment)) request.shipping_info = [shipmentToWire(shipment)];
    setPrepared({ amount, remaining: payment.remaining, lines, request });
    dialog.setStep('review');
  }

  const full = prepared?.amount === prepared?.remaining;

  return (
    <OperationDialog
      dialog={dialog}
      trigger={operationTrigger('Capture…', trigger, { variant: 'primary' })}
      title="Capture payment"
      description={`${formatMinorUnits(payment.remaining, currency)} of ${formatMinorUnits(payment.authorized, currency)} remains authorized.`}
      className="max-w-xl"
      shown={[...amountChoiceFieldNames(errors), 'capture_reference', ...shipmentFieldNames(1)]}
      reviewLabel="Review capture"
      onReview={review}
      review={
        prepared && {
          lead: (
            <>
              Capture <strong>{formatMinorUnits(prepared.amount, currency)}</strong> of payment{' '}
              <strong className="break-all">{payment.label}</strong> for <strong>{payment.merchantName}</strong>? Klarna
              charges the shopper this amount.
            </>
          ),
          items: [
            ['Capture', `${formatMinorUnits(prepared.amount, currency)} (${full ? 'full' : 'partial'} capture)`],
            ['Remaining afterwards', formatMinorUnits(prepared.remaining - prepared.amount, currency)],
            ...optionalItems([
              ['Lines', prepared.lines && linesSummary(prepared.lines, currency)],
              ['Capture reference', reference.trim()],
              ['Tracking', Object.values(shipmentToWire(shipment)).join(' · ')],
            ]),
          ],
        }
      }
      pending={action.isPending}
      onConfirm={() =>
        prepared &&
        action.execute({
          ...operationInput(payment, dialog.submission.intentId),
          request: prepared.request,
        })
      }
      confirm={<>Capture {formatMinorUnits(prepared?.amount ?? 0, currency)}</>}
    >
      <AmountOrLines
        verb="capture"
        doneLabel="Captured"
        choice={choice}
        showModes={payment.lines.length > 0}
        amountHint={`Up to ${formatMinorUnits(payment.remaining, currency)}: all of it is a full capture, less a partial one.`}
        rows={rows}
        total={picked.total}
        errors={errors}
        currency={currency}
      />
      <TextField
        label="Capture reference (optional)"
        name="capture_reference"
        value={reference}
        onChange={setReference}
        errors={errors}
        hint="Your reference for this shipment; it appears in Klarna’s settlement file."
      />
      <ShipmentFields
        legend="Shipment tracking (optional)"
        index={0}
        value={shipment}
        onChange={setShipment}
        errors={errors}
        hint="Sent with the capture so the shopper can follow the parcel in the Klarna app."
      />
    </OperationDialog>
  );
}
