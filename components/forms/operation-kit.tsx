'use client';

import { useId, useState } from 'react';
import { Plus, X } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button, type ButtonProps } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Table, Td, Th } from '@/components/ui/table';
import { formatMinorUnits, parseMajorAmount } from '@/lib/ui/money';
import { FormActions, useActionDialog } from './action-dialog';
import { FailureAlert, TextField, type Errors, type HookError } from './form-kit';
import type { ActionFailure } from '@/lib/ui/action-result';

/**
 * Pieces the payment dialogs share. Inputs are named by Klarna's parameter paths (`amount`,
 * `line_items[0].quantity`, `shipping_info[0].tracking_url`), the keys Klarna's field errors
 * come back under.
 */

/** A typed major-unit amount as minor units, or the error to show on its field. */
export function readAmount(
  text: string,
  currency: string,
  bounds: { min?: number; max?: number; maxMessage?: string } = {},
): { minor: number } | { error: string } {
  const parsed = parseMajorAmount(text, currency);
  if (!parsed.ok) return { error: `Enter ${parsed.message}.` };
  const min = bounds.min ?? 1;
  if (parsed.minor < min) return { error: `Enter at least ${formatMinorUnits(min, currency)}.` };
  if (bounds.max !== undefined && parsed.minor > bounds.max)
    return { error: bounds.maxMessage ?? `Enter at most ${formatMinorUnits(bounds.max, currency)}.` };
  return { minor: parsed.minor };
}

export function AmountField({
  label,
  name = 'amount',
  value,
  onChange,
  errors,
  hint,
  currency,
}: {
  label: string;
  name?: string;
  value: string;
  onChange: (value: string) => void;
  errors: Errors;
  hint?: React.ReactNode;
  currency: string;
}) {
  return (
    <Field label={`${label} (${currency})`} hint={hint} errors={errors[name]}>
      {(c) => (
        <Input
          {...c}
          name={name}
          inputMode="decimal"
          autoComplete="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          className="max-w-48 tabular-nums"
        />
      )}
    </Field>
  );
}

/** "By amount" or "By line items". */
export function ModeSwitch<M extends string>({
  legend,
  value,
  onChange,
  options,
}: {
  legend: string;
  value: M;
  onChange: (value: M) => void;
  options: { value: M; label: string; disabled?: string | null }[];
}) {
  const name = useId();
  return (
    <fieldset className="grid gap-2">
      <legend className="mb-1 text-sm font-medium">{legend}</legend>
      <div className="flex flex-wrap gap-4">
        {options.map((o) => (
          <label key={o.value} className="inline-flex items-center gap-2 text-sm has-disabled:opacity-60">
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={value === o.value}
              disabled={Boolean(o.disabled)}
              onChange={() => onChange(o.value)}
            />
            {o.label}
          </label>
        ))}
      </div>
      {options
        .filter((o) => o.disabled)
        .map((o) => (
          <p key={o.value} className="text-xs text-muted-foreground">
            {o.disabled}
          </p>
        ))}
    </fieldset>
  );
}

/** What the kit reads of an order line; callers keep their own wider line type. */
export type KitLine = {
  name: string;
  quantity: number;
  unit_price: number;
  total_line_amount: number;
  reference?: string;
};

/** `note`: a short label under the name (e.g. "Discount" for a line that reduces the total). */
export type PickerRow<L extends KitLine = KitLine> = { line: L; max: number; done: string; note?: string };

/** One shipment's tracking as the forms edit it (Klarna's `shipping_info[]` fields). */
export type Shipment = { shipping_company: string; tracking_number: string; tracking_url: string };

/** Row errors: Klarna's `line_items[k].…` keys, where k indexes the lines sent (`sentRows[k]` is the row). */
export function rowErrors(errors: Errors, sentRows: number[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const [key, messages] of Object.entries(errors)) {
    const match = /^line_items\[(\d+)\](?:\.(.+))?$/.exec(key);
    const row = match ? sentRows[Number(match[1])] : undefined;
    if (row === undefined) continue;
    out.set(row, [...(out.get(row) ?? []), ...messages.map((m) => (match![2] ? `${match![2]}: ${m}` : m))]);
  }
  return out;
}

/** The order's lines with a quantity to pick for each, and what each choice amounts to. */
export function LinePicker({
  caption,
  doneLabel,
  rows,
  quantities,
  onChange,
  currency,
  errors,
}: {
  caption: string;
  doneLabel: string;
  rows: PickerRow[];
  quantities: number[];
  onChange: (quantities: number[]) => void;
  currency: string;
  errors: Map<number, string[]>;
}) {
  return (
    <Table caption={caption} className="text-xs">
      <thead>
        <tr>
          <Th className="px-2">Item</Th>
          <Th className="px-2 text-right">Unit price</Th>
          <Th className="px-2 text-right">{doneLabel}</Th>
          <Th className="px-2 text-right">Quantity</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => {
          const rowError = errors.get(i);
          return (
            <tr key={`${row.line.reference ?? row.line.name}-${i}`}>
              <Td className="px-2">
                <div className="font-medium">{row.line.name}</div>
                {(row.line.reference || row.note) && (
                  <div className="text-muted-foreground">
                    {[row.line.reference, row.note].filter(Boolean).join(' · ')}
                  </div>
                )}
                {rowError && (
                  <ul className="text-danger">
                    {rowError.map((e) => (
                      <li key={e}>{e}</li>
                    ))}
                  </ul>
                )}
              </Td>
              <Td className="px-2 text-right tabular-nums whitespace-nowrap">
                {formatMinorUnits(row.line.unit_price, currency)}
              </Td>
              <Td className="px-2 text-right tabular-nums whitespace-nowrap">{row.done}</Td>
              <Td className="px-2 text-right">
                <Input
                  type="number"
                  min={0}
                  max={row.max}
                  step={1}
                  aria-label={`Quantity of ${row.line.name}`}
                  aria-invalid={rowError ? true : undefined}
                  className="ml-auto h-8 w-20 text-right tabular-nums"
                  value={String(quantities[i] ?? 0)}
                  disabled={row.max === 0}
                  onChange={(e) => {
                    const n = Math.max(0, Math.min(row.max, Math.trunc(Number(e.target.value) || 0)));
                    onChange(quantities.map((q, j) => (j === i ? n : q)));
                  }}
                />
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}

export type AmountMode = 'amount' | 'lines';

/**
 * The state of an amount-or-lines choice and of the errors the dialog found itself: the mode, the
 * typed amount, a quantity per row, and which rows were sent (Klarna's `line_items[k]` errors
 * point back to them).
 */
export function useAmountChoice() {
  const [mode, setModeState] = useState<AmountMode>('amount');
  const [amountText, setAmountText] = useState('');
  const [quantities, setQuantities] = useState<number[]>([]);
  const [sentRows, setSentRows] = useState<number[]>([]);
  const [local, setLocal] = useState<Errors>({});
  return {
    mode,
    amountText,
    setAmountText,
    quantities,
    setQuantities,
    sentRows,
    setSentRows,
    local,
    setLocal,
    /** Switching mode clears the local errors. */
    setMode(next: AmountMode) {
      setModeState(next);
      setLocal({});
    },
    /** Back to "by amount" with `amount` typed in and the given quantities. */
    reset(amount: string, nextQuantities: number[]) {
      setModeState('amount');
      setAmountText(amount);
      setQuantities(nextQuantities);
      setSentRows([]);
      setLocal({});
    },
  };
}

export type AmountChoice = ReturnType<typeof useAmountChoice>;

/**
 * The amount chosen (typed, or the total of the picked lines), at least one minor unit and at
 * most `max`, or the error for the `amount` field; `tooMuch` says what `max` is.
 */
export function readChoice(
  choice: Pick<AmountChoice, 'mode' | 'amountText'>,
  pickedTotal: number,
  currency: string,
  max: number,
  tooMuch: string,
): { minor: number } | { error: string } {
  if (choice.mode === 'amount') return readAmount(choice.amountText, currency, { max, maxMessage: tooMuch });
  if (pickedTotal < 1) return { error: 'Choose lines that add up to more than zero.' };
  if (pickedTotal > max)
    return { error: `The chosen lines add up to ${formatMinorUnits(pickedTotal, currency)}. ${tooMuch}` };
  return { minor: pickedTotal };
}

/** Capture and refund: an amount, or a quantity per order line (with what the choice amounts to). */
export function AmountOrLines({
  verb,
  doneLabel,
  choice,
  showModes = true,
  linesDisabled,
  amountHint,
  rows,
  total,
  errors,
  currency,
  lineItemsErrors = false,
}: {
  /** 'capture' or 'refund': names the legend, the field and the table. */
  verb: string;
  doneLabel: string;
  choice: AmountChoice;
  showModes?: boolean;
  /** Why picking lines is off, shown under the switch. */
  linesDisabled?: string | null;
  amountHint: React.ReactNode;
  rows: PickerRow[];
  total: number;
  errors: Errors;
  currency: string;
  /** Show Klarna's error on `line_items` as a whole under the table. */
  lineItemsErrors?: boolean;
}) {
  const title = verb.charAt(0).toUpperCase() + verb.slice(1);
  return (
    <>
      {showModes && (
        <ModeSwitch
          legend={`${title} by`}
          value={choice.mode}
          onChange={choice.setMode}
          options={[
            { value: 'amount', label: 'Amount' },
            { value: 'lines', label: 'Line items', disabled: linesDisabled },
          ]}
        />
      )}
      {choice.mode === 'amount' ? (
        <AmountField
          label={`Amount to ${verb}`}
          value={choice.amountText}
          onChange={choice.setAmountText}
          errors={errors}
          currency={currency}
          hint={amountHint}
        />
      ) : (
        <div className="grid gap-2">
          <LinePicker
            caption={`Lines to ${verb}`}
            doneLabel={doneLabel}
            rows={rows}
            quantities={choice.quantities}
            onChange={choice.setQuantities}
            currency={currency}
            errors={rowErrors(errors, choice.sentRows)}
          />
          <p className="text-sm">
            Amount to {verb}: <strong className="tabular-nums">{formatMinorUnits(total, currency)}</strong>
          </p>
          {errors.amount && (
            <ul className="text-xs text-danger" aria-live="polite">
              {errors.amount.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
          {lineItemsErrors && errors.line_items && <p className="text-xs text-danger">{errors.line_items.join(' ')}</p>}
        </div>
      )}
    </>
  );
}

/** Names the amount-or-lines form shows itself, for FailureAlert's "shown" set. */
export function amountChoiceFieldNames(errors: Errors): string[] {
  return ['amount', ...Object.keys(errors).filter((k) => k.startsWith('line_items['))];
}

export const emptyShipment: Shipment = { shipping_company: '', tracking_number: '', tracking_url: '' };

export function shipmentIsEmpty(s: Shipment): boolean {
  return !s.shipping_company.trim() && !s.tracking_number.trim() && !s.tracking_url.trim();
}

/** Klarna's `shipping_info[]` entry: empty fields left out. */
export function shipmentToWire(s: Shipment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['shipping_company', 'tracking_number', 'tracking_url'] as const)
    if (s[key].trim()) out[key] = s[key].trim();
  return out;
}

export function shipmentFieldNames(count: number): string[] {
  const out = ['shipping_info'];
  for (let i = 0; i < count; i++)
    for (const k of ['', '.shipping_company', '.tracking_number', '.tracking_url']) out.push(`shipping_info[${i}]${k}`);
  return out;
}

/** Shipping company, tracking number and tracking URL of shipment `index` (`shipping_info[index].…`). */
export function ShipmentFields({
  legend,
  index,
  value,
  onChange,
  errors,
  onRemove,
  hint,
}: {
  legend: string;
  index: number;
  value: Shipment;
  onChange: (value: Shipment) => void;
  errors: Errors;
  onRemove?: () => void;
  hint?: string;
}) {
  const prefix = `shipping_info[${index}]`;
  const set = (key: keyof Shipment) => (v: string) => onChange({ ...value, [key]: v });
  return (
    <fieldset className="grid gap-3 rounded-md border p-3">
      <legend className="flex items-center gap-2 px-1 text-sm font-medium">
        {legend}
        {onRemove && (
          <Button
            type="button"
            variant="ghost"
            size="sm"
            className="h-6 px-1"
            aria-label={`Remove ${legend.toLowerCase()}`}
            onClick={onRemove}
          >
            <X aria-hidden />
          </Button>
        )}
      </legend>
      {hint && <p className="text-xs text-muted-foreground">{hint}</p>}
      {errors[prefix] && <p className="text-xs text-danger">{errors[prefix].join(' ')}</p>}
      <div className="grid items-start gap-3 sm:grid-cols-2">
        <TextField
          label="Shipping company"
          name={`${prefix}.shipping_company`}
          value={value.shipping_company}
          onChange={set('shipping_company')}
          errors={errors}
        />
        <TextField
          label="Tracking number"
          name={`${prefix}.tracking_number`}
          value={value.tracking_number}
          onChange={set('tracking_number')}
          errors={errors}
        />
      </div>
      <TextField
        label="Tracking URL"
        name={`${prefix}.tracking_url`}
        type="url"
        placeholder="https://"
        value={value.tracking_url}
        onChange={set('tracking_url')}
        errors={errors}
      />
    </fieldset>
  );
}

export function AddShipmentButton({ onClick }: { onClick: () => void }) {
  return (
    <div>
      <Button type="button" variant="secondary" size="sm" onClick={onClick}>
        <Plus aria-hidden /> Add shipment
      </Button>
    </div>
  );
}

/** The confirmation step: what will happen, restated, as label / value pairs. */
export function Restatement({
  lead,
  items,
}: {
  lead: React.ReactNode;
  items: [label: string, value: React.ReactNode][];
}) {
  return (
    <div className="grid gap-3 text-sm">
      <p>{lead}</p>
      <dl className="grid gap-x-4 gap-y-1.5 rounded-md border bg-muted/40 p-3 sm:grid-cols-[max-content_1fr]">
        {items.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-muted-foreground">{label}</dt>
            <dd className="min-w-0 break-words">{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** Restatement items whose value is given: an empty optional field is not restated. */
export function optionalItems(
  items: [label: string, value: string | null | undefined][],
): [label: string, value: React.ReactNode][] {
  return items.filter((item): item is [string, string] => Boolean(item[1]));
}

/** What the picked lines are, for the confirmation. */
export function linesSummary(lines: readonly KitLine[], currency: string): string {
  return lines.map((l) => `${l.quantity} × ${l.name} (${formatMinorUnits(l.total_line_amount, currency)})`).join('; ');
}

/** What an operation's action answered when Klarna's own answer was lost and the payment was read instead. */
export type ResolvedOutcome = { made: boolean; message: string };

/** The action's data, when it is such a resolution. */
export function resolvedOf(data: unknown): ResolvedOutcome | null {
  const d = data as { outcome?: string; made?: boolean; message?: string } | undefined;
  return d?.outcome === 'resolved' && typeof d.made === 'boolean' && typeof d.message === 'string'
    ? { made: d.made, message: d.message }
    : null;
}

/** Klarna's lost answer, told from its read of the payment: made (nothing to do again) or not made (the button tries again, under the same key). */
export function OutcomeNotice({ outcome }: { outcome: ResolvedOutcome | null }) {
  if (!outcome) return null;
  return (
    <Alert
      tone={outcome.made ? 'success' : 'warning'}
      title={outcome.made ? 'Done at Klarna, though its answer was lost' : 'Not done at Klarna'}
    >
      <span data-testid="operation-outcome">{outcome.message}</span>
    </Alert>
  );
}

/**
 * The end of a review step: what a lost answer came to, the failure, then 'Done' once the
 * operation is made at Klarna (the dialog already has a 'Close'), else 'Back' (or 'Cancel') and
 * the button that sends it (again, under the same key, after a 'not made').
 */
export function ReviewActions({
  outcome,
  failure,
  pending,
  onBack,
  backLabel = 'Back',
  onDone,
  onConfirm,
  confirm,
  confirmVariant,
}: {
  outcome: ResolvedOutcome | null;
  failure: ActionFailure | undefined;
  pending: boolean;
  onBack: () => void;
  backLabel?: string;
  onDone: () => void;
  onConfirm: () => void;
  confirm: React.ReactNode;
  confirmVariant?: ButtonProps['variant'];
}) {
  return (
    <>
      <OutcomeNotice outcome={outcome} />
      <FailureAlert failure={failure} shown={[]} />
      {outcome?.made ? (
        <div className="flex justify-end">
          <Button type="button" onClick={onDone}>
            Done
          </Button>
        </div>
      ) : (
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={onBack} disabled={pending}>
            {backLabel}
          </Button>
          <Button type="button" variant={confirmVariant} pending={pending} onClick={onConfirm}>
            {confirm}
          </Button>
        </div>
      )}
    </>
  );
}

/** Whether a failed action named fields (Klarna's or the server's check): the dialog goes back to its form to show them. */
export function hasFieldErrors(error: { serverError?: unknown; validationErrors?: unknown }): boolean {
  const server = error.serverError as { fields?: Record<string, unknown> } | undefined;
  if (server?.fields && Object.keys(server.fields).length > 0) return true;
  const validation = error.validationErrors as { fieldErrors?: Record<string, unknown[] | undefined> } | undefined;
  return Object.values(validation?.fieldErrors ?? {}).some((v) => Boolean(v?.length));
}

/**
 * A payment operation's dialog: useActionDialog, its step (the form, then the review that asks
 * before anything reaches Klarna) and what a lost answer came to. `callbacks` are useAction's: a
 * resolution keeps the dialog open with Klarna's read of the payment (a made one ends the
 * intent); a plain success toasts `message()` and closes; a failure naming fields goes back to
 * the form to show them.
 */
export function useOperationDialog({ onOpen }: { onOpen: () => void }) {
  const [outcome, setOutcome] = useState<ResolvedOutcome | null>(null);
  const [step, setStep] = useState<'form' | 'review'>('form');
  const dialog = useActionDialog(() => {
    setOutcome(null);
    setStep('form');
    onOpen();
  });
  return {
    ...dialog,
    outcome,
    step,
    setStep,
    callbacks(message: () => string) {
      return {
        onSuccess: ({ data }: { data?: unknown }) => {
          const resolved = resolvedOf(data);
          if (!resolved) return dialog.succeed(message());
          if (resolved.made) dialog.submission.begin();
          setOutcome(resolved);
        },
        onError: (args: HookError) => {
          dialog.submission.onError(args);
          if (hasFieldErrors(args.error)) setStep('form');
        },
      };
    },
  };
}

export type OperationDialogState = ReturnType<typeof useOperationDialog>;

/** Props every payment operation's dialog takes from the page: why its button is off, and where that is said. */
export type OperationTriggerProps = { disabledReason: string | null; reasonId?: string };

/** An operation's button: small, disabled with the reason named by `reasonId`. */
export function operationTrigger(
  label: React.ReactNode,
  { disabledReason, reasonId }: OperationTriggerProps,
  { variant = 'secondary', ariaLabel }: { variant?: ButtonProps['variant']; ariaLabel?: string } = {},
) {
  return (
    <Button
      variant={variant}
      size="sm"
      disabled={Boolean(disabledReason)}
      aria-describedby={disabledReason ? reasonId : undefined}
      aria-label={ariaLabel}
    >
      {label}
    </Button>
  );
}

/**
 * A dialog that moves money at Klarna: the form (`children`, checked by `onReview`, which moves to
 * the review), then the confirmation restating what will happen (`lead`, `items`) with the button
 * that sends it. Without `children` the dialog is the confirmation alone, with Cancel.
 */
export function OperationDialog({
  dialog,
  trigger,
  title,
  description,
  className,
  shown = [],
  reviewLabel,
  onReview,
  children,
  review,
  pending,
  onConfirm,
  confirm,
  confirmVariant,
}: {
  dialog: OperationDialogState;
  trigger: React.ReactNode;
  title: string;
  description?: React.ReactNode;
  className?: string;
  shown?: string[];
  reviewLabel?: string;
  onReview?: () => void;
  children?: React.ReactNode;
  /** What the confirmation restates; null while there is nothing to confirm. */
  review: { lead: React.ReactNode; items: [label: string, value: React.ReactNode][] } | null;
  pending: boolean;
  onConfirm: () => void;
  confirm: React.ReactNode;
  confirmVariant?: ButtonProps['variant'];
}) {
  const hasForm = children !== undefined;
  return (
    <Dialog open={dialog.open} onOpenChange={dialog.onOpenChange}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent title={title} description={description} className={className}>
        {hasForm && dialog.step === 'form' ? (
          <form
            className="grid gap-4"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              onReview?.();
            }}
          >
            <FailureAlert failure={dialog.submission.failure} shown={shown} />
            {children}
            <FormActions onCancel={dialog.close} submitLabel={reviewLabel ?? 'Review'} />
          </form>
        ) : (
          review && (
            <div className="grid gap-4">
              <Restatement lead={review.lead} items={review.items} />
              <ReviewActions
                outcome={dialog.outcome}
                failure={dialog.submission.failure}
                pending={pending}
                onBack={hasForm ? () => dialog.setStep('form') : dialog.close}
                backLabel={hasForm ? 'Back' : 'Cancel'}
                onDone={dialog.close}
                onConfirm={onConfirm}
                confirm={confirm}
                confirmVariant={confirmVariant}
              />
            </div>
          )
        )}
      </DialogContent>
    </Dialog>
  );
}
