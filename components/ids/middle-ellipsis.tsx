import { CopyButton } from '@/components/forms/copy-button';
import { cn } from '@/lib/ui/cn';
import { shortId } from './short-id';

/**
 * A long id shortened in the middle, with the full value as its tooltip and for screen readers,
 * and (with `copyLabel`) a button that copies the full value.
 */
export function MiddleEllipsis({
  value,
  max = 24,
  copyLabel,
  className,
}: {
  value: string;
  max?: number;
  copyLabel?: string;
  className?: string;
}) {
  const short = shortId(value, max);
  return (
    <span
      className={cn(
        'relative inline-flex max-w-full items-center gap-1 whitespace-nowrap font-mono text-xs',
        className,
      )}
    >
      {short === value ? (
        <span>{value}</span>
      ) : (
        <span title={value}>
          <span aria-hidden>{short}</span>
          <span className="sr-only">{value}</span>
        </span>
      )}
      {copyLabel && <CopyButton value={value} label={copyLabel} compact />}
    </span>
  );
}
