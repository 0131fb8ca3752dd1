'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { Pencil } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { updateAccountAction } from '../../actions';
import { errorsOf, FailureAlert, TextField, useSubmission } from '@/components/forms/form-kit';

export type AccountValues = { account_name: string; account_reference: string; given_name: string; family_name: string; email: string; phone: string };
const ownerKeys = ['given_name', 'family_name', 'email', 'phone'] as const;
const fieldNames = ['account_name', 'account_reference', ...ownerKeys.map((k) => `account_owner.${k}`), 'account_owner'];

/** Seed test case 6: the account's name, reference and owner, sent to Klarna as the fields that changed. */
export function AccountDialog({ accountId, current, disabledReason }: { accountId: string; current: AccountValues; disabledReason: string | null }) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(current);
  const [nothing, setNothing] = useState(false);
  const submission = useSubmission();
  const action = useAction(updateAccountAction, {
    onSuccess: () => {
      toast.success('Account details saved at Klarna.');
      setOpen(false);
    },
    onError: submission.onError,
  });
  const failure = submission.failure;
  const errors = errorsOf(failure);

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (next) {
      setForm(current);
      setNothing(false);
      submission.begin();
    }
  }

  function submit() {
    const request: Record<string, unknown> = {};
    if (form.account_name.trim() !== current.account_name) request.account_name = form.account_name.trim();
    if (form.account_reference.trim() !== current.account_reference) request.account_reference = form.account_reference.trim();
    const owner: Record<string, string> = {};
    for (const key of ownerKeys) if (form[key].trim() !== current[key]) owner[key] = form[key].trim();
    if (Object.keys(owner).length) request.account_owner = owner;
    if (Object.keys(request).length === 0) {
      setNothing(true);
      return;
    }
    setNothing(false);
    action.execute({ accountId, intentId: submission.intentId, request });
  }

  const set = (key: keyof AccountValues) => (value: string) => setForm({ ...form, [key]: value });

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm" disabled={Boolean(disabledReason)}>
          <Pencil aria-hidden /> Edit account details…
        </Button>
      </DialogTrigger>
      <DialogContent title="Edit account details" description="Klarna keeps these for the merchant. Only the fields you change are sent." className="max-w-xl">
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <FailureAlert failure={failure} shown={fieldNames} />
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField label="Account name" name="account_name" value={form.account_name} onChange={set('account_name')} errors={errors} />
            <TextField label="Account reference" name="account_reference" value={form.account_reference} onChange={set('account_reference')} errors={errors} hint="Your own id for this merchant." />
          </div>
          <fieldset className="grid gap-3 rounded-md border p-3">
            <legend className="px-1 text-sm font-medium">Account owner</legend>
            <div className="grid gap-3 sm:grid-cols-2">
              <TextField label="Given name" name="account_owner.given_name" value={form.given_name} onChange={set('given_name')} errors={errors} />
              <TextField label="Family name" name="account_owner.family_name" value={form.family_name} onChange={set('family_name')} errors={errors} />
              <TextField label="Email" name="account_owner.email" type="email" value={form.email} onChange={set('email')} errors={errors} />
              <TextField label="Phone" name="account_owner.phone" type="tel" value={form.phone} onChange={set('phone')} errors={errors} hint="International format, e.g. +18445527621" />
            </div>
          </fieldset>
          {nothing && (
            <p role="status" className="text-sm text-muted-foreground">
              Nothing changed: there is nothing to send to Klarna.
            </p>
          )}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={action.isPending}>
              Save changes
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
