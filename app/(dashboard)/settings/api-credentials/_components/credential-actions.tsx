'use client';

import { useState } from 'react';
import { ConfirmButton } from '@/components/ui/confirm-button';
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
  const [atKlarna, setAtKlarna] = useState(Boolean(credential.klarnaCredentialId));
  const [rotation] = useState(() => crypto.randomUUID());
  const name = `${credential.label} (…${credential.last4})`;
  return (
    <div className="flex justify-end gap-2">
      {credential.active && current && (
        <ConfirmButton
          label="Rotate…"
          title="Rotate the active key"
          description={
            <p>
              Klarna creates a new API key; the dashboard checks that it works and switches to it.{' '}
              <strong>{name}</strong> stays valid at Klarna until you delete it, so anything else still using it keeps
              working meanwhile.
            </p>
          }
          confirmLabel="Create new key and switch"
          confirmVariant="primary"
          successMessage="Switched to a new API key. Delete the old one once nothing uses it."
          run={() => rotateCredentialAction({ intentId: rotation })}
        />
      )}
      {!credential.active && (
        <ConfirmButton
          label="Make active…"
          title="Make this key active"
          description={<p>The dashboard will call Klarna with {name} from now on. It checks with Klarna first.</p>}
          confirmLabel="Make active"
          confirmVariant="primary"
          successMessage={`${name} is now active.`}
          run={() => activateCredentialAction({ id: credential.id })}
        />
      )}
      <ConfirmButton
        label="Delete…"
        title={`Delete ${name}`}
        disabled={credential.active}
        disabledReason="The active key cannot be deleted: make another key active first"
        description={
          <div className="grid gap-3">
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
        }
        confirmLabel={atKlarna ? 'Delete here and at Klarna' : 'Delete here'}
        successMessage={`${name} deleted${atKlarna ? ' here and at Klarna' : ''}.`}
        run={() => deleteCredentialAction({ id: credential.id, atKlarna })}
      />
    </div>
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
  return (
    <ConfirmButton
      label="Delete at Klarna…"
      title="Delete a credential at Klarna"
      disabled={inUse}
      disabledReason="This is the key the dashboard uses"
      description={
        <p>
          Klarna permanently disables <strong>{description}</strong> (
          <code className="font-mono text-xs">{credentialId}</code>). Anything still using it stops working.
        </p>
      }
      confirmLabel="Delete at Klarna"
      successMessage="Deleted at Klarna."
      run={() => deleteKlarnaCredentialAction({ credentialId })}
    />
  );
}
