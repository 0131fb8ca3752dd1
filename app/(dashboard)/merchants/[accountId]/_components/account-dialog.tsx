'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { Pencil } from 'lucide-react';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { errorsOf, TextField } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { updateAccountAction } from '../../actions';

export type AccountValues = {
  account_name: string;
  account_reference: string;
  given_name: string;
  family_name: string;
  email: string;
  phone: string;
};
const ownerKeys = ['given_name', 'family_name', 'email', 'phone'] as const;
const fieldNames = [
  'account_name',
  'account_reference',
  ...ownerKeys.map((k) => `account_owner.${k}`),
  'account_owner',
];

/** Seed test case 6: the account's name, reference and owner, sent to Klarna as the fields that changed. */
export function AccountDialog({
  accountId,
  current,
  disabledReason,
}: {
  accountId: string;
  current: AccountValues;
  disabledReason: string | null;
}) {
  const [form, setForm] = useState(current);
  const dialog = useActionDialog(() => setForm(current));
  const action = useAction(updateAccountAction, {
    onSuccess: () => dialog.succeed('Account details saved at Klarna.'),
    onError: dialog.submission.onError,
  });
  const errors = errorsOf(dialog.submission.failure);

  function submit() {
    const request: Record<string, unknown> = {};
    if (form.account_name.trim() !== current.account_name) request.account_name = form.account_name.trim();
    if (form.account_reference.trim() !== current.account_reference)
      request.account_reference = form.account_reference.trim();
    const owner: Record<string, string> = {};
    for (const key of ownerKeys) if (form[key].trim() !== current[key]) owner[key] = form[key].trim();
    if (Object.keys(owner).length) request.account_owner = owner;
    dialog.setUnchanged(Object.keys(request).length === 0);
    if (Object.keys(request).length > 0) action.execute({ accountId, intentId: dialog.submission.intentId, request });
  }

  const set = (key: keyof AccountValues) => (value: string) => setForm({ ...form, [key]: value });

  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button variant="secondary" size="sm" disabled={Boolean(disabledReason)}>
          <Pencil aria-hidden /> Edit account details…
        </Button>
      }
      title="Edit account details"
      description="Klarna keeps these for the merchant. Only the fields you change are sent."
      className="max-w-xl"
      shown={fieldNames}
      submitLabel="Save changes"
      pending={action.isPending}
      onSubmit={submit}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          label="Account name"
          name="account_name"
          value={form.account_name}
          onChange={set('account_name')}
          errors={errors}
        />
        <TextField
          label="Account reference"
          name="account_reference"
          value={form.account_reference}
          onChange={set('account_reference')}
          errors={errors}
          hint="Your own id for this merchant."
        />
      </div>
      <fieldset className="grid gap-3 rounded-md border p-3">
        <legend className="px-1 text-sm font-medium">Account owner</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField
            label="Given name"
            name="account_owner.given_name"
            value={form.given_name}
            onChange={set('given_name')}
            errors={errors}
          />
          <TextField
            label="Family name"
            name="account_owner.family_name"
            value={form.family_name}
            onChange={set('family_name')}
            errors={errors}
          />
          <TextField
            label="Email"
            name="account_owner.email"
            type="email"
            value={form.email}
            onChange={set('email')}
            errors={errors}
          />
          <TextField
            label="Phone"
            name="account_owner.phone"
            type="tel"
            value={form.phone}
            onChange={set('phone')}
            errors={errors}
            hint="International format, e.g. +18445527621"
          />
        </div>
      </fieldset>
    </ActionDialog>
  );
}
