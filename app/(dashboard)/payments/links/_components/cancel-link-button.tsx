'use client';

import { useRouter } from 'next/navigation';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { cancelPaymentLinkAction } from '../../actions';

/**
 * "Cancel payment link" with a confirmation restating what is canceled. Klarna's refusal (the
 * shopper paid in the meantime, or it expired) shows in the dialog with its error id.
 */
export function CancelLinkButton({
  accountId,
  paymentRequestId,
  amount,
  merchant,
  disabledReason,
}: {
  accountId: string;
  paymentRequestId: string;
  amount: string;
  merchant: string;
  disabledReason: string | null;
}) {
  const router = useRouter();
  return (
    <ConfirmButton
      label="Cancel payment link…"
      title="Cancel this payment link?"
      variant="danger"
      disabled={Boolean(disabledReason)}
      disabledReason={disabledReason ?? undefined}
      description={
        <div className="grid gap-2">
          <p>
            Klarna cancels the payment request for <strong>{amount}</strong> to <strong>{merchant}</strong>. The shopper
            can no longer pay through the link or its QR code.
          </p>
          <p className="text-muted-foreground">
            This cannot be undone: create a new link if the shopper still needs to pay.
          </p>
        </div>
      }
      confirmLabel="Cancel payment link"
      successMessage="Payment link canceled at Klarna."
      run={async () => {
        const result = await cancelPaymentLinkAction({ accountId, paymentRequestId });
        if (result?.data) router.refresh();
        return result;
      }}
    />
  );
}
