'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { Plus } from 'lucide-react';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { errorsOf, SelectField, TextField } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { createWebhookAction, updateWebhookAction } from '../actions';

type WebhookValues = {
  webhookId?: string;
  url: string;
  eventTypes: string[];
  signingKeyId: string;
  status: 'ENABLED' | 'DISABLED';
};

export function WebhookDialog({
  mode,
  receiverUrl,
  keys,
  knownEventTypes,
  webhook,
}: {
  mode: 'create' | 'edit';
  receiverUrl: string;
  keys: { id: string; label: string }[];
  knownEventTypes: string[];
  webhook?: WebhookValues;
}) {
  const initial = (): WebhookValues & { custom: string } => {
    const types = webhook?.eventTypes ?? ['*'];
    return {
      url: webhook?.url ?? receiverUrl,
      eventTypes: types.filter((t) => t === '*' || knownEventTypes.includes(t)),
      custom: types.filter((t) => t !== '*' && !knownEventTypes.includes(t)).join(', '),
      signingKeyId: webhook?.signingKeyId ?? keys[0]?.id ?? '',
      status: webhook?.status ?? 'ENABLED',
    };
  };
  const [form, setForm] = useState(initial);
  // Fresh values on every opening: the keys may have changed since the page first rendered.
  const dialog = useActionDialog(() => setForm(initial()));
  const saved = dialog.callbacks(
    mode === 'create'
      ? `Webhook to ${form.url} created. Klarna sends matching events to it now.`
      : `Webhook to ${form.url} updated.`,
  );
  const create = useAction(createWebhookAction, saved);
  const update = useAction(updateWebhookAction, saved);
  const action = mode === 'create' ? create : update;
  const fields = errorsOf(dialog.submission.failure);
  const all = form.eventTypes.includes('*');

  function toggle(type: string, checked: boolean) {
    setForm({ ...form, eventTypes: checked ? [...form.eventTypes, type] : form.eventTypes.filter((t) => t !== type) });
  }

  function submit() {
    const custom = form.custom
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const eventTypes = all ? ['*'] : [...new Set([...form.eventTypes, ...custom])];
    const values = {
      url: form.url,
      eventTypes,
      signingKeyId: form.signingKeyId,
      status: form.status,
      intentId: dialog.submission.intentId,
    };
    if (mode === 'create') create.execute(values);
    else update.execute({ ...values, webhookId: webhook!.webhookId! });
  }

  return (
    <ActionDialog
      state={dialog}
      trigger={
        mode === 'create' ? (
          <Button disabled={keys.length === 0} title={keys.length === 0 ? 'Create a signing key first' : undefined}>
            <Plus aria-hidden /> Add webhook
          </Button>
        ) : (
          <Button variant="secondary" size="sm">
            Edit…
          </Button>
        )
      }
      title={mode === 'create' ? 'Add a webhook' : 'Edit webhook'}
      description="Klarna sends every event matching the chosen types to the URL, signed with the chosen key."
      className="max-w-2xl"
      shown={['url', 'eventTypes', 'custom', 'signingKeyId', 'status']}
      submitLabel={mode === 'create' ? 'Create webhook' : 'Save changes'}
      pending={action.isPending}
      onSubmit={submit}
    >
      <TextField
        label="URL"
        name="url"
        value={form.url}
        onChange={(url) => setForm({ ...form, url })}
        errors={fields}
        hint="This dashboard’s receiver is filled in. Klarna calls only https:// addresses."
      />
      <fieldset className="grid gap-2" aria-describedby={fields.eventTypes ? 'event-types-error' : undefined}>
        <legend className="mb-1 text-sm font-medium">Events</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={all} onChange={(e) => toggle('*', e.target.checked)} /> All events (
          <code className="font-mono text-xs">*</code>)
        </label>
        <div className="grid max-h-48 gap-1 overflow-y-auto rounded-md border p-2 sm:grid-cols-2">
          {knownEventTypes.map((type) => (
            <label key={type} className="flex items-center gap-2 text-xs">
              <input
                type="checkbox"
                disabled={all}
                checked={all || form.eventTypes.includes(type)}
                onChange={(e) => toggle(type, e.target.checked)}
              />
              <span className="font-mono">{type}</span>
            </label>
          ))}
        </div>
        {fields.eventTypes && (
          <p id="event-types-error" className="text-xs text-danger">
            {fields.eventTypes.join(' ')}
          </p>
        )}
      </fieldset>
      <Field
        label="More event types or patterns"
        hint="Comma-separated, with * as wildcard, e.g. payment.request.*"
        errors={fields.custom}
      >
        {(c) => (
          <Input
            {...c}
            disabled={all}
            value={form.custom}
            onChange={(e) => setForm({ ...form, custom: e.target.value })}
            className="font-mono"
          />
        )}
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label="Signing key"
          name="signingKeyId"
          value={form.signingKeyId}
          onChange={(signingKeyId) => setForm({ ...form, signingKeyId })}
          errors={fields}
          hint="Only keys this dashboard holds, so it can verify the events."
        >
          {keys.length === 0 && <option value="">No keys held here</option>}
          {keys.map((k) => (
            <option key={k.id} value={k.id}>
              {k.label}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Status"
          name="status"
          value={form.status}
          onChange={(status) => setForm({ ...form, status: status as 'ENABLED' | 'DISABLED' })}
          errors={fields}
        >
          <option value="ENABLED">Enabled</option>
          <option value="DISABLED">Disabled</option>
        </SelectField>
      </div>
    </ActionDialog>
  );
}
