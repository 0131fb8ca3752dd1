import { cn } from '@/lib/ui/cn';

/**
 * A labelled progress bar. Without `value` it is indeterminate (work whose end cannot be
 * measured yet, e.g. reconciling); `text` is what a screen reader hears as the value.
 */
export function ProgressBar({
  label,
  value,
  text,
  className,
}: {
  label: string;
  value?: number | null;
  text?: string;
  className?: string;
}) {
  const percent = value === undefined || value === null ? null : Math.max(0, Math.min(100, value));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent === null ? undefined : Math.floor(percent)}
      aria-valuetext={text}
      className={cn('relative h-2.5 w-full overflow-hidden rounded-full bg-muted', className)}
    >
      {percent === null ? (
        <div className="absolute inset-y-0 w-1/3 animate-pulse rounded-full bg-primary/60" />
      ) : (
        <div
          className="h-full rounded-full bg-primary transition-[width] duration-300"
          style={{ width: `${percent}%` }}
        />
      )}
    </div>
  );
}
