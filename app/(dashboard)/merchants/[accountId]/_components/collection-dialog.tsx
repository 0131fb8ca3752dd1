'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { Plus, X } from 'lucide-react';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { createCollectionAction, updateCollectionAction } from '../../actions';
import { errorsOf, listFieldNames, TextField } from '@/components/forms/form-kit';
import { enumLabel } from './format';

/** A channel collection as the page hands it to the dialog (Klarna's wire fields). */
export type CollectionValues = {
  collection_reference: string;
  branding: Record<string, unknown> | null;
  support: Record<string, unknown> | null;
  social_links: { platform: string; url: string }[];
};

const brandingKeys = ['display_name', 'logo_url', 'icon_url', 'brand_color'] as const;
const supportKeys = ['email', 'phone', 'url', 'returns_url'] as const;
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
  const onSuccess = () =>
    dialog.succeed(editing ? 'Channel collection saved at Klarna.' : 'Channel collection added at Klarna.');
  const create = useAction(createCollectionAction, { onSuccess, onError: dialog.submission.onError });
  const update = useAction(updateCollectionAction, { onSuccess, onError: dialog.submission.onError });
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
    dialog.setUnchanged(Object.keys(request).length === 0);
    if (Object.keys(request).length === 0) return;
    update.execute({
      accountId,
      reference: collection.collection_reference,
      intentId: dialog.submission.intentId,
      request,
    });
  }

  const setBranding = (key: keyof Form['branding']) => (v: string) =>
    setForm({ ...form, branding: { ...form.branding, [key]: v } });
  const setSupport = (key: keyof Form['support']) => (v: string) =>
    setForm({ ...form, support: { ...form.support, [key]: v } });
  const setSocial = (i: number, patch: Partial<Form['social'][number]>) =>
    setForm({ ...form, social: form.social.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
  const shown = [
    'collection_reference',
    'branding',
    ...brandingKeys.map((k) => `branding.${k}`),
    'support',
    ...supportKeys.map((k) => `support.${k}`),
    ...listFieldNames('social_links', form.social.length, ['platform', 'url']),
  ];
  const color = /^#[0-9A-Fa-f]{6}$/.test(form.branding.brand_color.trim()) ? form.branding.brand_color.trim() : null;

  return (
    <ActionDialog
      state={dialog}
      trigger={
        editing ? (
          <Button variant="secondary" size="sm" disabled={Boolean(disabledReason)} title={disabledReason ?? undefined}>
            Edit…
          </Button>
        ) : (
          <Button size="sm" disabled={Boolean(disabledReason)}>
            <Plus aria-hidden /> Add channel collection
          </Button>
        )
      }
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
      <fieldset className="grid gap-3 rounded-md border p-3">
        <legend className="px-1 text-sm font-medium">Branding</legend>
        {errors.branding && <p className="text-xs text-danger">{errors.branding.join(' ')}</p>}
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField
            label="Display name"
            name="branding.display_name"
            value={form.branding.display_name}
            onChange={setBranding('display_name')}
            errors={errors}
            hint="Required when any branding is given."
          />
          <div className="flex items-end gap-2">
            <TextField
              className="flex-1"
              label="Brand colour (optional)"
              name="branding.brand_color"
              value={form.branding.brand_color}
              onChange={setBranding('brand_color')}
              errors={errors}
              placeholder="#FFB3C7"
            />
            <span
              aria-hidden
              className="mb-1 size-7 shrink-0 rounded border"
              style={color ? { backgroundColor: color } : undefined}
            />
          </div>
          <TextField
            label="Logo URL (optional)"
            name="branding.logo_url"
            type="url"
            value={form.branding.logo_url}
            onChange={setBranding('logo_url')}
            errors={errors}
            placeholder="https://"
          />
          <TextField
            label="Icon URL (optional)"
            name="branding.icon_url"
            type="url"
            value={form.branding.icon_url}
            onChange={setBranding('icon_url')}
            errors={errors}
            placeholder="https://"
          />
        </div>
      </fieldset>
      <fieldset className="grid gap-3 rounded-md border p-3">
        <legend className="px-1 text-sm font-medium">Support</legend>
        {errors.support && <p className="text-xs text-danger">{errors.support.join(' ')}</p>}
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField
            label="Support email (optional)"
            name="support.email"
            type="email"
            value={form.support.email}
            onChange={setSupport('email')}
            errors={errors}
          />
          <TextField
            label="Support phone (optional)"
            name="support.phone"
            type="tel"
            value={form.support.phone}
            onChange={setSupport('phone')}
            errors={errors}
            hint="International format, e.g. +18445527621"
          />
          <TextField
            label="Support page URL (optional)"
            name="support.url"
            type="url"
            value={form.support.url}
            onChange={setSupport('url')}
            errors={errors}
            placeholder="https://"
          />
          <TextField
            label="Returns page URL (optional)"
            name="support.returns_url"
            type="url"
            value={form.support.returns_url}
            onChange={setSupport('returns_url')}
            errors={errors}
            placeholder="https://"
          />
        </div>
      </fieldset>
      <fieldset className="grid gap-2 rounded-md border p-3">
        <legend className="px-1 text-sm font-medium">Social links</legend>
        {form.social.length === 0 && <p className="text-xs text-muted-foreground">No social links.</p>}
        {form.social.map((link, i) => (
          <div key={i} className="grid items-end gap-2 sm:grid-cols-[10rem_1fr_auto]">
            <Field label={`Social link ${i + 1} platform`} errors={errors[`social_links[${i}].platform`]}>
              {(c) => (
                <Select
                  {...c}
                  name={`social_links[${i}].platform`}
                  value={link.platform}
                  onChange={(e) => setSocial(i, { platform: e.target.value })}
                >
                  {!platforms.includes(link.platform) && <option value={link.platform}>{link.platform}</option>}
                  {platforms.map((p) => (
                    <option key={p} value={p}>
                      {p === 'X' ? 'X' : enumLabel(p)}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field
              label={`Social link ${i + 1} URL`}
              errors={errors[`social_links[${i}].url`] ?? errors[`social_links[${i}]`]}
            >
              {(c) => (
                <Input
                  {...c}
                  name={`social_links[${i}].url`}
                  type="url"
                  placeholder="https://"
                  value={link.url}
                  onChange={(e) => setSocial(i, { url: e.target.value })}
                />
              )}
            </Field>
            <Button
              type="button"
              variant="ghost"
              size="icon"
              aria-label={`Remove social link ${i + 1}`}
              onClick={() => setForm({ ...form, social: form.social.filter((_, j) => j !== i) })}
            >
              <X aria-hidden />
            </Button>
          </div>
        ))}
        {errors.social_links && <p className="text-xs text-danger">{errors.social_links.join(' ')}</p>}
        {form.social.length < 10 && (
          <div>
            <Button
              type="button"
              variant="secondary"
              size="sm"
              onClick={() =>
                setForm({ ...form, social: [...form.social, { platform: platforms[0] ?? 'OTHER', url: '' }] })
              }
            >
              <Plus aria-hidden /> Add social link
            </Button>
          </div>
        )}
      </fieldset>
    </ActionDialog>
  );
}
