'use client';

import { useState } from 'react';
import type { InferSafeActionFnResult } from 'next-safe-action';
import { useAction } from 'next-safe-action/hooks';
import { KeyRound } from 'lucide-react';
import { ActionDialog, useDoneDialog } from '@/components/forms/action-dialog';
import { errorsOf, SelectField, TextField } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { createCredentialAtKlarnaAction } from '../actions';

type CredentialType = 'API' | 'CLIENT';
const empty = { description: '', type: 'API' as CredentialType };

export function CreateCredentialDialog({ disabled }: { disabled: boolean }) {
  const [form, setForm] = useState(empty);
  const dialog = useDoneDialog<NonNullable<InferSafeActionFnResult<typeof createCredentialAtKlarnaAction>['data']>>(
    () => setForm(empty),
  );
  const action = useAction(
    createCredentialAtKlarnaAction,
    dialog.doneCallbacks((data) => `Credential ${data.credential.credential_id} created at Klarna.`),
  );
  const created = dialog.done;
  const errors = errorsOf(dialog.submission.failure);

  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button
          variant="secondary"
          disabled={disabled}
          title={disabled ? 'Needs an active key to call Klarna' : undefined}
        >
          <KeyRound aria-hidden /> Create at Klarna
        </Button>
      }
      title="Create a credential at Klarna"
      description="Klarna creates a new API key or client id for the partner account, using the active key."
      shown={['type', 'description']}
      submitLabel="Create"
      pending={action.isPending}
      onSubmit={() => action.execute({ ...form, intentId: dialog.submission.intentId })}
      doneTitle="Credential created"
      done={
        created && (
          <div className="grid gap-4 text-sm">
            <p>
              Klarna created <code className="font-mono text-xs">{created.credential.credential_id}</code>.
            </p>
            {created.stored ? (
              <p>
                The new API key (…{created.stored.last4}) is stored encrypted here, on standby. Make it active when you
                are ready to switch.
              </p>
            ) : created.credential.client_id ? (
              <SecretReveal
                label="Client id"
                value={created.credential.client_id}
                note="Client ids identify your checkout to Klarna’s Web SDK. Register the domains that use it with Klarna."
              />
            ) : null}
          </div>
        )
      }
    >
      <SelectField
        label="Type"
        name="type"
        value={form.type}
        onChange={(type) => setForm({ ...form, type: type as CredentialType })}
        errors={errors}
      >
        <option value="API">API key (server-side calls)</option>
        <option value="CLIENT">Client id (Web SDK)</option>
      </SelectField>
      <TextField
        label="Description"
        name="description"
        value={form.description}
        onChange={(description) => setForm({ ...form, description })}
        errors={errors}
        hint="Klarna keeps it with the credential (at most 100 characters)."
      />
    </ActionDialog>
  );
}
