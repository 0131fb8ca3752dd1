import { Badge } from '@/components/ui/badge';

const tones: Record<string, 'success' | 'warning' | 'neutral' | 'accent'> = { AUTHORIZED: 'accent', COMPLETED: 'success', EXPIRED: 'warning', CLOSED: 'neutral' };
const labels: Record<string, string> = { AUTHORIZED: 'Authorized', COMPLETED: 'Completed', EXPIRED: 'Expired', CLOSED: 'Closed' };

/** A transaction state Klarna sends (one it adds later shows as its raw name). */
export function PaymentStateBadge({ state }: { state: string }) {
  return (
    <Badge tone={tones[state] ?? 'neutral'} title={state}>
      {labels[state] ?? state}
    </Badge>
  );
}
