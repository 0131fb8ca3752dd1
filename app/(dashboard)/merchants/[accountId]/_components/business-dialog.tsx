'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { ActionDialog, editTrigger, useActionDialog } from '@/components/forms/action-dialog';
import { Button } from '@/components/ui/button';
import { updateBusinessInformationAction } from '../../actions';
import {
  AddressFieldset,
  addressFieldNames,
  addressFromWire,
  addressIsEmpty,
  addressToWire,
  errorsOf,
  SelectField,
  TextField,
  type AddressValue,
} from '@/components/forms/form-kit';
import { enumLabel } from './format';

const textKeys = [
  'business_name',
  'registration_authority',
  'registration_number',
  'tax_registration_number',
  'financial_registration_number',
] as const;
type TextKey = (typeof textKeys)[number];
type BusinessForm = Record<TextKey, string> & {
  business_entity_type: string;
  operating_address: AddressValue;
  registration_address: AddressValue;
};

const textLabels: Record<TextKey, string> = {
  business_name: 'Business name',
  registration_authority: 'Registration authority',
  registration_number: 'Registration number',
  tax_registration_number: 'Tax registration number',
  financial_registration_number: 'Financial registration number',
};

function fromWire(info: Record<string, unknown>): BusinessForm {
  const text = (key: string) => (typeof info[key] === 'string' ? (info[key] as string) : '');
  return {
    business_name: text('business_name'),
    business_entity_type: text('business_entity_type'),
    registration_authority: text('registration_authority'),
    registration_number: text('registration_number'),
    tax_registration_number: text('tax_registration_number'),
    financial_registration_number: text('financial_registration_number'),
    operating_address: addressFromWire(info.operating_address),
    registration_address: addressFromWire(info.registration_address),
  };
}

const shown = [
  'business_name',
  'business_entity_type',
  ...textKeys,
  'operating_address',
  'registration_address',
  ...addressFieldNames('operating_address'),
  ...addressFieldNames('registration_address'),
];

/**
 * Seed test case 7: the business information, sent as the fields that changed (an address is
 * sent whole, as Klarna replaces it whole).
 */
export function BusinessDialog({
  accountId,
  information,
  entityTypes,
  disabledReason,
}: {
  accountId: string;
  information: Record<string, unknown>;
  entityTypes: readonly string[];
  disabledReason: string | null;
}) {
  const current = fromWire(information);
  const [form, setForm] = useState(current);
  const dialog = useActionDialog(() => setForm(fromWire(information)));
  const action = useAction(updateBusinessInformationAction, dialog.callbacks('Business information saved at Klarna.'));
  const errors = errorsOf(dialog.submission.failure);

  function submit() {
    const request: Record<string, unknown> = {};
    for (const key of textKeys) if (form[key].trim() !== current[key]) request[key] = form[key].trim();
    if (form.business_entity_type !== current.business_entity_type && form.business_entity_type)
      request.business_entity_type = form.business_entity_type;
    for (const key of ['operating_address', 'registration_address'] as const) {
      const before = JSON.stringify(addressToWire(current[key]));
      const after = JSON.stringify(addressToWire(form[key]));
      if (before !== after && !(addressIsEmpty(form[key]) && addressIsEmpty(current[key])))
        request[key] = addressToWire(form[key]);
    }
    dialog.sendChanges(request, (changes) =>
      action.execute({ accountId, intentId: dialog.submission.intentId, request: changes }),
    );
  }

  const knownType = entityTypes.includes(current.business_entity_type);

  return (
    <ActionDialog
      state={dialog}
      trigger={editTrigger('Edit business information…', disabledReason)}
      title="Edit business information"
      description="The legal business behind the account, as Klarna keeps it. Only what you change is sent."
      className="max-w-2xl"
      shown={shown}
      submitLabel="Save changes"
      pending={action.isPending}
      onSubmit={submit}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          label={textLabels.business_name}
          name="business_name"
          value={form.business_name}
          onChange={(v) => setForm({ ...form, business_name: v })}
          errors={errors}
        />
        <SelectField
          label="Business entity type"
          name="business_entity_type"
          value={form.business_entity_type}
          onChange={(v) => setForm({ ...form, business_entity_type: v })}
          errors={errors}
        >
          {!current.business_entity_type && <option value="">Not given</option>}
          {!knownType && current.business_entity_type && (
            <option value={current.business_entity_type}>{current.business_entity_type}</option>
          )}
          {entityTypes.map((t) => (
            <option key={t} value={t}>
              {enumLabel(t)}
            </option>
          ))}
        </SelectField>
        {textKeys
          .filter((k) => k !== 'business_name')
          .map((key) => (
            <TextField
              key={key}
              label={`${textLabels[key]} (optional)`}
              name={key}
              value={form[key]}
              onChange={(v) => setForm({ ...form, [key]: v })}
              errors={errors}
            />
          ))}
      </div>
      <AddressFieldset
        legend="Operating address"
        prefix="operating_address"
        value={form.operating_address}
        onChange={(v) => setForm({ ...form, operating_address: v })}
        errors={errors}
      />
      <AddressFieldset
        legend="Registration address"
        prefix="registration_address"
        value={form.registration_address}
        onChange={(v) => setForm({ ...form, registration_address: v })}
        errors={errors}
      />
      <div>
        <Button
          type="button"
          variant="ghost"
          size="sm"
          onClick={() => setForm({ ...form, registration_address: { ...form.operating_address } })}
        >
          Copy the operating address to the registration address
        </Button>
      </div>
    </ActionDialog>
  );
}
