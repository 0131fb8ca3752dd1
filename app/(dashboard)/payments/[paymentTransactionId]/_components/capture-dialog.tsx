'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { FormActions } from '@/components/forms/action-dialog';
import { errorsOf, FailureAlert, TextField } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { formatMajorDecimal, formatMinorUnits } from '@/lib/ui/money';
import { captureAction } from '../../actions';
import { chosenLines, lineKey, lineNote, quantitiesByKey, type WireLine } from '@/lib/payments/lines';
import {
  linesSummary,
  readAmount,
  Restatement,
  shipmentFieldNames,
  ShipmentFields,
  shipmentIsEmpty,
  shipmentToWire,
  emptyShipment,
  ReviewActions,
  type PickerRow,
  useOperationDialog,
  AmountOrLines,
  type AmountMode,
} from '@/components/forms/operation-kit';
import type { PaymentView, Shipment } from './view';

type Mode = AmountMode;
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
export function CaptureDialog({
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
  const [mode, setMode] = useState<Mode>('amount');
  const [amountText, setAmountText] = useState('');
  const [quantities, setQuantities] = useState<number[]>([]);
  const [reference, setReference] = useState('');
  const [shipment, setShipment] = useState<Shipment>(emptyShipment);
  const [local, setLocal] = useState<Record<string, string[]>>({});
  const [sentRows, setSentRows] = useState<number[]>([]);
  const [prepared, setPrepared] = useState<Prepared | null>(null);
  const dialog = useOperationDialog({ onOpen: reset, onFieldErrors: () => setStep('form') });
  const action = useAction(
    captureAction,
    dialog.callbacks(() => `Captured ${formatMinorUnits(prepared?.amount ?? 0, currency)} at Klarna.`),
  );
  const { rows, defaults } = pickerRows(payment);
  const errors = { ...errorsOf(dialog.submission.failure), ...local };
  const picked = chosenLines(rows.map((r, i) => ({ line: r.line, quantity: quantities[i] ?? 0 })));

  function reset() {
    setStep('form');
    setMode('amount');
    setAmountText(formatMajorDecimal(payment.remaining, currency));
    setQuantities(defaults);
    setReference('');
    setShipment(emptyShipment);
    setLocal({});
    setSentRows([]);
    setPrepared(null);
  }

  function review() {
    const tooMuch = `Only ${formatMinorUnits(payment.remaining, currency)} remains to capture.`;
    let amount: number;
    let lines: WireLine[] | null = null;
    if (mode === 'amount') {
      const read = readAmount(amountText, currency, { max: payment.remaining, maxMessage: tooMuch });
      if ('error' in read) return setLocal({ amount: [read.error] });
      amount = read.minor;
    } else {
      if (picked.total < 1) return setLocal({ amount: ['Choose lines that add up to more than zero.'] });
      if (picked.total > payment.remaining)
        return setLocal({
          amount: [`The chosen lines add up to ${formatMinorUnits(picked.total, currency)}. ${tooMuch}`],
        });
      amount = picked.total;
      lines = picked.lines;
    }
    setLocal({});
    setSentRows(mode === 'lines' ? picked.rows : []);
    const request: Record<string, unknown> = { amount };
    if (lines) request.line_items = lines;
    if (reference.trim()) request.capture_reference = reference.trim();
    if (!shipmentIsEmpty(shipment)) request.shipping_info = [shipmentToWire(shipment)];
    setPrepared({ amount, remaining: payment.remaining, lines, request });
    setStep('review');
  }

  const full = prepared?.amount === prepared?.remaining;
  const shown = [
    'amount',
    'capture_reference',
    ...shipmentFieldNames(1),
    ...Object.keys(errors).filter((k) => k.startsWith('line_items[')),
  ];

  return (
    <Dialog open={dialog.open} onOpenChange={dialog.onOpenChange}>
      <DialogTrigger asChild>
        <Button size="sm" disabled={Boolean(disabledReason)} aria-describedby={disabledReason ? reasonId : undefined}>
          Capture…
        </Button>
      </DialogTrigger>
      <DialogContent
        title="Capture payment"
        description={`${formatMinorUnits(payment.remaining, currency)} of ${formatMinorUnits(payment.authorized, currency)} remains authorized.`}
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
            <AmountOrLines
              verb="capture"
              doneLabel="Captured"
              mode={mode}
              onModeChange={(m) => {
                setMode(m);
                setLocal({});
              }}
              showModes={payment.lines.length > 0}
              amountText={amountText}
              onAmountText={setAmountText}
              amountHint={`Up to ${formatMinorUnits(payment.remaining, currency)}: all of it is a full capture, less a partial one.`}
              rows={rows}
              quantities={quantities}
              onQuantities={setQuantities}
              total={picked.total}
              sentRows={sentRows}
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
            <FormActions onCancel={dialog.close} submitLabel="Review capture" />
          </form>
        ) : (
          prepared && (
            <div className="grid gap-4">
              <Restatement
                lead={
                  <>
                    Capture <strong>{formatMinorUnits(prepared.amount, currency)}</strong> of payment{' '}
                    <strong className="break-all">{payment.label}</strong> for <strong>{payment.merchantName}</strong>?
                    Klarna charges the shopper this amount.
                  </>
                }
                items={[
                  ['Capture', `${formatMinorUnits(prepared.amount, currency)} (${full ? 'full' : 'partial'} capture)`],
                  ['Remaining afterwards', formatMinorUnits(prepared.remaining - prepared.amount, currency)],
                  ...(prepared.lines ? [['Lines', linesSummary(prepared.lines, currency)] as [string, string]] : []),
                  ...(reference.trim() ? [['Capture reference', reference.trim()] as [string, string]] : []),
                  ...(!shipmentIsEmpty(shipment)
                    ? [['Tracking', Object.values(shipmentToWire(shipment)).join(' · ')] as [string, string]]
                    : []),
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
                    request: prepared.request,
                  })
                }
                confirm={<>Capture {formatMinorUnits(prepared.amount, currency)}</>}
              />
            </div>
          )
        )}
      </DialogContent>
    </Dialog>
  );
}
