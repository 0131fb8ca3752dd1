'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { toast } from 'sonner';
import { errorsOf, FailureAlert, TextField, useSubmission } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { updatePaymentAction } from '../../actions';
import { AddShipmentButton, emptyShipment, shipmentFieldNames, ShipmentFields, shipmentIsEmpty, shipmentToWire } from '@/components/forms/operation-kit';
import type { PaymentView, Shipment } from './view';

const MAX_SHIPMENTS = 50;

/**
 * Update the merchant and payment references and the tracking of the shipments (seed,
 * "Update Payment Transaction"). Only what changed is sent; Klarna replaces the tracking list
 * with the one sent.
 */
export function UpdateDialog({ payment, disabledReason, reasonId }: { payment: PaymentView; disabledReason: string | null; reasonId?: string }) {
  const [open, setOpen] = useState(false);
  const [merchantReference, setMerchantReference] = useState('');
  const [paymentReference, setPaymentReference] = useState('');
  const [shipments, setShipments] = useState<Shipment[]>([]);
  const [nothing, setNothing] = useState(false);
  const submission = useSubmission();
  const action = useAction(updatePaymentAction, {
    onSuccess: () => {
      toast.success('Payment updated at Klarna.');
      setOpen(false);
    },
    onError: submission.onError,
  });
  const errors = errorsOf(submission.failure);

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (next) {
      setMerchantReference(payment.merchantReference);
      setPaymentReference(payment.paymentReference);
      setShipments(payment.shipments.length ? payment.shipments.map((s) => ({ ...s })) : [emptyShipment]);
      setNothing(false);
      submission.begin();
    }
  }

  function submit() {
    const request: Record<string, unknown> = {};
    if (merchantReference.trim() !== payment.merchantReference) request.merchant_reference = merchantReference.trim();
    if (paymentReference.trim() !== payment.paymentReference) request.payment_reference = paymentReference.trim();
    // Empty shipments are dropped here too, so Klarna's `shipping_info[i]` errors name the fields shown.
    const kept = shipments.filter((s) => !shipmentIsEmpty(s));
    setShipments(kept);
    const tracking = kept.map(shipmentToWire);
    if (JSON.stringify(tracking) !== JSON.stringify(payment.shipments.map(shipmentToWire))) request.shipping_info = tracking;
    if (Object.keys(request).length === 0) {
      setNothing(true);
      return;
    }
    setNothing(false);
    action.execute({ accountId: payment.accountId, paymentTransactionId: payment.paymentTransactionId, intentId: submission.intentId, request });
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm" disabled={Boolean(disabledReason)} aria-describedby={disabledReason ? reasonId : undefined}>
          Update references and tracking…
        </Button>
      </DialogTrigger>
      <DialogContent title="Update references and tracking" description="The merchant reference is shown to the shopper in the Klarna app; tracking lets them follow each parcel." className="max-w-xl">
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <FailureAlert failure={submission.failure} shown={['merchant_reference', 'payment_reference', ...shipmentFieldNames(shipments.length)]} />
          <div className="grid items-start gap-3 sm:grid-cols-2">
            <TextField label="Merchant reference" name="merchant_reference" value={merchantReference} onChange={setMerchantReference} errors={errors} hint="Customer-facing order number." />
            <TextField label="Payment reference" name="payment_reference" value={paymentReference} onChange={setPaymentReference} errors={errors} hint="Internal; not shown to the shopper." />
          </div>
          {shipments.map((s, i) => (
            <ShipmentFields
              key={i}
              legend={`Shipment ${i + 1}`}
              index={i}
              value={s}
              onChange={(v) => setShipments(shipments.map((x, j) => (j === i ? v : x)))}
              onRemove={() => setShipments(shipments.filter((_, j) => j !== i))}
              errors={errors}
            />
          ))}
          {shipments.length < MAX_SHIPMENTS && <AddShipmentButton onClick={() => setShipments([...shipments, emptyShipment])} />}
          {nothing && (
            <p role="status" className="text-sm text-muted-foreground">
              Nothing changed: there is nothing to send to Klarna.
            </p>
          )}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={action.isPending}>
              Save at Klarna
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
