import { Badge } from '@/components/ui/badge';

const tones: Record<string, 'success' | 'warning' | 'neutral' | 'accent'> = { AUTHORIZED: 'accent', COMPLETED: 'success', CLOSED: 'neutral', EXPIRED: 'warning' };
const labels: Record<string, string> = { AUTHORIZED: 'Authorized', COMPLETED: 'Completed', CLOSED: 'Closed', EXPIRED: 'Expired' };

/** A payment transaction's state as Klarna sends it (a state Klarna adds later shows as its raw name). */
export function PaymentStateBadge({ state }: { state: string }) {
  return (
    <Badge tone={tones[state] ?? 'neutral'} title={state}>
      {labels[state] ?? state}
    </Badge>
  );
}

/** The states the list can be filtered by, with their labels. */
export const paymentStateOptions = Object.entries(labels).map(([value, label]) => ({ value, label }));
