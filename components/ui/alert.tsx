import { AlertTriangle, CheckCircle2, Info } from 'lucide-react';
import { cn } from '@/lib/ui/cn';

const tones = {
  info: { icon: Info, className: 'border-border bg-muted text-foreground' },
  danger: { icon: AlertTriangle, className: 'border-danger/40 bg-danger/10 text-danger' },
  success: { icon: CheckCircle2, className: 'border-success/40 bg-success/10 text-success' },
  warning: { icon: AlertTriangle, className: 'border-warning/40 bg-warning/10 text-foreground' },
} as const;

/** An inline message. `danger` ones are announced to screen readers at once. */
export function Alert({
  tone = 'info',
  title,
  children,
  className,
}: {
  tone?: keyof typeof tones;
  title?: string;
  children?: React.ReactNode;
  className?: string;
}) {
  const { icon: Icon, className: toneClass } = tones[tone];
  return (
    <div
      role={tone === 'danger' ? 'alert' : 'status'}
      className={cn('flex gap-3 rounded-md border px-3 py-2.5 text-sm', toneClass, className)}
    >
      <Icon className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div className="grid gap-0.5">
        {title && <p className="font-medium">{title}</p>}
        {children && <div className={cn(title && 'text-foreground/80')}>{children}</div>}
      </div>
    </div>
  );
}
