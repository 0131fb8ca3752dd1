'use client';

import { createContext, useContext, useState } from 'react';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import {
  emptyAddress,
  getIn,
  isAddressFilled,
  setIn,
  type AddressForm,
  type FieldErrors,
  type OnboardingForm,
} from '@/lib/merchants/onboarding-form';

/** What Klarna offers this partner, as the wizard shows it (read on the server from Klarna). */
export type OnboardingOptions = {
  distributionProfiles: { id: string; name: string }[];
  pricePlans: { id: string; name: string; merchantCategoryCodes: string[] }[];
  settlementConfigurations: {
    id: string;
    name: string;
    payoutFrequency: string;
    payoutDelayDays: number;
    settlingEntity: string;
    bankAccount: string;
    currencies: string[];
  }[];
};

type WizardContextValue = {
  form: OnboardingForm;
  errors: FieldErrors;
  options: OnboardingOptions;
  /** Sets the value at a Klarna parameter path and drops that path's errors. */
  set: (path: string, value: unknown) => void;
  /** A structural change (adding or removing a channel); `clear` drops errors at and below that path. */
  update: (change: (form: OnboardingForm) => OnboardingForm, clear?: string) => void;
};

export const WizardContext = createContext<WizardContextValue | null>(null);

export function useWizard(): WizardContextValue {
  const value = useContext(WizardContext);
  if (!value) throw new Error('useWizard outside the onboarding wizard');
  return value;
}

/** A text input bound to a Klarna parameter path: its value, its errors, its name. */
export function PathInput({
  path,
  label,
  hint,
  optional,
  className,
  transform,
  ...input
}: {
  path: string;
  label: string;
  hint?: React.ReactNode;
  optional?: boolean;
  className?: string;
  transform?: (value: string) => string;
} & Pick<
  React.ComponentProps<'input'>,
  'type' | 'autoComplete' | 'inputMode' | 'placeholder' | 'maxLength' | 'spellCheck'
>) {
  const { form, errors, set } = useWizard();
  return (
    <Field label={optional ? `${label} (optional)` : label} hint={hint} errors={errors[path]} className={className}>
      {(c) => (
        <Input
          {...c}
          {...input}
          name={path}
          value={String(getIn(form, path) ?? '')}
          onChange={(e) => set(path, transform ? transform(e.target.value) : e.target.value)}
        />
      )}
    </Field>
  );
}

/** Errors at a path that no single input shows (a list's length, a group's rule). */
export function PathErrors({ path }: { path: string }) {
  const { errors } = useWizard();
  const list = errors[path];
  if (!list?.length) return null;
  return (
    <ul className="text-xs text-danger" data-path={path}>
      {list.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  );
}

const upper = (value: string) => value.toUpperCase();

/** The address fields of an address at `path` (seed, "Operating/registration address"). */
export function AddressFields({ path }: { path: string }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <PathInput path={`${path}.street_address`} label="Street address" autoComplete="off" className="sm:col-span-2" />
      <PathInput
        path={`${path}.street_address2`}
        label="Street address line 2"
        optional
        autoComplete="off"
        className="sm:col-span-2"
      />
      <PathInput path={`${path}.postal_code`} label="Postal code" autoComplete="off" />
      <PathInput path={`${path}.city`} label="City" autoComplete="off" />
      <PathInput path={`${path}.region`} label="Region or state" optional autoComplete="off" />
      <PathInput
        path={`${path}.country`}
        label="Country"
        hint="Two letters, ISO 3166, e.g. US, FR, SE"
        maxLength={2}
        transform={upper}
        autoComplete="off"
        spellCheck={false}
      />
    </div>
  );
}

/**
 * An address Klarna takes but does not require: a checkbox opens its fields. Unticking it
 * empties them, so nothing hidden is sent. Left empty, the address is not sent at all.
 */
export function OptionalAddress({ path, label, hint }: { path: string; label: string; hint?: string }) {
  const { form, update } = useWizard();
  const address = getIn(form, path) as AddressForm;
  const [open, setOpen] = useState(() => isAddressFilled(address));
  return (
    <div className="grid gap-3">
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          className="mt-0.5"
          checked={open}
          onChange={(e) => {
            setOpen(e.target.checked);
            if (!e.target.checked) {
              update((f) => setIn(f, path, emptyAddress()), path);
            }
          }}
        />
        <span>
          {label}
          {hint && <span className="block text-xs text-muted-foreground">{hint}</span>}
        </span>
      </label>
      {open && <AddressFields path={path} />}
    </div>
  );
}
