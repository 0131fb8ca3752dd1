'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { signOut } from 'next-auth/react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { passwordProblems } from '@/lib/auth/password-policy';
import { failureFields, failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { changeOwnPasswordAction } from '../actions';

export function ChangePasswordForm() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [clientErrors, setClientErrors] = useState<Record<string, string[]>>({});
  const { execute, result, isPending } = useAction(changeOwnPasswordAction, {
    onSuccess: () => void signOut({ callbackUrl: '/sign-in' }),
  });
  const failure = (result.serverError || result.validationErrors ? result : undefined) as ActionFailure | undefined;
  const fields = { ...failureFields(failure), ...clientErrors };

  return (
    <form
      className="grid max-w-md gap-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        // The same policy the server applies, checked here first for a quicker answer.
        const errors: Record<string, string[]> = {};
        const problems = passwordProblems(newPassword);
        if (problems.length) errors.newPassword = problems;
        if (confirm !== newPassword) errors.confirm = ['The two new passwords differ.'];
        setClientErrors(errors);
        if (Object.keys(errors).length === 0) execute({ currentPassword, newPassword });
      }}
    >
      {failure?.serverError && !failure.serverError.fields && <Alert tone="danger">{failureMessage(failure)}</Alert>}
      {result.data && <Alert tone="success">Password changed. Signing you out…</Alert>}
      <Field label="Current password" errors={fields.currentPassword}>
        {(c) => (
          <Input
            {...c}
            type="password"
            autoComplete="current-password"
            value={currentPassword}
            onChange={(e) => setCurrent(e.target.value)}
          />
        )}
      </Field>
      <Field
        label="New password"
        hint="At least 14 characters. A few unrelated words work well."
        errors={fields.newPassword}
      >
        {(c) => (
          <Input
            {...c}
            type="password"
            autoComplete="new-password"
            value={newPassword}
            onChange={(e) => setNew(e.target.value)}
          />
        )}
      </Field>
      <Field label="Repeat new password" errors={fields.confirm}>
        {(c) => (
          <Input
            {...c}
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
        )}
      </Field>
      <div>
        <Button type="submit" pending={isPending}>
          Change password
        </Button>
      </div>
    </form>
  );
}
