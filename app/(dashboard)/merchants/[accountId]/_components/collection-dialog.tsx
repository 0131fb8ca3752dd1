'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { Plus, X } from 'lucide-react';
import { ActionDialog, addOrEditTrigger, useActionDialog } from '@/components/forms/action-dialog';
import { Button } from '@/components/ui/button';
import { createCollectionAction, updateCollectionAction } from '../../actions';
import {
  errorsOf,
  groupFieldNames,
  listFieldNames,
  SelectField,
  TextField,
  TextFieldGroup,
  type Errors,
  type FieldSpec,
} from '@/components/forms/form-kit';
import { enumLabel } from './format';

/** A channel collection as the page hands it to the dialog (Klarna's wire fields). */
export type CollectionValues = {
  collection_reference: string;
  branding: Record<string, unknown> | null;
  support: Record<string, unknown> | null;
  social_links: { platform: string; url: string }[];
};

const brandingFields = [
  { key: 'display_name', label: 'Display name', hint: 'Required when any branding is given.' },
  { key: 'brand_color', label: 'Brand colour (optional)', placeholder: '#FFB3C7' },
  { key: 'logo_url', label: 'Logo URL (optional)', type: 'url' },
  { key: 'icon_url', label: 'Icon URL (optional)', type: 'url' },
] as const satisfies readonly FieldSpec<string>[];
const supportFields = [
  { key: 'email', label: 'Support email (optional)', type: 'email' },
  { key: 'phone', label: 'Support phone (optional)', type: 'tel', hint: 'International format, e.g. +18445527621' },
  { key: 'url', label: 'Support page URL (optional)', type: 'url' },
  { key: 'returns_url', label: 'Returns page URL (optional)', type: 'url' },
] as const satisfies readonly FieldSpec<string>[];
const brandingKeys = brandingFields.map((f) => f.key);
const supportKeys = supportFields.map((f) => f.key);
type Form = {
  reference: string;
  branding: Record<(typeof brandingKeys)[number], string>;
  support: Record<(typeof supportKeys)[number], string>;
  social: { platform: string; url: string }[];
};

const text = (source: Record<string, unknown> | null, key: string) =>
  source && typeof source[key] === 'string' ? (source[key] as string) : '';

function initialForm(collection: CollectionValues | undefined): Form {
  return {
    reference: collection?.collection_reference ?? '',
    branding: Object.fromEntries(
      brandingKeys.map((k) => [k, text(collection?.branding ?? null, k)]),
    ) as Form['branding'],
    support: Object.fromEntries(supportKeys.map((k) => [k, text(collection?.support ?? null, k)])) as Form['support'],
    social: (collection?.social_links ?? []).map((l) => ({ platform: l.platform, url: l.url })),
  };
}

/** A section as Klarna takes it: empty optional fields left out. */
function section<K extends string>(values: Record<K, string>, required: K[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values) as [K, string][]) {
    const v = key === 'brand_color' ? value.trim().toUpperCase() : value.trim();
    if (v || required.includes(key)) out[key] = v;
  }
  return out;
}
const anyFilled = (values: Record<string, string>) => Object.values(values).some((v) => v.trim());
const socialToWire = (social: Form['social']) => social.map((l) => ({ platform: l.platform, url: l.url.trim() }));

/**
 * Seed test case 5: a channel collection's branding, support contacts and social links.
 * Klarna replaces each section given whole, so an edit sends every changed section complete.
 */
export function CollectionDialog({
  accountId,
  collection,
  platforms,
  disabledReason,
}: {
  accountId: string;
  collection?: CollectionValues;
  platforms: readonly string[];
  disabledReason: string | null;
}) {
  const editing = Boolean(collection);
  const [form, setForm] = useState(() => initialForm(collection));
  const dialog = useActionDialog(() => setForm(initialForm(collection)));
  const saved = dialog.callbacks(
    editing ? 'Channel collection saved at Klarna.' : 'Channel collection added at Klarna.',
  );
  const create = useAction(createCollectionAction, saved);
  const update = useAction(updateCollectionAction, saved);
  const errors = errorsOf(dialog.submission.failure);

  function submit() {
    if (!collection) {
      const request: Record<string, unknown> = { collection_reference: form.reference.trim() };
      if (anyFilled(form.branding)) request.branding = section(form.branding, ['display_name']);
      if (anyFilled(form.support)) request.support = section(form.support);
      if (form.social.length) request.social_links = socialToWire(form.social);
      create.execute({ accountId, intentId: dialog.submission.intentId, request });
      return;
    }
    const before = initialForm(collection);
    const request: Record<string, unknown> = {};
    const brandingNow = section(form.branding, ['display_name']);
    if (
      JSON.stringify(brandingNow) !== JSON.stringify(section(before.branding, ['display_name'])) &&
      (anyFilled(form.branding) || collection.branding)
    )
      request.branding = brandingNow;
    const supportNow = section(form.support);
    if (JSON.stringify(supportNow) !== JSON.stringify(section(before.support))) request.support = supportNow;
    if (JSON.stringify(socialToWire(form.social)) !== JSON.stringify(socialToWire(before.social)))
      request.social_links = socialToWire(form.social);
    dialog.sendChanges(request, (changes) =>
      update.execute({
        accountId,
        reference: collection.collection_reference,
        intentId: dialog.submission.intentId,
        request: changes,
      }),
    );
  }

  const shown = [
    'collection_reference',
    ...groupFieldNames('branding', brandingKeys),
    ...groupFieldNames('support', supportKeys),
    ...listFieldNames('social_links', form.social.length, ['platform', 'url']),
  ];
  const color = /^#[0-9A-Fa-f]{6}$/.test(form.branding.brand_color.trim()) ? form.branding.brand_color.trim() : null;

  return (
    <ActionDialog
      state={dialog}
      trigger={addOrEditTrigger(editing, 'Add channel collection', disabledReason)}
      title={editing ? `Edit channel collection ${collection!.collection_reference}` : 'Add a channel collection'}
      description="Branding, support contacts and social links Klarna shows shoppers for the channels that use this collection."
      className="max-w-2xl"
      shown={shown}
      submitLabel={editing ? 'Save changes' : 'Add channel collection'}
      pending={create.isPending || update.isPending}
      onSubmit={submit}
    >
      {!editing && (
        <TextField
          label="Collection reference"
          name="collection_reference"
          value={form.reference}
          onChange={(v) => setForm({ ...form, reference: v })}
          errors={errors}
          hint="Your key for this collection, assigned to channels. Letters, digits, dot, dash and underscore; it cannot change later."
        />
      )}
      <TextFieldGroup
        legend="Branding"
        prefix="branding"
        fields={brandingFields}
        values={form.branding}
        onChange={(branding) => setForm({ ...form, branding })}
        errors={errors}
        after={{
          brand_color: (
            <span
              aria-hidden
              className="mb-1 size-7 shrink-0 rounded border"
              style={color ? { backgroundColor: color } : undefined}
            />
          ),
        }}
      />
      <TextFieldGroup
        legend="Support"
        prefix="support"
        fields={supportFields}
        values={form.support}
        onChange={(support) => setForm({ ...form, support })}
        errors={errors}
      />
      <SocialLinksFieldset
        links={form.social}
        onChange={(social) => setForm({ ...form, social })}
        platforms={platforms}
        errors={errors}
      />
    </ActionDialog>
  );
}

const MAX_SOCIAL_LINKS = 10;

/** Social links `social_links[i].platform` / `.url`; Klarna's error on a link as a whole is shown at its URL. */
function SocialLinksFieldset({
  links,
  onChange,
  platforms,
  errors,
}: {
  links: Form['social'];
  onChange: (links: Form['social']) => void;
  platforms: readonly string[];
  errors: Errors;
}) {
  const set = (i: number, patch: Partial<Form['social'][number]>) =>
    onChange(links.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  return (
    <fieldset className="grid gap-2 rounded-md border p-3">
      <legend className="px-1 text-sm font-medium">Social links</legend>
      {links.length === 0 && <p className="text-xs text-muted-foreground">No social links.</p>}
      {links.map((link, i) => {
        const name = `social_links[${i}]`;
        return (
          <div key={i} className="grid items-end gap-2 sm:grid-cols-[10rem_1fr_auto]">
            <SelectField
              label={`Social link ${i + 1} platform`}
              name={`${name}.platform`}
              value={link.platform}
              onChange={(platform) => set(i, { platform })}
              errors={errors}
            >
              {!platforms.includes(link.platform) && <option value={link.platform}>{link.platform}</option>}
              {platforms.map((p) => (
                <option key={p} value={p}>
                  {p === 'X' ? 'X' : enumLabel(p)}
                </option>
              ))}
            </SelectField>
            <TextField
              label={`Social link ${i + 1} URL`}
              name={`${name}.url`}
              type="url"
              placeholder="https://"
              value={link.url}
              onChange={(url) => set(i, { url })}
              errors={{ [`${name}.url`]: errors[`${name}.url`] ?? errors[name] ?? [] }}
            />
            <Button
              type="button"
              variant="ghost"
              size="icon"
              aria-label={`Remove social link ${i + 1}`}
              onClick={() => onChange(links.filter((_, j) => j !== i))}
            >
              <X aria-hidden />
            </Button>
          </div>
        );
      })}
      {errors.social_links && <p className="text-xs text-danger">{errors.social_links.join(' ')}</p>}
      {links.length < MAX_SOCIAL_LINKS && (
        <div>
          <Button
            type="button"
            variant="secondary"
            size="sm"
            onClick={() => onChange([...links, { platform: platforms[0] ?? 'OTHER', url: '' }])}
          >
            <Plus aria-hidden /> Add social link
          </Button>
        </div>
      )}
    </fieldset>
  );
}
