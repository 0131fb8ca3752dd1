'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { ActionDialog, addOrEditTrigger, useActionDialog } from '@/components/forms/action-dialog';
import { createChannelAction, updateChannelAction } from '../../actions';
import {
  AddressFieldset,
  addressFieldNames,
  addressFromWire,
  addressIsEmpty,
  addressToWire,
  errorsOf,
  listFieldNames,
  optional,
  SelectField,
  TextField,
  UrlListField,
  type AddressValue,
} from '@/components/forms/form-kit';
import { channelTypeLabel } from './format';

type ChannelType = 'WEBSITE' | 'PHYSICAL_STORE' | 'MOBILE_APP';
const creatableTypes: ChannelType[] = ['WEBSITE', 'PHYSICAL_STORE', 'MOBILE_APP'];

/** A channel as the page hands it to the dialog (Klarna's wire fields). */
export type ChannelValues = {
  channel_id: string;
  type: string;
  name: string | null;
  urls: string[];
  address: Record<string, unknown> | null;
  app_store_urls: string[];
  collection_reference: string | null;
};

type Form = {
  type: ChannelType;
  name: string;
  urls: string[];
  address: AddressValue;
  appUrls: string[];
  collection: string;
};

function initialForm(channel: ChannelValues | undefined, websiteTaken: boolean): Form {
  return {
    type: (channel?.type as ChannelType | undefined) ?? (websiteTaken ? 'PHYSICAL_STORE' : 'WEBSITE'),
    name: channel?.name ?? '',
    urls: channel?.urls.length ? [...channel.urls] : [''],
    address: addressFromWire(channel?.address),
    appUrls: [...(channel?.app_store_urls ?? [])],
    collection: channel?.collection_reference ?? '',
  };
}

const trimmed = (list: string[]) => list.map((u) => u.trim());
const sameList = (a: string[], b: string[]) => JSON.stringify(trimmed(a)) === JSON.stringify(trimmed(b));

/**
 * Seed test case 4: add a channel of one of the three types with that type's fields, or edit
 * one (its type fixed; its collection can be unassigned).
 */
export function ChannelDialog({
  accountId,
  channel,
  collections,
  websiteTaken,
  disabledReason,
}: {
  accountId: string;
  /** Absent: add a channel. */
  channel?: ChannelValues;
  collections: string[];
  websiteTaken: boolean;
  disabledReason: string | null;
}) {
  const editing = Boolean(channel);
  const [form, setForm] = useState(() => initialForm(channel, websiteTaken));
  const dialog = useActionDialog(() => setForm(initialForm(channel, websiteTaken)));
  const saved = dialog.callbacks(editing ? 'Channel saved at Klarna.' : 'Channel added at Klarna.');
  const create = useAction(createChannelAction, saved);
  const update = useAction(updateChannelAction, saved);
  const errors = errorsOf(dialog.submission.failure);
  const unknownType = !creatableTypes.includes(form.type);

  function submit() {
    if (!channel) {
      const common = { type: form.type, ...(form.collection ? { collection_reference: form.collection } : {}) };
      const request =
        form.type === 'WEBSITE'
          ? { ...common, name: optional(form.name), urls: trimmed(form.urls) }
          : form.type === 'PHYSICAL_STORE'
            ? {
                ...common,
                name: form.name.trim(),
                address: addressIsEmpty(form.address) ? undefined : addressToWire(form.address),
              }
            : {
                ...common,
                name: form.name.trim(),
                app_store_urls: form.appUrls.length ? trimmed(form.appUrls) : undefined,
              };
      create.execute({
        accountId,
        intentId: dialog.submission.intentId,
        request: JSON.parse(JSON.stringify(request)) as Record<string, unknown>,
      });
      return;
    }
    const before = initialForm(channel, websiteTaken);
    const request: Record<string, unknown> = {};
    if (form.name.trim() !== before.name) request.name = form.name.trim();
    if (form.type === 'WEBSITE' && !sameList(form.urls, before.urls)) request.urls = trimmed(form.urls);
    if (
      form.type === 'PHYSICAL_STORE' &&
      JSON.stringify(addressToWire(form.address)) !== JSON.stringify(addressToWire(before.address)) &&
      !(addressIsEmpty(form.address) && addressIsEmpty(before.address))
    ) {
      request.address = addressToWire(form.address);
    }
    if (form.type === 'MOBILE_APP' && !sameList(form.appUrls, before.appUrls))
      request.app_store_urls = trimmed(form.appUrls);
    if (form.collection !== before.collection) request.collection_reference = form.collection || null;
    dialog.sendChanges(request, (changes) =>
      update.execute({
        accountId,
        channelId: channel.channel_id,
        intentId: dialog.submission.intentId,
        request: changes,
      }),
    );
  }

  const shown = [
    'type',
    'name',
    'collection_reference',
    ...listFieldNames('urls', form.urls.length),
    'address',
    ...addressFieldNames('address'),
    ...listFieldNames('app_store_urls', form.appUrls.length),
  ];
  const pending = create.isPending || update.isPending;

  return (
    <ActionDialog
      state={dialog}
      trigger={addOrEditTrigger(editing, 'Add channel', disabledReason)}
      title={editing ? 'Edit channel' : 'Add a channel'}
      description={
        editing
          ? 'A channel’s type cannot change; delete it and add another instead.'
          : 'Where the merchant offers Klarna: a website, a physical store or a mobile app.'
      }
      className="max-w-xl"
      shown={shown}
      submitLabel={editing ? 'Save changes' : 'Add channel'}
      pending={pending}
      onSubmit={submit}
    >
      {editing ? (
        <p className="text-sm">
          <span className="text-muted-foreground">Type: </span>
          {channelTypeLabel(form.type)}
        </p>
      ) : (
        <SelectField
          label="Channel type"
          name="type"
          value={form.type}
          onChange={(type) => setForm({ ...form, type: type as ChannelType })}
          errors={errors}
          hint={websiteTaken ? 'Klarna allows one website per account, and this account has one.' : undefined}
        >
          {creatableTypes.map((t) => (
            <option key={t} value={t} disabled={t === 'WEBSITE' && websiteTaken}>
              {channelTypeLabel(t)}
            </option>
          ))}
        </SelectField>
      )}
      <TextField
        label={form.type === 'WEBSITE' ? 'Name (optional)' : 'Name'}
        name="name"
        value={form.name}
        onChange={(v) => setForm({ ...form, name: v })}
        errors={errors}
        hint={
          form.type === 'PHYSICAL_STORE' ? 'As shoppers know the store, e.g. Ivette Croissanterie Joliette.' : undefined
        }
      />
      {form.type === 'WEBSITE' && (
        <UrlListField
          legend="Website URLs"
          name="urls"
          itemLabel="URL"
          values={form.urls}
          onChange={(urls) => setForm({ ...form, urls })}
          errors={errors}
          min={1}
          max={10}
          hint="https:// addresses where Klarna is offered."
        />
      )}
      {form.type === 'PHYSICAL_STORE' && (
        <AddressFieldset
          legend="Store address"
          prefix="address"
          value={form.address}
          onChange={(address) => setForm({ ...form, address })}
          errors={errors}
          hint="Optional, but helps Klarna’s fraud checks."
        />
      )}
      {form.type === 'MOBILE_APP' && (
        <UrlListField
          legend="App store links"
          name="app_store_urls"
          itemLabel="Store link"
          values={form.appUrls}
          onChange={(appUrls) => setForm({ ...form, appUrls })}
          errors={errors}
          max={5}
          hint="Optional: the app’s pages in the app stores."
        />
      )}
      {unknownType && (
        <p className="text-sm text-muted-foreground">
          Klarna reports a channel type this dashboard does not know; only its name and collection can be changed here.
        </p>
      )}
      <SelectField
        label="Channel collection"
        name="collection_reference"
        value={form.collection}
        onChange={(collection) => setForm({ ...form, collection })}
        errors={errors}
        hint={
          collections.length === 0
            ? 'This account has no channel collections yet: add one under Channel collections.'
            : 'Branding, support and social links shown to shoppers for this channel.'
        }
      >
        <option value="">None</option>
        {form.collection && !collections.includes(form.collection) && (
          <option value={form.collection}>{form.collection}</option>
        )}
        {collections.map((ref) => (
          <option key={ref} value={ref}>
            {ref}
          </option>
        ))}
      </SelectField>
    </ActionDialog>
  );
}
