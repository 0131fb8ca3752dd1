import { Badge } from '@/components/ui/badge';
import { isVerdict, needsAttention, verdictLabels } from '@/lib/settlements/verdicts';

type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'accent';

const verdictTones: Record<string, Tone> = {
  matched: 'success',
  adjustment: 'accent',
  amount_mismatch: 'danger',
  currency_mismatch: 'danger',
  fee_mismatch: 'warning',
  duplicate: 'danger',
  unknown_transaction: 'warning',
  unknown_capture: 'warning',
  unknown_refund: 'warning',
  missing: 'danger',
};

/** A line's verdict; once resolved, an attention verdict is shown muted with "resolved". */
export function VerdictBadge({ verdict, resolved = false }: { verdict: string; resolved?: boolean }) {
  const label = isVerdict(verdict) ? verdictLabels[verdict] : verdict;
  const tone = resolved && needsAttention(verdict) ? 'neutral' : (verdictTones[verdict] ?? 'neutral');
  return (
    <Badge tone={tone} data-verdict={verdict}>
      {label}
      {resolved && needsAttention(verdict) ? ' · resolved' : ''}
    </Badge>
  );
}

const importStatuses: Record<string, { label: string; tone: Tone }> = {
  queued: { label: 'Queued', tone: 'neutral' },
  importing: { label: 'Importing', tone: 'accent' },
  reconciling: { label: 'Reconciling', tone: 'accent' },
  done: { label: 'Done', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
  superseded: { label: 'Superseded', tone: 'neutral' },
};

export function ImportStatusBadge({ status }: { status: string }) {
  const s = importStatuses[status] ?? { label: status, tone: 'neutral' as const };
  return (
    <Badge tone={s.tone} data-status={status}>
      {s.label}
    </Badge>
  );
}

/** A payout: "Reconciled" when nothing is open, else how many items need a look. */
export function PayoutStatusBadge({ open }: { open: number }) {
  return open === 0 ? (
    <Badge tone="success">Reconciled</Badge>
  ) : (
    <Badge tone="warning">{open.toLocaleString('en-GB')} to review</Badge>
  );
}
