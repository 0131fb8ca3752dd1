'use client';

import { useState } from 'react';
import { Plus } from 'lucide-react';
import { ConfirmButton } from '@/components/ui/confirm-button';
import {
  createSigningKeyAction,
  deleteSigningKeyAction,
  endSigningKeyGraceAction,
  rotateSigningKeyAction,
} from '../actions';

export function CreateSigningKeyButton({ count }: { count: number }) {
  const [intentId, setIntentId] = useState(() => crypto.randomUUID());
  return (
    <ConfirmButton
      label={
        <>
          <Plus aria-hidden /> Create signing key
        </>
      }
      variant="secondary"
      size="md"
      title="Create a signing key"
      disabled={count >= 50}
      disabledReason="Klarna allows at most 50 signing keys: delete an unused one first"
      description={
        <p>
          Klarna shows a new key only once; the dashboard stores it encrypted at once, so it can verify events signed
          with it. You never need to copy it.
        </p>
      }
      confirmLabel="Create key"
      confirmVariant="primary"
      successMessage="Signing key created and stored."
      run={async () => {
        const result = await createSigningKeyAction({ intentId });
        if (result?.data) setIntentId(crypto.randomUUID());
        return result;
      }}
    />
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
  const [intentId] = useState(() => crypto.randomUUID());
  const webhooks = `${usedBy} webhook${usedBy === 1 ? '' : 's'}`;
  return (
    <div className="flex justify-end gap-2">
      {usedBy > 0 && (
        <ConfirmButton
          label="Rotate…"
          title="Rotate this signing key"
          description={
            <p>
              A new key is created and stored here, and the {webhooks} signing with{' '}
              <code className="font-mono text-xs">{label}</code> move to it. The old key stays at Klarna and is accepted
              here for 12 hours, while Klarna may still retry deliveries signed with it; when that ends (you can end it
              sooner) it is deleted at Klarna.
            </p>
          }
          confirmLabel="Rotate"
          confirmVariant="primary"
          successMessage="New signing key in use; the old one is accepted for 12 more hours."
          run={() => rotateSigningKeyAction({ signingKeyId, intentId })}
        />
      )}
      <ConfirmButton
        label="Delete…"
        title="Delete this signing key"
        description={
          <p>
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
        }
        confirmLabel="Delete key"
        successMessage="Signing key deleted; events signed with it are rejected from now on."
        run={() => deleteSigningKeyAction({ signingKeyId })}
      />
    </div>
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
  return (
    <ConfirmButton
      label="End grace now…"
      title="Stop accepting this retired key"
      description={
        <p>
          Events signed with <code className="font-mono text-xs">{label}</code> are accepted until {acceptedUntil} UTC,
          while Klarna may still retry older deliveries. From now on they are rejected instead, and the key is deleted
          at Klarna.
        </p>
      }
      confirmLabel="Stop accepting it"
      successMessage="The retired key is no longer accepted."
      run={() => endSigningKeyGraceAction({ signingKeyId })}
    />
  );
}
