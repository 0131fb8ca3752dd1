'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { CreditCard } from 'lucide-react';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { errorsOf } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { createSettlementAction } from '../actions';

/** A settlement of an order's promise with a chosen key: Klarna issues the cards, encrypted for it. */
export function SettlementDialog({
  keys,
  openPromises,
}: {
  keys: { id: string; label: string; bits: number }[];
  openPromises: { promiseId: string; orderId: string }[];
}) {
  const empty = { orderId: '', promiseId: '', cardKeyId: keys[0]?.id ?? '' };
  const [form, setForm] = useState(empty);
  const dialog = useActionDialog(() => setForm(empty));
  const { execute, isPending } = useAction(createSettlementAction, {
    onSuccess: ({ data }) =>
      dialog.succeed(
        `${data.cardCount} card${data.cardCount === 1 ? '' : 's'} issued${data.unreadable ? `; ${data.unreadable} could not be decrypted` : ''}.`,
      ),
    onError: dialog.submission.onError,
  });
  const fields = errorsOf(dialog.submission.failure);

  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button variant="secondary">
          <CreditCard aria-hidden /> New settlement
        </Button>
      }
      title="Create a card settlement"
      description="Klarna issues the order's promised cards, their data encrypted for the key you choose. The dashboard keeps brand, BIN, last four and expiry; never the full number."
      shown={['orderId', 'promiseId', 'cardKeyId']}
      submitLabel="Create settlement"
      pending={isPending}
      onSubmit={() => execute({ ...form, intentId: dialog.submission.intentId })}
    >
      <Field label="Order id" errors={fields.orderId}>
        {(c) => (
          <Input
            {...c}
            list="card-open-promises"
            autoComplete="off"
            spellCheck={false}
            value={form.orderId}
            onChange={(e) => setForm({ ...form, orderId: e.target.value })}
          />
        )}
      </Field>
      <datalist id="card-open-promises">
        {openPromises.map((p) => (
          <option key={p.promiseId} value={p.orderId} />
        ))}
      </datalist>
      <Field label="Promise id (optional)" hint="Empty: the order's current promise." errors={fields.promiseId}>
        {(c) => (
          <Input
            {...c}
            autoComplete="off"
            spellCheck={false}
            value={form.promiseId}
            onChange={(e) => setForm({ ...form, promiseId: e.target.value })}
          />
        )}
      </Field>
      <Field
        label="Key"
        hint={keys.length ? undefined : 'No active, enrolled key: an admin adds one under Keys.'}
        errors={fields.cardKeyId}
      >
        {(c) => (
          <Select {...c} value={form.cardKeyId} onChange={(e) => setForm({ ...form, cardKeyId: e.target.value })}>
            {keys.map((k) => (
              <option key={k.id} value={k.id}>
                {k.label} ({k.bits} bits)
              </option>
            ))}
          </Select>
        )}
      </Field>
    </ActionDialog>
  );
}
