import { cva, type VariantProps } from 'class-variance-authority';
import { cn } from '@/lib/ui/cn';

const badgeVariants = cva(
  'inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium whitespace-nowrap',
  {
    variants: {
      tone: {
        neutral: 'border-border bg-muted text-foreground',
        success: 'border-success/30 bg-success/10 text-success',
        // Amber text on a pale tint is below 4.5:1; the tint carries the tone, the text stays dark.
        warning: 'border-warning/40 bg-warning/15 text-foreground',
        danger: 'border-danger/30 bg-danger/10 text-danger',
        accent: 'border-accent bg-accent text-accent-foreground',
      },
    },
    defaultVariants: { tone: 'neutral' },
  },
);

export function Badge({
  className,
  tone,
  ...props
}: React.ComponentProps<'span'> & VariantProps<typeof badgeVariants>) {
  return <span className={cn(badgeVariants({ tone }), className)} {...props} />;
}
