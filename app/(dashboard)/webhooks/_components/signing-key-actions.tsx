'use client';

import { useState } from 'react';
import { Plus } from 'lucide-react';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { createSigningKeyAction, deleteSigningKeyAction, rotateSigningKeyAction } from '../actions';

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
      description={<p>Klarna shows a new key only once; the dashboard stores it encrypted at once, so it can verify events signed with it. You never need to copy it.</p>}
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

export function SigningKeyActions({ signingKeyId, label, usedBy }: { signingKeyId: string; label: string; usedBy: number }) {
  const [intentId] = useState(() => crypto.randomUUID());
  return (
    <div className="flex justify-end gap-2">
      {usedBy > 0 && (
        <ConfirmButton
          label="Rotate…"
          title="Rotate this signing key"
          description={
            <p>
              A new key is created and stored here, then the {usedBy} webhook{usedBy === 1 ? '' : 's'} signing with <code className="font-mono text-xs">{label}</code> move to it.
              This dashboard keeps accepting the old key, so nothing is rejected meanwhile; delete it once events arrive signed with the new one.
            </p>
          }
          confirmLabel="Rotate"
          confirmVariant="primary"
          successMessage="New signing key in use. Delete the old one when events arrive signed with the new key."
          run={() => rotateSigningKeyAction({ signingKeyId, intentId })}
        />
      )}
      <ConfirmButton
        label="Delete…"
        title="Delete this signing key"
        disabled={usedBy > 0}
        disabledReason="A webhook signs with this key: move it to another key first (Rotate)"
        description={
          <p>
            Klarna deletes <code className="font-mono text-xs">{label}</code>. This dashboard still accepts events signed with it for 13 hours, while Klarna may retry older deliveries.
          </p>
        }
        confirmLabel="Delete key"
        successMessage="Signing key deleted."
        run={() => deleteSigningKeyAction({ signingKeyId })}
      />
    </div>
  );
}
