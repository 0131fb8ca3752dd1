'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { Plus, X } from 'lucide-react';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { errorsOf } from '@/components/forms/form-kit';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { cardCurrencies } from '@/lib/klarna/schemas/cards';
import { parseMajorAmount } from '@/lib/ui/money';
import { createPromiseAction } from '../actions';

type CardRow = { amount: string; currency: string; reference: string };
const emptyCard = (): CardRow => ({ amount: '', currency: 'EUR', reference: '' });

/** A promise of cards for an order; says when it will replace the order's open promise. */
export function PromiseDialog({ openPromises }: { openPromises: { promiseId: string; orderId: string }[] }) {
  const [orderId, setOrderId] = useState('');
  const [cards, setCards] = useState<CardRow[]>([emptyCard()]);
  const [cardErrors, setCardErrors] = useState<Record<number, string>>({});
  const dialog = useActionDialog(() => {
    setOrderId('');
    setCards([emptyCard()]);
    setCardErrors({});
  });
  const { execute, isPending } = useAction(createPromiseAction, {
    onSuccess: ({ data }) =>
      dialog.succeed(
        data.replaced
          ? `Promise created; it replaces promise ${data.replaced} for this order.`
          : `Promise created for ${cards.length} card${cards.length === 1 ? '' : 's'}.`,
      ),
    onError: dialog.submission.onError,
  });
  const fields = errorsOf(dialog.submission.failure);
  const replaces = openPromises.find((p) => p.orderId === orderId.trim());
  const set = (i: number, change: Partial<CardRow>) =>
    setCards(cards.map((c, j) => (j === i ? { ...c, ...change } : c)));

  const submit = () => {
    const errors: Record<number, string> = {};
    const specs = cards.map((c, i) => {
      const parsed = parseMajorAmount(c.amount, c.currency);
      if (!parsed.ok) errors[i] = `Amount: ${parsed.message}`;
      else if (parsed.minor < 1) errors[i] = 'Amount: more than 0';
      return {
        amount: parsed.ok ? parsed.minor : 0,
        currency: c.currency as (typeof cardCurrencies)[number],
        reference: c.reference.trim(),
      };
    });
    setCardErrors(errors);
    if (Object.keys(errors).length) return;
    execute({ orderId, cards: specs, intentId: dialog.submission.intentId });
  };

  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button>
          <Plus aria-hidden /> New promise
        </Button>
      }
      title="Create a card promise"
      description="Klarna promises virtual cards for an order: one per card below (at most 1,000). The promise expires after 24 hours unless settled."
      shown={['orderId', 'cards']}
      submitLabel="Create promise"
      pending={isPending}
      onSubmit={submit}
    >
      <Field label="Order id" hint="Klarna's order id, e.g. one of your payments." errors={fields.orderId}>
        {(c) => (
          <Input
            {...c}
            autoComplete="off"
            spellCheck={false}
            value={orderId}
            onChange={(e) => setOrderId(e.target.value)}
          />
        )}
      </Field>
      {replaces && (
        <Alert tone="warning">
          <p>This order has an open promise ({replaces.promiseId}). Creating a new one replaces it at Klarna.</p>
        </Alert>
      )}
      <fieldset className="grid gap-3">
        <legend className="mb-1 text-sm font-medium">Cards</legend>
        {fields.cards && <p className="text-sm text-danger">{fields.cards.join(' ')}</p>}
        {cards.map((card, i) => (
          <div
            key={i}
            className="grid grid-cols-[minmax(0,1fr)_6rem] gap-2 rounded-md border p-3 sm:grid-cols-[8rem_6rem_minmax(0,1fr)_auto]"
          >
            <Field label={`Card ${i + 1} amount`} errors={cardErrors[i] ? [cardErrors[i]!] : undefined}>
              {(c) => (
                <Input
                  {...c}
                  inputMode="decimal"
                  value={card.amount}
                  onChange={(e) => set(i, { amount: e.target.value })}
                />
              )}
            </Field>
            <Field label="Currency">
              {(c) => (
                <Select {...c} value={card.currency} onChange={(e) => set(i, { currency: e.target.value })}>
                  {cardCurrencies.map((currency) => (
                    <option key={currency}>{currency}</option>
                  ))}
                </Select>
              )}
            </Field>
            <Field label="Reference" className="col-span-2 sm:col-span-1">
              {(c) => <Input {...c} value={card.reference} onChange={(e) => set(i, { reference: e.target.value })} />}
            </Field>
            <div className="col-span-2 flex items-end justify-end sm:col-span-1">
              <Button
                type="button"
                variant="ghost"
                size="sm"
                disabled={cards.length === 1}
                onClick={() => setCards(cards.filter((_, j) => j !== i))}
                aria-label={`Remove card ${i + 1}`}
              >
                <X aria-hidden />
              </Button>
            </div>
          </div>
        ))}
        <Button
          type="button"
          variant="secondary"
          size="sm"
          className="justify-self-start"
          disabled={cards.length >= 1000}
          onClick={() => setCards([...cards, emptyCard()])}
        >
          <Plus aria-hidden /> Add a card
        </Button>
      </fieldset>
    </ActionDialog>
  );
}
