'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { errorsOf, TextField } from '@/components/forms/form-kit';
import { updatePaymentAction } from '../../actions';
import {
  AddShipmentButton,
  emptyShipment,
  operationTrigger,
  shipmentFieldNames,
  ShipmentFields,
  shipmentIsEmpty,
  shipmentToWire,
  type OperationTriggerProps,
} from '@/components/forms/operation-kit';
import { type PaymentView, type Shipment, operationInput } from './view';

const MAX_SHIPMENTS = 50;

const changeNames: Record<string, string> = {
  merchant_reference: 'Merchant reference',
  payment_reference: 'payment reference',
  shipping_info: 'tracking',
};

/** "Merchant reference and tracking": what an update sent, for its toast. */
function changedNames(request: Record<string, unknown>): string {
  const names = Object.keys(request).map((k) => changeNames[k] ?? k);
  const text = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'Payment');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Update the merchant and payment references and the tracking of the shipments (seed,
 * "Update Payment Transaction"). Only what changed is sent; Klarna replaces the tracking list
 * with the one sent.
 */
export function UpdateDialog({ payment, ...trigger }: { payment: PaymentView } & OperationTriggerProps) {
  const [merchantReference, setMerchantReference] = useState('');
  const [paymentReference, setPaymentReference] = useState('');
  const [shipments, setShipments] = useState<Shipment[]>([]);
  const dialog = useActionDialog(() => {
    setMerchantReference(payment.merchantReference);
    setPaymentReference(payment.paymentReference);
    setShipments(payment.shipments.length ? payment.shipments.map((s) => ({ ...s })) : [emptyShipment]);
  });
  const action = useAction(updatePaymentAction, {
    onSuccess: ({ input }) => dialog.succeed(`${changedNames(input.request)} updated at Klarna.`),
    onError: dialog.submission.onError,
  });
  const errors = errorsOf(dialog.submission.failure);

  function submit() {
    const request: Record<string, unknown> = {};
    if (merchantReference.trim() !== payment.merchantReference) request.merchant_reference = merchantReference.trim();
    if (paymentReference.trim() !== payment.paymentReference) request.payment_reference = paymentReference.trim();
    // Empty shipments are dropped here too, so Klarna's `shipping_info[i]` errors name the fields shown.
    const kept = shipments.filter((s) => !shipmentIsEmpty(s));
    setShipments(kept);
    const tracking = kept.map(shipmentToWire);
    if (JSON.stringify(tracking) !== JSON.stringify(payment.shipments.map(shipmentToWire)))
      request.shipping_info = tracking;
    dialog.setUnchanged(Object.keys(request).length === 0);
    if (Object.keys(request).length === 0) return;
    action.execute({
      ...operationInput(payment, dialog.submission.intentId),
      request,
    });
  }

  return (
    <ActionDialog
      state={dialog}
      trigger={operationTrigger('Update references and tracking…', trigger)}
      title="Update references and tracking"
      description="The merchant reference is shown to the shopper in the Klarna app; tracking lets them follow each parcel."
      className="max-w-xl"
      shown={['merchant_reference', 'payment_reference', ...shipmentFieldNames(shipments.length)]}
      submitLabel="Save at Klarna"
      pending={action.isPending}
      onSubmit={submit}
    >
      <div className="grid items-start gap-3 sm:grid-cols-2">
        <TextField
          label="Merchant reference"
          name="merchant_reference"
          value={merchantReference}
          onChange={setMerchantReference}
          errors={errors}
          hint="Customer-facing order number."
        />
        <TextField
          label="Payment reference"
          name="payment_reference"
          value={paymentReference}
          onChange={setPaymentReference}
          errors={errors}
          hint="Internal; not shown to the shopper."
        />
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
      {shipments.length < MAX_SHIPMENTS && (
        <AddShipmentButton onClick={() => setShipments([...shipments, emptyShipment])} />
      )}
    </ActionDialog>
  );
}
