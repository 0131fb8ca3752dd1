import { Badge } from '@/components/ui/badge';
import type { WebhookStatus, WebhookVerdict } from '@/db/schema';

export const statusLabels: Record<WebhookStatus, string> = {
  processed: 'Processed',
  no_handler: 'No handler',
  failed: 'Failed',
  ignored: 'Ignored',
  rejected: 'Rejected',
};
const statusTones = {
  processed: 'success',
  no_handler: 'neutral',
  failed: 'danger',
  ignored: 'neutral',
  rejected: 'warning',
} as const;

export function VerdictBadge({ verdict, reason }: { verdict: WebhookVerdict; reason?: string | null }) {
  return verdict === 'valid' ? (
    <Badge tone="success">Valid</Badge>
  ) : (
    <Badge tone="danger" title={reason ?? undefined}>
      Rejected
    </Badge>
  );
}

export function StatusBadge({ status, error }: { status: WebhookStatus; error?: string | null }) {
  return (
    <Badge tone={statusTones[status]} title={error ?? undefined}>
      {statusLabels[status]}
    </Badge>
  );
}
