import type { PaymentTimelineRow } from '@/db/schema';
import type { PaymentTransaction } from '@/lib/klarna/schemas/payments';
import { formatMinorUnits } from '@/lib/ui/money';

/**
 * A timeline entry in words, amounts in the currency's format (the stored summaries write
 * minor units). Entries of kinds this page does not know keep their stored summary.
 */

const fieldNames: Record<string, string> = {
  merchant_reference: 'merchant reference',
  payment_reference: 'payment reference',
  shipping_info: 'tracking',
  shipping: 'shipping address',
};
const amountKeys: Record<string, string> = {
  authorizedAmount: 'authorized',
  capturedAmount: 'captured',
  refundedAmount: 'refunded',
  remainingAuthorizedAmount: 'remaining',
  state: 'state',
};
const stateWords: Record<string, string> = {
  AUTHORIZED: 'Authorized',
  COMPLETED: 'Completed',
  EXPIRED: 'Expired',
  CLOSED: 'Closed',
};

const text = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => (typeof v === 'number' ? v : null);

export function describeTimeline(
  row: PaymentTimelineRow,
  t: PaymentTransaction | null,
  fallbackCurrency: string,
): string {
  const currency = row.currency ?? fallbackCurrency;
  const money = (v: unknown) => (num(v) === null ? String(v) : formatMinorUnits(num(v)!, currency));
  const d = row.details ?? {};
  if (row.source === 'dashboard') {
    switch (row.kind) {
      case 'capture': {
        const id = text(d.payment_capture_id);
        const index = t?.captures.findIndex((c) => c.payment_capture_id === id) ?? -1;
        const capture = index >= 0 ? t!.captures[index]! : null;
        return `Captured${index >= 0 ? ` (capture ${index + 1}${capture?.capture_reference ? `, ${capture.capture_reference}` : ''})` : ''}`;
      }
      case 'refund': {
        const refund = t?.refunds.find((r) => r.payment_refund_id === text(d.payment_refund_id));
        const index = refund?.payment_capture_id
          ? (t?.captures.findIndex((c) => c.payment_capture_id === refund.payment_capture_id) ?? -1)
          : -1;
        const against = refund ? (index >= 0 ? ` capture ${index + 1}` : ' the whole payment') : '';
        return `Refunded${against}${text(d.reason) ? `: ${text(d.reason)}` : ''}`;
      }
      case 'release':
        return 'Released the remaining authorization';
      case 'reauthorize':
        return 'Reauthorized';
      case 'update': {
        const fields = row.summary
          .replace(/^Updated\s*/, '')
          .split(/,\s*/)
          .filter(Boolean);
        return fields.length ? `Updated ${fields.map((f) => fieldNames[f] ?? f).join(', ')}` : row.summary;
      }
      case 'request.created':
        return 'Payment link created';
    }
  }
  if (row.source === 'sync' && row.kind === 'drift_repaired') {
    const before = (d.before ?? {}) as Record<string, unknown>;
    const after = (d.after ?? {}) as Record<string, unknown>;
    const changes = Object.keys(after).map((k) =>
      k === 'state'
        ? `state ${stateWords[String(before[k])] ?? String(before[k])} → ${stateWords[String(after[k])] ?? String(after[k])}`
        : `${amountKeys[k] ?? k} ${money(before[k])} → ${money(after[k])}`,
    );
    return changes.length ? `Refreshed from Klarna, which differed: ${changes.join('; ')}` : row.summary;
  }
  if (row.source === 'webhook') {
    const late = row.summary.endsWith('not applied') ? ' – arrived after a newer change, not applied' : '';
    const totals = `captured ${money(d.captured_amount)}, refunded ${money(d.refunded_amount)}, remaining ${money(d.remaining_authorized_amount)}`;
    if (row.kind === 'captured') return `Klarna reports a capture; ${totals}${late}`;
    if (row.kind === 'refunded') return `Klarna reports a refund; ${totals}${late}`;
    if (row.kind === 'updated') return `Klarna reports an update${late}`;
    if (row.kind.startsWith('state-change.'))
      return `${row.summary.replace(/ – arrived after.*$/, '').replace(/\b(AUTHORIZED|COMPLETED|EXPIRED|CLOSED)\b/g, (s) => stateWords[s] ?? s)}; ${totals}${late}`;
  }
  return row.summary;
}
