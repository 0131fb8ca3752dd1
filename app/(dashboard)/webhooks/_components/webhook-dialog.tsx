'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { Plus } from 'lucide-react';
import { toast } from 'sonner';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { failureFields, failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { createWebhookAction, updateWebhookAction } from '../actions';

type WebhookValues = { webhookId?: string; url: string; eventTypes: string[]; signingKeyId: string; status: 'ENABLED' | 'DISABLED' };

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
  const initial = (): WebhookValues & { custom: string; intentId: string } => {
    const types = webhook?.eventTypes ?? ['*'];
    return {
      url: webhook?.url ?? receiverUrl,
      eventTypes: types.filter((t) => t === '*' || knownEventTypes.includes(t)),
      custom: types.filter((t) => t !== '*' && !knownEventTypes.includes(t)).join(', '),
      signingKeyId: webhook?.signingKeyId ?? keys[0]?.id ?? '',
      status: webhook?.status ?? 'ENABLED',
      intentId: crypto.randomUUID(),
    };
  };
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(initial);
  const onSuccess = () => {
    toast.success(mode === 'create' ? 'Webhook created. Klarna sends matching events to it now.' : 'Webhook updated.');
    close(false);
  };
  const create = useAction(createWebhookAction, { onSuccess });
  const update = useAction(updateWebhookAction, { onSuccess });
  const action = mode === 'create' ? create : update;
  const failure = (action.result.serverError || action.result.validationErrors ? action.result : undefined) as ActionFailure | undefined;
  const fields = failureFields(failure);
  const all = form.eventTypes.includes('*');

  function close(next: boolean) {
    setOpen(next);
    // Fresh values on every opening: the keys may have changed since the page first rendered.
    create.reset();
    update.reset();
    setForm(initial());
  }

  function toggle(type: string, checked: boolean) {
    setForm({ ...form, eventTypes: checked ? [...form.eventTypes, type] : form.eventTypes.filter((t) => t !== type) });
  }

  function submit() {
    const custom = form.custom
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const eventTypes = all ? ['*'] : [...new Set([...form.eventTypes, ...custom])];
    const values = { url: form.url, eventTypes, signingKeyId: form.signingKeyId, status: form.status, intentId: form.intentId };
    if (mode === 'create') create.execute(values);
    else update.execute({ ...values, webhookId: webhook!.webhookId! });
  }

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogTrigger asChild>
        {mode === 'create' ? (
          <Button disabled={keys.length === 0} title={keys.length === 0 ? 'Create a signing key first' : undefined}>
            <Plus aria-hidden /> Add webhook
          </Button>
        ) : (
          <Button variant="secondary" size="sm">
            Edit…
          </Button>
        )}
      </DialogTrigger>
      <DialogContent title={mode === 'create' ? 'Add a webhook' : 'Edit webhook'} description="Klarna sends every event matching the chosen types to the URL, signed with the chosen key." className="max-w-2xl">
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          {failure?.serverError && <Alert tone="danger">{failureMessage(failure)}</Alert>}
          <Field label="URL" hint="This dashboard’s receiver is filled in. Klarna calls only https:// addresses." errors={fields.url}>
            {(c) => <Input {...c} value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} />}
          </Field>
          <fieldset className="grid gap-2" aria-describedby={fields.eventTypes ? 'event-types-error' : undefined}>
            <legend className="mb-1 text-sm font-medium">Events</legend>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={all} onChange={(e) => toggle('*', e.target.checked)} /> All events (<code className="font-mono text-xs">*</code>)
            </label>
            <div className="grid max-h-48 gap-1 overflow-y-auto rounded-md border p-2 sm:grid-cols-2">
              {knownEventTypes.map((type) => (
                <label key={type} className="flex items-center gap-2 text-xs">
                  <input type="checkbox" disabled={all} checked={all || form.eventTypes.includes(type)} onChange={(e) => toggle(type, e.target.checked)} />
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
          <Field label="More event types or patterns" hint="Comma-separated, with * as wildcard, e.g. payment.request.*" errors={fields.custom}>
            {(c) => <Input {...c} disabled={all} value={form.custom} onChange={(e) => setForm({ ...form, custom: e.target.value })} className="font-mono" />}
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Signing key" hint="Only keys this dashboard holds, so it can verify the events." errors={fields.signingKeyId}>
              {(c) => (
                <Select {...c} value={form.signingKeyId} onChange={(e) => setForm({ ...form, signingKeyId: e.target.value })}>
                  {keys.length === 0 && <option value="">No keys held here</option>}
                  {keys.map((k) => (
                    <option key={k.id} value={k.id}>
                      {k.label}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field label="Status" errors={fields.status}>
              {(c) => (
                <Select {...c} value={form.status} onChange={(e) => setForm({ ...form, status: e.target.value as 'ENABLED' | 'DISABLED' })}>
                  <option value="ENABLED">Enabled</option>
                  <option value="DISABLED">Disabled</option>
                </Select>
              )}
            </Field>
          </div>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => close(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={action.isPending}>
              {mode === 'create' ? 'Create webhook' : 'Save changes'}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
