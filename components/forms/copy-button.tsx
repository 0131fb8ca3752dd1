'use client';

import { useState } from 'react';
import { Check, Copy } from 'lucide-react';
import { Button } from '@/components/ui/button';

/** Copies a value (an id) to the clipboard and says so. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      type="button"
      variant="ghost"
      size="sm"
      className="h-7 px-2"
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
      <span className="text-xs">{copied ? 'Copied' : 'Copy'}</span>
    </Button>
  );
}
