import { Badge } from '@/components/ui/badge';
import type { RefundBatchRow, RefundBatchRowRow } from '@/db/schema';

const batchTones = {
  dry_run: ['Dry run', 'warning'],
  queued: ['Approved, queued', 'accent'],
  running: ['Running', 'accent'],
  done: ['Done', 'success'],
  cancelled: ['Cancelled', 'neutral'],
} as const;

export function BatchStatusBadge({ status }: { status: RefundBatchRow['status'] }) {
  const [label, tone] = batchTones[status];
  return <Badge tone={tone}>{label}</Badge>;
}

/** A row's state in words: its verdict before the run, then what Klarna did. */
export function RowBadge({ row }: { row: Pick<RefundBatchRowRow, 'verdict' | 'result'> }) {
  if (row.verdict === 'refused') return <Badge tone="danger">Refused</Badge>;
  switch (row.result) {
    case 'refunded':
      return <Badge tone="success">Refunded</Badge>;
    case 'declined':
      return <Badge tone="danger">Declined by Klarna</Badge>;
    case 'skipped':
      return <Badge tone="neutral">Skipped</Badge>;
    case 'sending':
      return <Badge tone="accent">Sending</Badge>;
    default:
      return <Badge tone="warning">Will refund</Badge>;
  }
}
