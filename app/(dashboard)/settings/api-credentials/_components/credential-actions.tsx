'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { ActionDialog, confirmTrigger, useActionDialog } from '@/components/forms/action-dialog';
import {
  activateCredentialAction,
  deleteCredentialAction,
  deleteKlarnaCredentialAction,
  rotateCredentialAction,
} from '../actions';

type StoredCredential = {
  id: string;
  label: string;
  last4: string;
  active: boolean;
  environment: string;
  klarnaCredentialId: string | null;
};

export function StoredCredentialActions({ credential, current }: { credential: StoredCredential; current: boolean }) {
  const name = `${credential.label} (…${credential.last4})`;
  return (
    <div className="flex justify-end gap-2">
      {credential.active && current && <RotateCredential name={name} />}
      {!credential.active && <ActivateCredential id={credential.id} name={name} />}
      <DeleteCredential credential={credential} name={name} />
    </div>
  );
}

function RotateCredential({ name }: { name: string }) {
  const dialog = useActionDialog();
  const { execute, isPending } = useAction(
    rotateCredentialAction,
    dialog.callbacks('Switched to a new API key. Delete the old one once nothing uses it.'),
  );
  return (
    <ActionDialog
      state={dialog}
      trigger={confirmTrigger('Rotate…')}
      title="Rotate the active key"
      submitLabel="Create new key and switch"
      submitVariant="primary"
      pending={isPending}
      onSubmit={() => execute({ intentId: dialog.submission.intentId })}
    >
      <p className="text-sm">
        Klarna creates a new API key; the dashboard checks that it works and switches to it. <strong>{name}</strong>{' '}
        stays valid at Klarna until you delete it, so anything else still using it keeps working meanwhile.
      </p>
    </ActionDialog>
  );
}

function ActivateCredential({ id, name }: { id: string; name: string }) {
  const dialog = useActionDialog();
  const { execute, isPending } = useAction(activateCredentialAction, dialog.callbacks(`${name} is now active.`));
  return (
    <ActionDialog
      state={dialog}
      trigger={confirmTrigger('Make active…')}
      title="Make this key active"
      submitLabel="Make active"
      submitVariant="primary"
      pending={isPending}
      onSubmit={() => execute({ id })}
    >
      <p className="text-sm">The dashboard will call Klarna with {name} from now on. It checks with Klarna first.</p>
    </ActionDialog>
  );
}

function DeleteCredential({ credential, name }: { credential: StoredCredential; name: string }) {
  const [atKlarna, setAtKlarna] = useState(Boolean(credential.klarnaCredentialId));
  const dialog = useActionDialog();
  const { execute, isPending } = useAction(
    deleteCredentialAction,
    dialog.callbacks(`${name} deleted${atKlarna ? ' here and at Klarna' : ''}.`),
  );
  return (
    <ActionDialog
      state={dialog}
      trigger={confirmTrigger('Delete…', {
        disabledReason: credential.active ? 'The active key cannot be deleted: make another key active first' : null,
      })}
      title={`Delete ${name}`}
      submitLabel={atKlarna ? 'Delete here and at Klarna' : 'Delete here'}
      submitVariant="danger"
      pending={isPending}
      onSubmit={() => execute({ id: credential.id, atKlarna })}
    >
      <div className="grid gap-3 text-sm">
        <p>The key is removed from this dashboard.</p>
        <label className="flex items-start gap-2">
          <input
            type="checkbox"
            className="mt-1"
            checked={atKlarna}
            disabled={!credential.klarnaCredentialId}
            onChange={(e) => setAtKlarna(e.target.checked)}
          />
          <span>
            Also delete it at Klarna, which disables it for good everywhere.
            {!credential.klarnaCredentialId && (
              <span className="block text-muted-foreground">
                Klarna’s id for this pasted key is unknown; delete it in the list below.
              </span>
            )}
          </span>
        </label>
      </div>
    </ActionDialog>
  );
}

export function DeleteKlarnaCredentialButton({
  credentialId,
  description,
  inUse,
}: {
  credentialId: string;
  description: string;
  inUse: boolean;
}) {
  const dialog = useActionDialog();
  const { execute, isPending } = useAction(deleteKlarnaCredentialAction, dialog.callbacks('Deleted at Klarna.'));
  return (
    <ActionDialog
      state={dialog}
      trigger={confirmTrigger('Delete at Klarna…', {
        disabledReason: inUse ? 'This is the key the dashboard uses' : null,
      })}
      title="Delete a credential at Klarna"
      submitLabel="Delete at Klarna"
      submitVariant="danger"
      pending={isPending}
      onSubmit={() => execute({ credentialId })}
    >
      <p className="text-sm">
        Klarna permanently disables <strong>{description}</strong> (
        <code className="font-mono text-xs">{credentialId}</code>). Anything still using it stops working.
      </p>
    </ActionDialog>
  );
}
