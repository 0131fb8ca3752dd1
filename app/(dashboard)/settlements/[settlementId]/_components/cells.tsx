import Link from 'next/link';
import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';
import { formatDateTime } from '@/lib/ui/format';

const paymentHref = (id: string) => `/payments/${encodeURIComponent(id)}`;

export function TransactionCell({ id, known }: { id: string; known: boolean }) {
  return known ? (
    <Link className="block underline underline-offset-4" href={paymentHref(id)} title={`Open payment ${id}`}>
      <MiddleEllipsis value={id} max={20} />
    </Link>
  ) : (
    <span className="block text-muted-foreground" title={`${id} (not in our records)`}>
      <MiddleEllipsis value={id} max={20} />
    </span>
  );
}

export function Resolution({ at, by, note }: { at: Date; by: string | null; note: string | null }) {
  return (
    <div className="grid max-w-64 gap-0.5 text-xs" data-testid="resolution">
      <span className="font-medium">
        Resolved by {by ?? 'someone'} · {formatDateTime(at)} UTC
      </span>
      {note && <span className="whitespace-pre-wrap break-words text-muted-foreground">{note}</span>}
    </div>
  );
}

/** The file's figure with what we expected under it (reconciliation records it where the two are compared). */
export function Versus({ actual, expected, testId }: { actual: string; expected: string | null; testId: string }) {
  return (
    <div className="grid justify-items-end gap-0.5 whitespace-nowrap tabular-nums">
      <span data-testid={`${testId}-actual`}>{actual}</span>
      {expected !== null && (
        <span className="text-xs text-muted-foreground" data-testid={`${testId}-expected`}>
          expected {expected}
        </span>
      )}
    </div>
  );
}
