import { Badge } from '@/components/ui/badge';

const accountTones: Record<string, 'success' | 'warning' | 'danger'> = {
  OPERATIONAL: 'success',
  PARTIALLY_OPERATIONAL: 'warning',
  DISABLED: 'danger',
};
const accountLabels: Record<string, string> = {
  OPERATIONAL: 'Operational',
  PARTIALLY_OPERATIONAL: 'Setting up',
  DISABLED: 'Disabled',
};
const productTones: Record<string, 'success' | 'warning' | 'danger'> = {
  ENABLED: 'success',
  DISABLED: 'warning',
  TERMINATED: 'danger',
};
const productLabels: Record<string, string> = { ENABLED: 'Enabled', DISABLED: 'Disabled', TERMINATED: 'Terminated' };

/** An account state Klarna sends (a state it adds later shows as its raw name). */
export function AccountStateBadge({ state }: { state: string }) {
  return (
    <Badge tone={accountTones[state] ?? 'neutral'} title={state}>
      {accountLabels[state] ?? state}
    </Badge>
  );
}

export function ProductStateBadge({ state }: { state: string | null }) {
  if (!state) return <span className="text-xs text-muted-foreground">Unknown</span>;
  return (
    <Badge tone={productTones[state] ?? 'neutral'} title={state}>
      {productLabels[state] ?? state}
    </Badge>
  );
}
