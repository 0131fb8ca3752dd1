'use client';

import { useState } from 'react';
import { ExternalLink } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { openPortalAction } from '../../actions';

/**
 * "Open Klarna portal": the one-time deep link (valid 60 s) is created when clicked, never
 * before, and opened at once. The tab is opened synchronously inside the click, so popup
 * blockers allow it, and pointed at the link when Klarna has answered.
 */
export function PortalButton({ accountId, disabledReason }: { accountId: string; disabledReason: string | null }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function open() {
    setError(null);
    const tab = window.open('', '_blank');
    if (!tab) {
      setError('The browser blocked the new tab. Allow pop-ups for this dashboard and try again; no link was created.');
      return;
    }
    // The portal must not be able to reach back into the dashboard through window.opener.
    tab.opener = null;
    try {
      tab.document.title = 'Opening the Klarna portal…';
      if (tab.document.body) tab.document.body.textContent = 'Opening the Klarna portal…';
    } catch {
      // Only a courtesy while waiting; the tab is pointed at the link either way.
    }
    setPending(true);
    try {
      const result = await openPortalAction({ accountId, intentId: crypto.randomUUID() });
      if (result?.data) {
        tab.location.href = result.data.url;
        return;
      }
      tab.close();
      setError(failureMessage((result ?? {}) as ActionFailure));
    } catch {
      tab.close();
      setError(failureMessage({}));
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="grid justify-items-end gap-1.5">
      <Button
        type="button"
        onClick={open}
        pending={pending}
        disabled={Boolean(disabledReason)}
        aria-describedby="portal-note"
      >
        <ExternalLink aria-hidden /> Open Klarna portal
      </Button>
      <p id="portal-note" className="max-w-64 text-right text-xs text-muted-foreground">
        {disabledReason ??
          'Opens a one-time link in a new tab; it is valid for 60 seconds and signs you in for 8 hours.'}
      </p>
      {error && (
        <Alert tone="danger" className="max-w-md">
          {error}
        </Alert>
      )}
    </div>
  );
}
