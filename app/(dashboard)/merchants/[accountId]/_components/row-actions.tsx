'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { deleteChannelAction, deleteCollectionAction } from '../../actions';

/** Klarna refuses to delete an account's last channel; its message shows in the dialog. */
export function DeleteChannelButton({
  accountId,
  channelId,
  label,
  last,
  disabledReason,
}: {
  accountId: string;
  channelId: string;
  label: string;
  last: boolean;
  disabledReason: string | null;
}) {
  return (
    <ConfirmButton
      label="Delete…"
      title={`Delete the ${label}?`}
      disabled={Boolean(disabledReason)}
      disabledReason={disabledReason ?? undefined}
      description={
        <div className="grid gap-2">
          <p>
            Klarna removes the channel <span className="font-mono text-xs break-all">{channelId}</span>. Payment
            requests can no longer name it.
          </p>
          {last && (
            <p className="text-muted-foreground">
              This is the account’s only channel. Every account must keep at least one, so Klarna is expected to refuse.
            </p>
          )}
        </div>
      }
      confirmLabel="Delete channel"
      successMessage="Channel deleted at Klarna."
      run={() => deleteChannelAction({ accountId, channelId })}
    />
  );
}

/** Klarna refuses to delete a collection while channels use it; its message shows in the dialog. */
export function DeleteCollectionButton({
  accountId,
  reference,
  usedBy,
  disabledReason,
}: {
  accountId: string;
  reference: string;
  usedBy: number;
  disabledReason: string | null;
}) {
  return (
    <ConfirmButton
      label="Delete…"
      title={`Delete channel collection ${reference}?`}
      disabled={Boolean(disabledReason)}
      disabledReason={disabledReason ?? undefined}
      description={
        <div className="grid gap-2">
          <p>Klarna removes the collection’s branding, support contacts and social links.</p>
          {usedBy > 0 && (
            <p className="text-muted-foreground">
              {usedBy === 1 ? 'One channel uses' : `${usedBy} channels use`} it: Klarna refuses until{' '}
              {usedBy === 1 ? 'that channel is' : 'they are'} given another collection or none.
            </p>
          )}
        </div>
      }
      confirmLabel="Delete collection"
      successMessage={`Channel collection ${reference} deleted at Klarna.`}
      run={() => deleteCollectionAction({ accountId, reference })}
    />
  );
}
