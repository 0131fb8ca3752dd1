import { cn } from '@/lib/ui/cn';

const styles = {
  sandbox: {
    label: 'SANDBOX',
    className: 'border-sky-600/40 bg-sky-600/10 text-sky-800 dark:text-sky-300',
    title: 'Embedded Klarna sandbox: nothing here touches real money.',
  },
  test: {
    label: 'TEST',
    className: 'border-amber-600/50 bg-amber-500/15 text-amber-900 dark:text-amber-300',
    title: "Klarna's test environment: test credentials, no real money.",
  },
  live: {
    label: 'LIVE',
    className: 'border-red-600/60 bg-red-600 text-white',
    title: 'Klarna live: actions move real money.',
  },
} as const;

/** Which Klarna environment this dashboard talks to, shown on every page. */
export function EnvironmentBadge({ environment }: { environment: keyof typeof styles }) {
  const s = styles[environment];
  return (
    <span
      className={cn(
        'inline-flex items-center rounded-md border px-2 py-0.5 font-mono text-[11px] font-semibold tracking-wider',
        s.className,
      )}
      title={s.title}
      aria-label={`Environment: ${s.label}. ${s.title}`}
    >
      {s.label}
    </span>
  );
}
