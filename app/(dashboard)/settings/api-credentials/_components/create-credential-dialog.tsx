'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { KeyRound } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { failureFields, failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { createCredentialAtKlarnaAction } from '../actions';

export function CreateCredentialDialog({ disabled }: { disabled: boolean }) {
  const fresh = () => ({ description: '', type: 'API' as 'API' | 'CLIENT', intentId: crypto.randomUUID() });
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(fresh);
  const { execute, result, isPending, reset } = useAction(createCredentialAtKlarnaAction);
  const failure = (result.serverError || result.validationErrors ? result : undefined) as ActionFailure | undefined;
  const fields = failureFields(failure);
  const created = result.data;

  function close(next: boolean) {
    setOpen(next);
    if (!next) {
      reset();
      setForm(fresh());
    }
  }

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogTrigger asChild>
        <Button
          variant="secondary"
          disabled={disabled}
          title={disabled ? 'Needs an active key to call Klarna' : undefined}
        >
          <KeyRound aria-hidden /> Create at Klarna
        </Button>
      </DialogTrigger>
      <DialogContent
        title={created ? 'Credential created' : 'Create a credential at Klarna'}
        description={
          created
            ? undefined
            : 'Klarna creates a new API key or client id for the partner account, using the active key.'
        }
      >
        {created ? (
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
            <Button onClick={() => close(false)}>Done</Button>
          </div>
        ) : (
          <form
            className="grid gap-4"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              execute(form);
            }}
          >
            {failure?.serverError && !failure.serverError.fields && (
              <Alert tone="danger">{failureMessage(failure)}</Alert>
            )}
            <Field label="Type" errors={fields.type}>
              {(c) => (
                <Select
                  {...c}
                  value={form.type}
                  onChange={(e) => setForm({ ...form, type: e.target.value as 'API' | 'CLIENT' })}
                >
                  <option value="API">API key (server-side calls)</option>
                  <option value="CLIENT">Client id (Web SDK)</option>
                </Select>
              )}
            </Field>
            <Field
              label="Description"
              hint="Klarna keeps it with the credential (at most 100 characters)."
              errors={fields.description}
            >
              {(c) => (
                <Input
                  {...c}
                  autoComplete="off"
                  value={form.description}
                  onChange={(e) => setForm({ ...form, description: e.target.value })}
                />
              )}
            </Field>
            <div className="flex justify-end gap-2">
              <Button type="button" variant="secondary" onClick={() => close(false)}>
                Cancel
              </Button>
              <Button type="submit" pending={isPending}>
                Create
              </Button>
            </div>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
