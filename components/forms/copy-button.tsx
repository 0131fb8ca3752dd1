'use client';

import { useState } from 'react';
import { Check, Copy } from 'lucide-react';
import { Button } from '@/components/ui/button';

/** Copies a value (an id) to the clipboard and says so. `compact`: the icon alone, for table cells. */
export function CopyButton({ value, label, compact = false }: { value: string; label: string; compact?: boolean }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      type="button"
      variant="ghost"
      size="sm"
      className={compact ? 'h-6 px-1' : 'h-7 px-2'}
      aria-label={copied ? `${label} copied` : `Copy ${label}`}
      onClick={async () => {
        const done = await navigator.clipboard?.writeText(value).then(
          () => true,
          () => false,
        );
        setCopied(Boolean(done));
        if (done) setTimeout(() => setCopied(false), 2000);
      }}
    >
      {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
      {!compact && <span className="text-xs">{copied ? 'Copied' : 'Copy'}</span>}
    </Button>
  );
}
