'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { ActionDialog, editTrigger, useActionDialog } from '@/components/forms/action-dialog';
import { errorsOf, groupFieldNames, TextFieldGroup, type FieldSpec } from '@/components/forms/form-kit';
import { updateAccountAction } from '../../actions';

export type AccountValues = {
  account_name: string;
  account_reference: string;
  given_name: string;
  family_name: string;
  email: string;
  phone: string;
};
const accountFields = [
  { key: 'account_name', label: 'Account name' },
  { key: 'account_reference', label: 'Account reference', hint: 'Your own id for this merchant.' },
] as const satisfies readonly FieldSpec<keyof AccountValues>[];
const ownerFields = [
  { key: 'given_name', label: 'Given name' },
  { key: 'family_name', label: 'Family name' },
  { key: 'email', label: 'Email', type: 'email' },
  { key: 'phone', label: 'Phone', type: 'tel', hint: 'International format, e.g. +18445527621' },
] as const satisfies readonly FieldSpec<keyof AccountValues>[];
const ownerKeys = ownerFields.map((f) => f.key);
const fieldNames = ['account_name', 'account_reference', ...groupFieldNames('account_owner', ownerKeys)];

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
  const action = useAction(updateAccountAction, dialog.callbacks('Account details saved at Klarna.'));
  const errors = errorsOf(dialog.submission.failure);

  function submit() {
    const request: Record<string, unknown> = {};
    if (form.account_name.trim() !== current.account_name) request.account_name = form.account_name.trim();
    if (form.account_reference.trim() !== current.account_reference)
      request.account_reference = form.account_reference.trim();
    const owner: Record<string, string> = {};
    for (const key of ownerKeys) if (form[key].trim() !== current[key]) owner[key] = form[key].trim();
    if (Object.keys(owner).length) request.account_owner = owner;
    dialog.sendChanges(request, (changes) =>
      action.execute({ accountId, intentId: dialog.submission.intentId, request: changes }),
    );
  }

  return (
    <ActionDialog
      state={dialog}
      trigger={editTrigger('Edit account details…', disabledReason)}
      title="Edit account details"
      description="Klarna keeps these for the merchant. Only the fields you change are sent."
      className="max-w-xl"
      shown={fieldNames}
      submitLabel="Save changes"
      pending={action.isPending}
      onSubmit={submit}
    >
      <TextFieldGroup
        fields={accountFields}
        values={form}
        onChange={(v) => setForm({ ...form, ...v })}
        errors={errors}
      />
      <TextFieldGroup
        legend="Account owner"
        prefix="account_owner"
        fields={ownerFields}
        values={form}
        onChange={(v) => setForm({ ...form, ...v })}
        errors={errors}
      />
    </ActionDialog>
  );
}
