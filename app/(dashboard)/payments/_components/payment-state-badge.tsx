import { Badge } from '@/components/ui/badge';
import type { PaymentTransactionRow } from '@/db/schema';
import { paymentDisplayState } from '@/lib/payments/display-state';

const tones: Record<string, 'success' | 'warning' | 'neutral' | 'accent'> = {
  AUTHORIZED: 'accent',
  COMPLETED: 'success',
  CLOSED: 'neutral',
  EXPIRED: 'warning',
  CANCELED: 'neutral',
};
const labels: Record<string, string> = {
  AUTHORIZED: 'Authorized',
  COMPLETED: 'Completed',
  CLOSED: 'Closed',
  EXPIRED: 'Expired',
};

/**
 * A payment transaction's state as Klarna sends it (a state Klarna adds later shows as its raw
 * name), or "Canceled" for one released before any capture (lib/payments/display-state.ts).
 */
export function PaymentStateBadge({
  row,
}: {
  row: Pick<PaymentTransactionRow, 'state' | 'capturedAmount' | 'expiresAt' | 'klarnaUpdatedAt'>;
}) {
  const shown = paymentDisplayState(row);
  return (
    <Badge
      tone={tones[shown] ?? 'neutral'}
      title={shown === row.state ? row.state : `${row.state} at Klarna: released before anything was captured`}
    >
      {shown === 'CANCELED' ? 'Canceled' : (labels[shown] ?? shown)}
    </Badge>
  );
}

/** The states the list can be filtered by, with their labels. */
export const paymentStateOptions = Object.entries(labels).map(([value, label]) => ({ value, label }));
