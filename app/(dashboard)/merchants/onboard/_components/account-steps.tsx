'use client';

import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/input';
import { businessEntityTypes } from '@/lib/klarna/schemas/accounts';
import { AddressFields, OptionalAddress, PathInput, useWizard } from './wizard-context';

export const entityTypeLabel = (type: string) => type.charAt(0) + type.slice(1).toLowerCase().replaceAll('_', ' ');

/** Step 1: the account and its owner (seed, "Account owner"). */
export function AccountStep() {
  return (
    <div className="grid gap-5">
      <div className="grid gap-4 sm:grid-cols-2">
        <PathInput
          path="account_name"
          label="Account name"
          hint="The merchant as you and Klarna will see it, e.g. CoolBrand."
          autoComplete="off"
        />
        <PathInput
          path="account_reference"
          label="Account reference"
          hint="Your own id for this merchant, e.g. M123786123412. Franchisees may share one."
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <fieldset className="grid gap-4 rounded-md border p-4">
        <legend className="px-1 text-sm font-medium">Account owner</legend>
        <p className="text-xs text-muted-foreground">
          The merchant&apos;s main representative for Klarna. Use test data outside the live environment, never a real
          person&apos;s.
        </p>
        <div className="grid gap-4 sm:grid-cols-2">
          <PathInput path="account_owner.given_name" label="Given name" autoComplete="off" />
          <PathInput path="account_owner.family_name" label="Family name" autoComplete="off" />
          <PathInput path="account_owner.email" label="Email" type="email" autoComplete="off" spellCheck={false} />
          <PathInput
            path="account_owner.phone"
            label="Phone"
            type="tel"
            hint="International format, e.g. +18445527621"
            autoComplete="off"
          />
        </div>
      </fieldset>
    </div>
  );
}

/** Step 2: business information (seed, "Sample business data"); optional as a whole. */
export function BusinessStep() {
  const { form, errors, set } = useWizard();
  const path = 'business_information.business_entity_type';
  return (
    <div className="grid gap-5">
      <p className="text-sm text-muted-foreground">
        Optional: leave every field empty to onboard without it. Klarna asks for all the information you have, to assess
        risk; once you fill any field, the business name and entity type are needed.
      </p>
      <div className="grid gap-4 sm:grid-cols-2">
        <PathInput
          path="business_information.business_name"
          label="Business name"
          hint="The legal name, e.g. Ivette Croissants SARL"
          autoComplete="off"
        />
        <Field label="Business entity type" errors={errors[path]}>
          {(c) => (
            <Select
              {...c}
              name={path}
              value={form.business_information.business_entity_type}
              onChange={(e) => set(path, e.target.value)}
            >
              <option value="">Choose…</option>
              {businessEntityTypes.map((type) => (
                <option key={type} value={type}>
                  {entityTypeLabel(type)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <PathInput
          path="business_information.registration_authority"
          label="Registration authority"
          optional
          hint="e.g. Ohio"
          autoComplete="off"
        />
        <PathInput
          path="business_information.registration_number"
          label="Registration number"
          optional
          autoComplete="off"
        />
        <PathInput
          path="business_information.tax_registration_number"
          label="Tax registration number"
          optional
          autoComplete="off"
        />
        <PathInput
          path="business_information.financial_registration_number"
          label="Financial registration number"
          optional
          autoComplete="off"
        />
      </div>
      <fieldset className="grid gap-3 rounded-md border p-4">
        <legend className="px-1 text-sm font-medium">Operating address</legend>
        <p className="text-xs text-muted-foreground">
          Where the business operates. Optional; once you fill any field, street, postal code, city and country are
          needed.
        </p>
        <AddressFields path="business_information.operating_address" />
      </fieldset>
      <fieldset className="grid gap-3 rounded-md border p-4">
        <legend className="px-1 text-sm font-medium">Registration address</legend>
        <OptionalAddress
          path="business_information.registration_address"
          label="Registered at a different address"
          hint="Leave unticked when the business is registered where it operates."
        />
      </fieldset>
    </div>
  );
}
