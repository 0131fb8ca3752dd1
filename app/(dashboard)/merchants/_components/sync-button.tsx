'use client';

import { useAction } from 'next-safe-action/hooks';
import { RefreshCw } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { syncMerchantsAction } from '../actions';

/** "Sync from Klarna": reads every account Klarna lists for this partner into the list. */
export function SyncButton() {
  const sync = useAction(syncMerchantsAction, {
    onSuccess: ({ data }) =>
      toast.success(
        data
          ? `Read ${data.accounts} ${data.accounts === 1 ? 'account' : 'accounts'} from Klarna${data.added ? `; ${data.added} new here` : ''}.`
          : 'Synced.',
      ),
    onError: ({ error }) => toast.error(failureMessage(error as ActionFailure), { duration: 10_000 }),
  });
  return (
    <Button variant="secondary" onClick={() => sync.execute({})} disabled={sync.isPending}>
      <RefreshCw aria-hidden className={sync.isPending ? 'animate-spin' : undefined} />{' '}
      {sync.isPending ? 'Syncing…' : 'Sync from Klarna'}
    </Button>
  );
}
