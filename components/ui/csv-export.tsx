'use client';

import { useId, useState } from 'react';
import { Download } from 'lucide-react';
import { Button } from './button';

/** `href` with `bom=1` added, however its query string already looks. */
export function withBom(href: string): string {
  const [path, query = ''] = href.split('?', 2);
  const params = new URLSearchParams(query);
  params.set('bom', '1');
  return `${path}?${params}`;
}

/**
 * An export's download link with a "For Excel" box: ticked, the file starts with a UTF-8 byte
 * order mark, without which Excel reads non-ASCII text (a merchant called Café Zürich) wrongly.
 */
export function CsvExport({ href, label = 'Export CSV' }: { href: string; label?: string }) {
  const [forExcel, setForExcel] = useState(false);
  const id = useId();
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Button asChild variant="secondary">
        <a href={forExcel ? withBom(href) : href} download>
          <Download aria-hidden /> {label}
        </a>
      </Button>
      <label
        htmlFor={id}
        className="inline-flex items-center gap-1.5 text-sm text-muted-foreground"
        title="Adds a byte order mark so Excel reads accented names correctly"
      >
        <input id={id} type="checkbox" checked={forExcel} onChange={(e) => setForExcel(e.target.checked)} /> For Excel
      </label>
    </span>
  );
}
