import type { PaymentTransactionRow } from '@/db/schema';
import type { PaymentTransaction } from '@/lib/klarna/schemas/payments';
import type { Shipment } from '@/components/forms/operation-kit';
import { toWireLines, type WireLine } from '@/lib/payments/lines';

export type { Shipment };

export type CaptureView = {
  id: string;
  /** 1-based, in the order Klarna made them. */
  number: number;
  reference: string | null;
  amount: number;
  refundedAmount: number;
  createdAt: string;
  /** The lines captured, when the capture named them. */
  lines: WireLine[] | null;
  /** The lines of the refunds made against this capture. */
  refundedLines: WireLine[][];
};

/**
 * What the dialogs need to know about the payment: plain data the server page hands to the
 * client components (amounts in minor units).
 */
export type PaymentView = {
  accountId: string;
  paymentTransactionId: string;
  merchantName: string;
  /** How the dialogs name the payment: its merchant reference, else its payment reference, else its id. */
  label: string;
  currency: string;
  state: string;
  authorized: number;
  captured: number;
  refunded: number;
  remaining: number;
  lines: WireLine[];
  captures: CaptureView[];
  /** The lines of every refund (against the transaction or a capture). */
  refundedLines: WireLine[][];
  merchantReference: string;
  paymentReference: string;
  shipments: Shipment[];
};

const text = (v: unknown) => (typeof v === 'string' ? v : '');

export function shipmentsOf(list: readonly Record<string, unknown>[] | null | undefined): Shipment[] {
  return (list ?? []).map((s) => ({
    shipping_company: text(s.shipping_company),
    tracking_number: text(s.tracking_number),
    tracking_url: text(s.tracking_url),
  }));
}

export function paymentView(
  row: PaymentTransactionRow,
  t: PaymentTransaction | null,
  merchantName: string,
): PaymentView {
  return {
    accountId: row.accountId,
    paymentTransactionId: row.paymentTransactionId,
    merchantName,
    label: row.merchantReference || row.paymentReference || row.paymentTransactionId,
    currency: row.currency,
    state: row.state,
    authorized: row.authorizedAmount,
    captured: row.capturedAmount,
    refunded: row.refundedAmount,
    remaining: row.remainingAuthorizedAmount,
    lines: toWireLines(t?.line_items),
    captures: (t?.captures ?? []).map((c, i) => ({
      id: c.payment_capture_id,
      number: i + 1,
      reference: c.capture_reference ?? null,
      amount: c.amount,
      refundedAmount: c.refunded_amount,
      createdAt: c.created_at,
      lines: c.line_items ? toWireLines(c.line_items) : null,
      refundedLines: (c.refunds ?? []).map((r) => toWireLines(r.line_items)),
    })),
    refundedLines: (t?.refunds ?? []).map((r) => toWireLines(r.line_items)),
    merchantReference: t?.merchant_reference ?? row.merchantReference ?? '',
    paymentReference: t?.payment_reference ?? row.paymentReference ?? '',
    shipments: shipmentsOf(t?.shipping_info as Record<string, unknown>[] | null | undefined),
  };
}

export function captureLabel(c: Pick<CaptureView, 'number' | 'reference'>): string {
  return `Capture ${c.number}${c.reference ? ` (${c.reference})` : ''}`;
}

/** What every operation's action is told first: the payment, and the intent that keys the call at Klarna. */
export function operationInput(payment: Pick<PaymentView, 'accountId' | 'paymentTransactionId'>, intentId: string) {
  return { accountId: payment.accountId, paymentTransactionId: payment.paymentTransactionId, intentId };
}
