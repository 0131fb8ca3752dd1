import { Badge } from '@/components/ui/badge';

const cancellationTones = { PENDING: 'warning', CANCELLED: 'success', REJECTED: 'danger' } as const;
const cancellationLabels = { PENDING: 'Pending', CANCELLED: 'Cancelled', REJECTED: 'Rejected' } as const;

export function CancellationBadge({ status }: { status: 'PENDING' | 'CANCELLED' | 'REJECTED' }) {
  return <Badge tone={cancellationTones[status]}>{cancellationLabels[status]}</Badge>;
}

/** Open (or expired, by the time the page was drawn), replaced by a newer promise, or settled. */
export function PromiseStatusBadge({ status, expired }: { status: 'open' | 'replaced' | 'settled'; expired: boolean }) {
  if (status === 'settled') return <Badge tone="success">Settled</Badge>;
  if (status === 'replaced') return <Badge>Replaced</Badge>;
  return expired ? <Badge tone="danger">Expired</Badge> : <Badge tone="accent">Open</Badge>;
}
