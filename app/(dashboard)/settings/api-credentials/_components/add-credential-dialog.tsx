'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { Plus } from 'lucide-react';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { errorsOf, SelectField, TextField } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import type { KlarnaEnvironment } from '@/db/schema';
import { addCredentialAction } from '../actions';

export function AddCredentialDialog({ environment }: { environment: KlarnaEnvironment }) {
  const empty = { environment, label: '', apiKey: '' };
  const [form, setForm] = useState(empty);
  const dialog = useActionDialog(() => setForm(empty));
  const { execute, isPending } = useAction(addCredentialAction, {
    onSuccess: ({ data }) =>
      dialog.succeed(`Key …${data.credential.last4} added${data.credential.active ? ' and active' : ''}.`),
    onError: dialog.submission.onError,
  });
  const fields = errorsOf(dialog.submission.failure);

  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button>
          <Plus aria-hidden /> Add API key
        </Button>
      }
      title="Add a Klarna API key"
      description="Paste a key Klarna gave you. The dashboard checks it with Klarna, then stores it encrypted."
      shown={['environment', 'label', 'apiKey']}
      submitLabel="Check and add"
      pending={isPending}
      onSubmit={() => execute(form)}
    >
      <SelectField
        label="Environment"
        name="environment"
        value={form.environment}
        onChange={(value) => setForm({ ...form, environment: value as KlarnaEnvironment })}
        errors={fields}
      >
        <option value="sandbox">Sandbox (embedded)</option>
        <option value="test">Klarna test</option>
        <option value="live">Klarna live</option>
      </SelectField>
      <TextField
        label="Name"
        name="label"
        hint="What the key is for, e.g. “Dashboard – production”."
        value={form.label}
        onChange={(label) => setForm({ ...form, label })}
        errors={fields}
      />
      <TextField
        label="API key"
        name="apiKey"
        type="password"
        hint={form.environment === 'live' ? 'Starts with klarna_live_api_' : 'Starts with klarna_test_api_'}
        value={form.apiKey}
        onChange={(apiKey) => setForm({ ...form, apiKey })}
        errors={fields}
      />
    </ActionDialog>
  );
}
