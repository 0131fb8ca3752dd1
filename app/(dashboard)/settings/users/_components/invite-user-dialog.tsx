'use client';

import { useState } from 'react';
import type { InferSafeActionFnResult } from 'next-safe-action';
import { useAction } from 'next-safe-action/hooks';
import { UserPlus } from 'lucide-react';
import { ActionDialog, useDoneDialog } from '@/components/forms/action-dialog';
import { errorsOf, TextField } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { roleLabels, type Role } from '@/lib/auth/roles';
import { createUserAction } from '../actions';
import { RoleField } from './role-field';

const empty = { email: '', name: '', role: 'viewer' as Role };

export function InviteUserDialog() {
  const [form, setForm] = useState(empty);
  const dialog = useDoneDialog<NonNullable<InferSafeActionFnResult<typeof createUserAction>['data']>>(() =>
    setForm(empty),
  );
  const action = useAction(
    createUserAction,
    dialog.doneCallbacks((data) => `${data.user.email} can now sign in with the one-time password.`),
  );
  const created = dialog.done;
  const errors = errorsOf(dialog.submission.failure);

  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button>
          <UserPlus aria-hidden /> Add user
        </Button>
      }
      title="Add a user"
      description="They get a one-time password and choose their own at first sign-in."
      shown={['email', 'name', 'role']}
      submitLabel="Add user"
      pending={action.isPending}
      onSubmit={() => action.execute(form)}
      doneTitle="User added"
      done={
        created && (
          <>
            <p className="text-sm">
              <strong>{created.user.name}</strong> ({created.user.email}) was added as {roleLabels[created.user.role]}.
            </p>
            <SecretReveal
              label="One-time password"
              value={created.temporaryPassword}
              note="Give it to them through a private channel. It is shown only now; it cannot be shown again."
            />
          </>
        )
      }
    >
      <TextField
        label="Email"
        name="email"
        type="email"
        value={form.email}
        onChange={(email) => setForm({ ...form, email })}
        errors={errors}
      />
      <TextField
        label="Name"
        name="name"
        value={form.name}
        onChange={(name) => setForm({ ...form, name })}
        errors={errors}
      />
      <RoleField value={form.role} errors={errors.role} onChange={(role) => setForm({ ...form, role })} />
    </ActionDialog>
  );
}
