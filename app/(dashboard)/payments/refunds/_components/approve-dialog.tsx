'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { errorsOf } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { approveRefundBatchAction } from '../actions';

export type TotalShown = { currency: string; amount: string; rows: number };

/**
 * Letting a batch run. Above the four-eyes threshold a second person approves; below it the uploader
 * confirms. Either way the totals are restated and typed back, so what runs is what was read.
 */
export function ApproveDialog({
  batchId,
  rule,
  totals,
  rows,
}: {
  batchId: string;
  rule: 'four_eyes' | 'typed_total';
  totals: TotalShown[];
  rows: number;
}) {
  const [typed, setTyped] = useState<Record<string, string>>({});
  const dialog = useActionDialog(() => setTyped({}));
  const action = useAction(approveRefundBatchAction, {
    onSuccess: () => dialog.succeed(`Approved: ${rows.toLocaleString('en-GB')} refunds are being sent.`),
    onError: dialog.submission.onError,
  });
  const fieldErrors = errorsOf(dialog.submission.failure);
  const verb = rule === 'four_eyes' ? 'Approve' : 'Confirm';
  return (
    <ActionDialog
      state={dialog}
      trigger={<Button>{verb} and run…</Button>}
      title={rule === 'four_eyes' ? 'Approve this batch (second person)' : 'Confirm this batch'}
      description={`${rows.toLocaleString('en-GB')} refunds will be sent to Klarna: ${totals.map((t) => `${t.amount} ${t.currency}`).join(', ')}. Type each total to ${rule === 'four_eyes' ? 'approve' : 'confirm'}; this cannot be undone.`}
      shown={totals.map((t) => `totals.${t.currency}`)}
      submitLabel={`${verb} and send ${rows.toLocaleString('en-GB')} refunds`}
      submitVariant="danger"
      pending={action.isPending}
      onSubmit={() => action.execute({ batchId, totals: typed })}
    >
      {totals.map((t) => (
        <Field
          key={t.currency}
          label={`Total in ${t.currency} (${t.amount})`}
          hint={`${t.rows.toLocaleString('en-GB')} rows`}
          errors={fieldErrors[`totals.${t.currency}`]}
        >
          {(c) => (
            <Input
              {...c}
              name={`totals.${t.currency}`}
              inputMode="decimal"
              autoComplete="off"
              value={typed[t.currency] ?? ''}
              onChange={(e) => setTyped((prev) => ({ ...prev, [t.currency]: e.target.value }))}
            />
          )}
        </Field>
      ))}
    </ActionDialog>
  );
}
