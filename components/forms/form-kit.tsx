'use client';

import { useState } from 'react';
import { Plus, X } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { failureFields, failureMessage, type ActionFailure } from '@/lib/ui/action-result';

/**
 * Pieces the merchant forms share. Every input is named by Klarna's parameter path
 * (`account_owner.email`, `urls[0]`, `support.email`), which is also the key its errors come
 * back under, from the server's schema check or from Klarna.
 */

export type Errors = Record<string, string[]>;

/** Field errors from the schema check on the server or from Klarna, keyed by parameter path. */
export function errorsOf(failure: ActionFailure | undefined): Errors {
  return failureFields(failure);
}

// Failures that leave the outcome at Klarna unknown: the same intent is retried (Klarna answers
// once). Any other failure was a definitive answer, which Klarna replays for a repeated key, so
// the corrected form goes out under a new intent.
const unknownOutcome = new Set([
  'KLARNA_UNREACHABLE',
  'INTERNAL',
  'INTERNAL_ERROR',
  'TEMPORARY_UNAVAILABLE',
  'TIMEOUT',
  'RATE_LIMITED',
  'KLARNA_ERROR',
]);

export type HookError = { error: { serverError?: unknown; validationErrors?: unknown; thrownError?: Error } };

/**
 * A dialog's submission state: the intent id (new for every opening, so a double submit
 * reaches Klarna once) and the last failure, shown inside the dialog. Pass `onError` to useAction.
 */
export function useSubmission() {
  const [intentId, setIntentId] = useState(() => crypto.randomUUID());
  const [failure, setFailure] = useState<ActionFailure | undefined>(undefined);
  return {
    intentId,
    failure,
    /** On opening the dialog: a new intent, no old error. */
    begin() {
      setIntentId(crypto.randomUUID());
      setFailure(undefined);
    },
    onError({ error }: HookError) {
      // A thrown error (the request never got an answer) leaves `{}`: "did not reach the server".
      const next: ActionFailure = error.thrownError
        ? {}
        : {
            serverError: error.serverError as ActionFailure['serverError'],
            validationErrors: error.validationErrors as ActionFailure['validationErrors'],
          };
      setFailure(next);
      const code = next.serverError?.code;
      if (!error.thrownError && !(code && unknownOutcome.has(code))) setIntentId(crypto.randomUUID());
    },
  };
}

/**
 * The failure sentence (Klarna's, with its error id) and any field error no input shows. A
 * sentence that only repeats an error shown at its input is not said twice.
 */
export function FailureAlert({ failure, shown }: { failure: ActionFailure | undefined; shown: string[] }) {
  if (!failure) return null;
  const errors = errorsOf(failure);
  const placed = new Set(shown);
  const rest = Object.entries(errors).filter(([key]) => !placed.has(key));
  const sentence = failureMessage(failure);
  const atItsField = shown.some((key) => errors[key]?.includes(sentence));
  if (atItsField && rest.length === 0) return null;
  return (
    <Alert tone="danger">
      {!atItsField && <p>{sentence}</p>}
      {rest.length > 0 && (
        <ul className="mt-1 list-disc pl-4 text-xs">
          {rest.map(([key, messages]) => (
            <li key={key}>
              <code className="font-mono">{key}</code>: {messages.join('; ')}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

/** What every field of the kit takes: its label, its name (the parameter path its errors come back under), its value. */
type FieldProps = {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  errors: Errors;
  hint?: React.ReactNode;
  className?: string;
};

/** Field (label, hint, the errors under `name`) around a control bound to `name` and `value`. */
function BoundField<E extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>({
  label,
  name,
  value,
  onChange,
  errors,
  hint,
  className,
  control,
}: FieldProps & {
  control: (bound: {
    id: string;
    name: string;
    value: string;
    onChange: (e: React.ChangeEvent<E>) => void;
    'aria-invalid'?: true;
    'aria-describedby'?: string;
  }) => React.ReactNode;
}) {
  return (
    <Field label={label} hint={hint} errors={errors[name]} className={className}>
      {(c) => control({ ...c, name, value, onChange: (e) => onChange(e.target.value) })}
    </Field>
  );
}

export function TextField({
  type = 'text',
  placeholder,
  autoComplete = 'off',
  ...field
}: FieldProps & { type?: string; placeholder?: string; autoComplete?: string }) {
  return (
    <BoundField<HTMLInputElement>
      {...field}
      control={(c) => <Input {...c} type={type} placeholder={placeholder} autoComplete={autoComplete} />}
    />
  );
}

/** A drop-down; its options are the children. */
export function SelectField({ children, ...field }: FieldProps & { children: React.ReactNode }) {
  return <BoundField<HTMLSelectElement> {...field} control={(c) => <Select {...c}>{children}</Select>} />;
}

/** A few lines of text (a reason, a note). `required` is said to screen readers; the check is the form's. */
export function TextAreaField({
  rows = 2,
  maxLength,
  required,
  ...field
}: FieldProps & { rows?: number; maxLength?: number; required?: boolean }) {
  return (
    <BoundField<HTMLTextAreaElement>
      {...field}
      control={(c) => (
        <textarea
          {...c}
          aria-required={required || undefined}
          rows={rows}
          maxLength={maxLength}
          className="w-full rounded-md border border-input bg-card px-3 py-2 text-sm shadow-xs aria-invalid:border-danger"
        />
      )}
    />
  );
}

/** One text field of a group: its key under the group's prefix, and how it reads. */
export type FieldSpec<K extends string> = {
  key: K;
  label: string;
  type?: string;
  hint?: React.ReactNode;
  placeholder?: string;
};

/**
 * Text fields named `prefix.key` (or `key` without a prefix) in a two-column grid, inside a
 * fieldset with `legend` and the error on the group as a whole when there is one.
 */
export function TextFieldGroup<K extends string>({
  legend,
  prefix,
  fields,
  values,
  onChange,
  errors,
  after,
}: {
  legend?: string;
  prefix?: string;
  fields: readonly FieldSpec<K>[];
  values: Record<K, string>;
  onChange: (values: Record<K, string>) => void;
  errors: Errors;
  /** Rendered after the field with this key, in its grid cell (e.g. a colour swatch). */
  after?: Partial<Record<K, React.ReactNode>>;
}) {
  const grid = (
    <div className="grid items-start gap-3 sm:grid-cols-2">
      {fields.map((f) => {
        const field = (
          <TextField
            key={f.key}
            className={after?.[f.key] ? 'flex-1' : undefined}
            label={f.label}
            name={prefix ? `${prefix}.${f.key}` : f.key}
            type={f.type}
            hint={f.hint}
            placeholder={f.placeholder ?? (f.type === 'url' ? 'https://' : undefined)}
            value={values[f.key]}
            onChange={(v) => onChange({ ...values, [f.key]: v })}
            errors={errors}
          />
        );
        return after?.[f.key] ? (
          <div key={f.key} className="flex items-end gap-2">
            {field}
            {after[f.key]}
          </div>
        ) : (
          field
        );
      })}
    </div>
  );
  if (!legend) return grid;
  return (
    <fieldset className="grid gap-3 rounded-md border p-3">
      <legend className="px-1 text-sm font-medium">{legend}</legend>
      {prefix && errors[prefix] && <p className="text-xs text-danger">{errors[prefix].join(' ')}</p>}
      {grid}
    </fieldset>
  );
}

/** The names a group's fields go by, for FailureAlert's "shown" set. */
export function groupFieldNames(prefix: string, keys: readonly string[]): string[] {
  return [prefix, ...keys.map((k) => `${prefix}.${k}`)];
}

export type AddressValue = {
  street_address: string;
  street_address2: string;
  postal_code: string;
  city: string;
  region: string;
  country: string;
};
const addressKeys = ['street_address', 'street_address2', 'postal_code', 'city', 'region', 'country'] as const;

export function addressFromWire(value: unknown): AddressValue {
  const source = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  return Object.fromEntries(
    addressKeys.map((k) => [k, typeof source[k] === 'string' ? source[k] : '']),
  ) as AddressValue;
}

export function addressIsEmpty(value: AddressValue): boolean {
  return addressKeys.every((k) => !value[k].trim());
}

/** The wire address: optional lines left out when empty, the country upper-cased. */
export function addressToWire(value: AddressValue): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of addressKeys) {
    const v = key === 'country' ? value[key].trim().toUpperCase() : value[key].trim();
    if (v || (key !== 'street_address2' && key !== 'region')) out[key] = v;
  }
  return out;
}

export function addressFieldNames(prefix: string): string[] {
  return addressKeys.map((k) => `${prefix}.${k}`);
}

export function AddressFieldset({
  legend,
  prefix,
  value,
  onChange,
  errors,
  hint,
}: {
  legend: string;
  prefix: string;
  value: AddressValue;
  onChange: (value: AddressValue) => void;
  errors: Errors;
  hint?: string;
}) {
  const set = (key: keyof AddressValue) => (v: string) => onChange({ ...value, [key]: v });
  return (
    <fieldset className="grid gap-3 rounded-md border p-3">
      <legend className="px-1 text-sm font-medium">{legend}</legend>
      {hint && <p className="text-xs text-muted-foreground">{hint}</p>}
      {errors[prefix] && <p className="text-xs text-danger">{errors[prefix].join(' ')}</p>}
      <TextField
        label="Street address"
        name={`${prefix}.street_address`}
        value={value.street_address}
        onChange={set('street_address')}
        errors={errors}
      />
      <TextField
        label="Street address line 2 (optional)"
        name={`${prefix}.street_address2`}
        value={value.street_address2}
        onChange={set('street_address2')}
        errors={errors}
      />
      <div className="grid items-start gap-3 sm:grid-cols-2">
        <TextField
          label="Postal code"
          name={`${prefix}.postal_code`}
          value={value.postal_code}
          onChange={set('postal_code')}
          errors={errors}
        />
        <TextField label="City" name={`${prefix}.city`} value={value.city} onChange={set('city')} errors={errors} />
        <TextField
          label="Region (optional)"
          name={`${prefix}.region`}
          value={value.region}
          onChange={set('region')}
          errors={errors}
        />
        <TextField
          label="Country"
          name={`${prefix}.country`}
          value={value.country}
          onChange={set('country')}
          errors={errors}
          hint="Two letters, e.g. US"
        />
      </div>
    </fieldset>
  );
}

/** A repeatable list of URLs named `name[0]`, `name[1]`, … */
export function UrlListField({
  legend,
  name,
  itemLabel,
  values,
  onChange,
  errors,
  min = 0,
  max,
  hint,
}: {
  legend: string;
  name: string;
  itemLabel: string;
  values: string[];
  onChange: (values: string[]) => void;
  errors: Errors;
  min?: number;
  max: number;
  hint?: string;
}) {
  return (
    <fieldset className="grid gap-2">
      <legend className="mb-1 text-sm font-medium">{legend}</legend>
      {hint && <p className="text-xs text-muted-foreground">{hint}</p>}
      {values.map((url, i) => (
        <div key={i} className="flex items-end gap-2">
          <TextField
            className="flex-1"
            label={`${itemLabel} ${i + 1}`}
            name={`${name}[${i}]`}
            type="url"
            placeholder="https://"
            value={url}
            onChange={(v) => onChange(values.map((u, j) => (j === i ? v : u)))}
            errors={errors}
          />
          <Button
            type="button"
            variant="ghost"
            size="icon"
            aria-label={`Remove ${itemLabel.toLowerCase()} ${i + 1}`}
            disabled={values.length <= min}
            onClick={() => onChange(values.filter((_, j) => j !== i))}
          >
            <X aria-hidden />
          </Button>
        </div>
      ))}
      {errors[name] && <p className="text-xs text-danger">{errors[name].join(' ')}</p>}
      {values.length < max && (
        <div>
          <Button type="button" variant="secondary" size="sm" onClick={() => onChange([...values, ''])}>
            <Plus aria-hidden /> Add {itemLabel.toLowerCase()}
          </Button>
        </div>
      )}
    </fieldset>
  );
}

/** Names `name[0]`, `name[1]` … of a list, for FailureAlert's "shown" set. */
export function listFieldNames(name: string, count: number, sub: string[] = []): string[] {
  const out = [name];
  for (let i = 0; i < count; i++) {
    out.push(`${name}[${i}]`);
    for (const s of sub) out.push(`${name}[${i}].${s}`);
  }
  return out;
}

/** Trimmed text, or undefined when empty (optional wire fields are left out rather than sent empty). */
export function optional(value: string): string | undefined {
  const v = value.trim();
  return v ? v : undefined;
}
