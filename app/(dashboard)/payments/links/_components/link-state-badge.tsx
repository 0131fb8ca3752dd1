import { Badge } from '@/components/ui/badge';

const tones: Record<string, 'neutral' | 'success' | 'warning' | 'danger' | 'accent'> = {
  SUBMITTED: 'neutral',
  IN_PROGRESS: 'accent',
  PREPARED: 'accent',
  PENDING_CONFIRMATION: 'warning',
  AUTHORIZED: 'success',
  CANCELED: 'neutral',
  EXPIRED: 'neutral',
  DECLINED: 'danger',
};
export const linkStateLabels: Record<string, string> = {
  SUBMITTED: 'Submitted',
  IN_PROGRESS: 'In progress',
  PREPARED: 'Prepared',
  PENDING_CONFIRMATION: 'Pending confirmation',
  AUTHORIZED: 'Authorized',
  CANCELED: 'Canceled',
  EXPIRED: 'Expired',
  DECLINED: 'Declined',
};

/** A payment request's state (seed, "Payment request state"); one Klarna adds later shows raw. */
export function LinkStateBadge({ state, testId }: { state: string; testId?: string }) {
  // On the card colour: the tints are translucent, and over the page background the success text falls below 4.5:1.
  return (
    <span className="inline-flex rounded-full bg-card">
      <Badge tone={tones[state] ?? 'neutral'} title={state} data-testid={testId} data-state={state}>
        {linkStateLabels[state] ?? state}
      </Badge>
    </span>
  );
}
