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
import type { KlarnaEnvironment } from '@/db/schema';
import { failureFields, failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { addCredentialAction } from '../actions';

export function AddCredentialDialog({ environment }: { environment: KlarnaEnvironment }) {
  const empty = { environment, label: '', apiKey: '' };
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(empty);
  const { execute, result, isPending, reset } = useAction(addCredentialAction, {
    onSuccess: ({ data }) => {
      toast.success(`Key …${data.credential.last4} added${data.credential.active ? ' and active' : ''}.`);
      close(false);
    },
  });
  const failure = (result.serverError || result.validationErrors ? result : undefined) as ActionFailure | undefined;
  const fields = failureFields(failure);

  function close(next: boolean) {
    setOpen(next);
    if (!next) {
      reset();
      setForm(empty);
    }
  }

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogTrigger asChild>
        <Button>
          <Plus aria-hidden /> Add API key
        </Button>
      </DialogTrigger>
      <DialogContent title="Add a Klarna API key" description="Paste a key Klarna gave you. The dashboard checks it with Klarna, then stores it encrypted.">
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            execute(form);
          }}
        >
          {failure?.serverError && !failure.serverError.fields && <Alert tone="danger">{failureMessage(failure)}</Alert>}
          <Field label="Environment" errors={fields.environment}>
            {(c) => (
              <Select {...c} value={form.environment} onChange={(e) => setForm({ ...form, environment: e.target.value as KlarnaEnvironment })}>
                <option value="sandbox">Sandbox (embedded)</option>
                <option value="test">Klarna test</option>
                <option value="live">Klarna live</option>
              </Select>
            )}
          </Field>
          <Field label="Name" hint="What the key is for, e.g. “Dashboard – production”." errors={fields.label}>
            {(c) => <Input {...c} autoComplete="off" value={form.label} onChange={(e) => setForm({ ...form, label: e.target.value })} />}
          </Field>
          <Field label="API key" hint={form.environment === 'live' ? 'Starts with klarna_live_api_' : 'Starts with klarna_test_api_'} errors={fields.apiKey}>
            {(c) => <Input {...c} type="password" autoComplete="off" spellCheck={false} value={form.apiKey} onChange={(e) => setForm({ ...form, apiKey: e.target.value })} />}
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => close(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={isPending}>
              Check and add
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
