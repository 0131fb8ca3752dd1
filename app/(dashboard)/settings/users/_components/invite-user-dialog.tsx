'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { UserPlus } from 'lucide-react';
import { toast } from 'sonner';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { roleLabels, type Role } from '@/lib/auth/roles';
import { failureFields, failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { createUserAction } from '../actions';
import { RoleField } from './role-field';

export function InviteUserDialog() {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ email: '', name: '', role: 'viewer' as Role });
  const { execute, result, isPending, reset } = useAction(createUserAction, {
    onSuccess: ({ data }) => toast.success(`${data.user.email} can now sign in with the one-time password.`),
  });
  const failure = (result.serverError || result.validationErrors ? result : undefined) as ActionFailure | undefined;
  const fields = failureFields(failure);
  const created = result.data;

  function close(next: boolean) {
    setOpen(next);
    if (!next) {
      reset();
      setForm({ email: '', name: '', role: 'viewer' });
    }
  }

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogTrigger asChild>
        <Button>
          <UserPlus aria-hidden /> Add user
        </Button>
      </DialogTrigger>
      <DialogContent
        title={created ? 'User added' : 'Add a user'}
        description={created ? undefined : 'They get a one-time password and choose their own at first sign-in.'}
      >
        {created ? (
          <div className="grid gap-4">
            <p className="text-sm">
              <strong>{created.user.name}</strong> ({created.user.email}) was added as {roleLabels[created.user.role]}.
            </p>
            <SecretReveal
              label="One-time password"
              value={created.temporaryPassword}
              note="Give it to them through a private channel. It is shown only now; it cannot be shown again."
            />
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
            <Field label="Email" errors={fields.email}>
              {(c) => (
                <Input
                  {...c}
                  type="email"
                  autoComplete="off"
                  value={form.email}
                  onChange={(e) => setForm({ ...form, email: e.target.value })}
                />
              )}
            </Field>
            <Field label="Name" errors={fields.name}>
              {(c) => (
                <Input
                  {...c}
                  autoComplete="off"
                  value={form.name}
                  onChange={(e) => setForm({ ...form, name: e.target.value })}
                />
              )}
            </Field>
            <RoleField value={form.role} errors={fields.role} onChange={(role) => setForm({ ...form, role })} />
            <div className="flex justify-end gap-2">
              <Button type="button" variant="secondary" onClick={() => close(false)}>
                Cancel
              </Button>
              <Button type="submit" pending={isPending}>
                Add user
              </Button>
            </div>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
