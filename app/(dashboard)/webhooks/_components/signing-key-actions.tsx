'use client';

import { useAction } from 'next-safe-action/hooks';
import { Plus } from 'lucide-react';
import { ActionDialog, confirmTrigger, useActionDialog } from '@/components/forms/action-dialog';
import {
  createSigningKeyAction,
  deleteSigningKeyAction,
  endSigningKeyGraceAction,
  rotateSigningKeyAction,
} from '../actions';

export function CreateSigningKeyButton({ count }: { count: number }) {
  // A new intent for every opening (and after a definitive failure): each confirmed creation is one key at Klarna.
  const dialog = useActionDialog();
  const { execute, isPending } = useAction(createSigningKeyAction, dialog.callbacks('Signing key created and stored.'));
  return (
    <ActionDialog
      state={dialog}
      trigger={confirmTrigger(
        <>
          <Plus aria-hidden /> Create signing key
        </>,
        {
          size: 'md',
          disabledReason: count >= 50 ? 'Klarna allows at most 50 signing keys: delete an unused one first' : null,
        },
      )}
      title="Create a signing key"
      submitLabel="Create key"
      submitVariant="primary"
      pending={isPending}
      onSubmit={() => execute({ intentId: dialog.submission.intentId })}
    >
      <p className="text-sm">
        Klarna shows a new key only once; the dashboard stores it encrypted at once, so it can verify events signed with
        it. You never need to copy it.
      </p>
    </ActionDialog>
  );
}

export function SigningKeyActions({
  signingKeyId,
  label,
  usedBy,
}: {
  signingKeyId: string;
  label: string;
  usedBy: number;
}) {
  const webhooks = `${usedBy} webhook${usedBy === 1 ? '' : 's'}`;
  return (
    <div className="flex justify-end gap-2">
      {usedBy > 0 && <RotateSigningKey signingKeyId={signingKeyId} label={label} webhooks={webhooks} />}
      <DeleteSigningKey signingKeyId={signingKeyId} label={label} usedBy={usedBy} webhooks={webhooks} />
    </div>
  );
}

function RotateSigningKey({
  signingKeyId,
  label,
  webhooks,
}: {
  signingKeyId: string;
  label: string;
  webhooks: string;
}) {
  const dialog = useActionDialog();
  const { execute, isPending } = useAction(
    rotateSigningKeyAction,
    dialog.callbacks('New signing key in use; the old one is accepted for 12 more hours.'),
  );
  return (
    <ActionDialog
      state={dialog}
      trigger={confirmTrigger('Rotate…')}
      title="Rotate this signing key"
      submitLabel="Rotate"
      submitVariant="primary"
      pending={isPending}
      onSubmit={() => execute({ signingKeyId, intentId: dialog.submission.intentId })}
    >
      <p className="text-sm">
        A new key is created and stored here, and the {webhooks} signing with{' '}
        <code className="font-mono text-xs">{label}</code> move to it. The old key stays at Klarna and is accepted here
        for 12 hours, while Klarna may still retry deliveries signed with it; when that ends (you can end it sooner) it
        is deleted at Klarna.
      </p>
    </ActionDialog>
  );
}

function DeleteSigningKey({
  signingKeyId,
  label,
  usedBy,
  webhooks,
}: {
  signingKeyId: string;
  label: string;
  usedBy: number;
  webhooks: string;
}) {
  const dialog = useActionDialog();
  const { execute, isPending } = useAction(
    deleteSigningKeyAction,
    dialog.callbacks('Signing key deleted; events signed with it are rejected from now on.'),
  );
  return (
    <ActionDialog
      state={dialog}
      trigger={confirmTrigger('Delete…')}
      title="Delete this signing key"
      submitLabel="Delete key"
      submitVariant="danger"
      pending={isPending}
      onSubmit={() => execute({ signingKeyId })}
    >
      <p className="text-sm">
        Klarna deletes <code className="font-mono text-xs">{label}</code> and this dashboard stops accepting events
        signed with it at once.
        {usedBy > 0 && (
          <strong>
            {' '}
            The {webhooks} signing with it will stop working: their events are rejected here. Rotate instead to keep
            them working.
          </strong>
        )}
      </p>
    </ActionDialog>
  );
}

/** A key retired by a rotation: accepted until `acceptedUntil` unless an admin ends that now. */
export function EndGraceButton({
  signingKeyId,
  label,
  acceptedUntil,
}: {
  signingKeyId: string;
  label: string;
  acceptedUntil: string;
}) {
  const dialog = useActionDialog();
  const { execute, isPending } = useAction(
    endSigningKeyGraceAction,
    dialog.callbacks('The retired key is no longer accepted.'),
  );
  return (
    <ActionDialog
      state={dialog}
      trigger={confirmTrigger('End grace now…')}
      title="Stop accepting this retired key"
      submitLabel="Stop accepting it"
      submitVariant="danger"
      pending={isPending}
      onSubmit={() => execute({ signingKeyId })}
    >
      <p className="text-sm">
        Events signed with <code className="font-mono text-xs">{label}</code> are accepted until {acceptedUntil} UTC,
        while Klarna may still retry older deliveries. From now on they are rejected instead, and the key is deleted at
        Klarna.
      </p>
    </ActionDialog>
  );
}
