import { splitOutcomeNote } from '@/lib/webhooks/outcome';
import { cn } from '@/lib/ui/cn';

/** Why an event was not applied: the sentence, with the raw detail (if any) folded away. */
export function OutcomeNote({ note, tone = 'muted' }: { note: string; tone?: 'danger' | 'muted' }) {
  const { sentence, detail } = splitOutcomeNote(note);
  return (
    <span className="grid gap-1 text-xs">
      <span
        className={cn(
          'break-normal [overflow-wrap:anywhere]',
          tone === 'danger' ? 'text-danger' : 'text-muted-foreground',
        )}
      >
        {sentence}
      </span>
      {detail && (
        <details>
          <summary className="cursor-pointer text-muted-foreground">Technical detail</summary>
          <pre className="mt-1 whitespace-pre-wrap break-all rounded bg-muted p-2 font-mono">{detail}</pre>
        </details>
      )}
    </span>
  );
}
