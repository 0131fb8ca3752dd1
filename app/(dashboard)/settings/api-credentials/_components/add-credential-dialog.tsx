'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { Plus } from 'lucide-react';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { errorsOf } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
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
      <Field label="Environment" errors={fields.environment}>
        {(c) => (
          <Select
            {...c}
            value={form.environment}
            onChange={(e) => setForm({ ...form, environment: e.target.value as KlarnaEnvironment })}
          >
            <option value="sandbox">Sandbox (embedded)</option>
            <option value="test">Klarna test</option>
            <option value="live">Klarna live</option>
          </Select>
        )}
      </Field>
      <Field label="Name" hint="What the key is for, e.g. “Dashboard – production”." errors={fields.label}>
        {(c) => (
          <Input
            {...c}
            autoComplete="off"
            value={form.label}
            onChange={(e) => setForm({ ...form, label: e.target.value })}
          />
        )}
      </Field>
      <Field
        label="API key"
        hint={form.environment === 'live' ? 'Starts with klarna_live_api_' : 'Starts with klarna_test_api_'}
        errors={fields.apiKey}
      >
        {(c) => (
          <Input
            {...c}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={form.apiKey}
            onChange={(e) => setForm({ ...form, apiKey: e.target.value })}
          />
        )}
      </Field>
    </ActionDialog>
  );
}
