'use client';

import { Plus, Trash2 } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { MAX_WEBSITE_CHANNELS } from '@/lib/klarna/schemas/accounts';
import {
  emptyApp,
  emptyStore,
  emptyWebsite,
  getIn,
  setIn,
  type ChannelKind,
  type OnboardingForm,
} from '@/lib/merchants/onboarding-form';
import { OptionalAddress, PathErrors, PathInput, useWizard } from './wizard-context';

const COLLECTION_HINT =
  'A channel collection holds branding and support contacts. Klarna accepts only a collection the account already has, and a new account has none: leave this empty and assign one on the merchant’s page after onboarding.';

/** Step 4: where the merchant sells (seed, "Channel types and management"); at least one channel. */
export function ChannelsStep() {
  const { form, update } = useWizard();
  const { websites, 'physical-stores': stores, 'mobile-apps': apps } = form.channel;
  // Removing a channel renumbers the ones after it, so every channel error is dropped with it.
  const add = (kind: ChannelKind, item: unknown) =>
    update((f) => setIn(f, `channel.${kind}`, [...f.channel[kind], item]), 'channel');
  const remove = (kind: ChannelKind, index: number) =>
    update(
      (f) =>
        setIn(
          f,
          `channel.${kind}`,
          f.channel[kind].filter((_, i) => i !== index),
        ),
      'channel',
    );

  return (
    <div className="grid gap-6">
      <p className="text-sm text-muted-foreground">
        Add every place the merchant takes Klarna payments: at least one website, physical store or mobile app.
      </p>
      <PathErrors path="channel" />

      <ChannelSection
        title="Website"
        description={`At most ${MAX_WEBSITE_CHANNELS} per account (Klarna’s limit): a business with more websites gets one account per website.`}
        path="channel.websites"
      >
        {websites.map((w, i) => (
          <ChannelFieldset
            key={i}
            legend={websites.length > 1 ? `Website ${i + 1}` : 'Website'}
            onRemove={() => remove('websites', i)}
            removeLabel={`Remove website${websites.length > 1 ? ` ${i + 1}` : ''}`}
          >
            <PathInput path={`channel.websites[${i}].name`} label="Website name" optional autoComplete="off" />
            <UrlList
              path={`channel.websites[${i}].urls`}
              label="Website URL"
              addLabel="Add URL"
              min={1}
              count={w.urls.length}
            />
            <PathInput
              path={`channel.websites[${i}].collection_reference`}
              label="Channel collection reference"
              optional
              hint={COLLECTION_HINT}
              autoComplete="off"
              spellCheck={false}
            />
          </ChannelFieldset>
        ))}
        <AddButton
          onClick={() => add('websites', emptyWebsite())}
          disabled={websites.length >= MAX_WEBSITE_CHANNELS}
          title={websites.length >= MAX_WEBSITE_CHANNELS ? 'An account can have only one website' : undefined}
        >
          Add website
        </AddButton>
      </ChannelSection>

      <ChannelSection
        title="Physical stores"
        description="Shops where customers pay in person."
        path="channel.physical-stores"
      >
        {stores.map((_, i) => (
          <ChannelFieldset
            key={i}
            legend={`Physical store ${i + 1}`}
            onRemove={() => remove('physical-stores', i)}
            removeLabel={`Remove physical store ${i + 1}`}
          >
            <PathInput
              path={`channel.physical-stores[${i}].name`}
              label="Store name"
              hint="e.g. Ivette Croissanterie Joliette"
              autoComplete="off"
            />
            <OptionalAddress path={`channel.physical-stores[${i}].address`} label="Add the store’s address" />
            <PathInput
              path={`channel.physical-stores[${i}].collection_reference`}
              label="Channel collection reference"
              optional
              hint={COLLECTION_HINT}
              autoComplete="off"
              spellCheck={false}
            />
          </ChannelFieldset>
        ))}
        <AddButton onClick={() => add('physical-stores', emptyStore())}>Add physical store</AddButton>
      </ChannelSection>

      <ChannelSection title="Mobile apps" description="Apps in which customers pay." path="channel.mobile-apps">
        {apps.map((a, i) => (
          <ChannelFieldset
            key={i}
            legend={`Mobile app ${i + 1}`}
            onRemove={() => remove('mobile-apps', i)}
            removeLabel={`Remove mobile app ${i + 1}`}
          >
            <PathInput path={`channel.mobile-apps[${i}].name`} label="App name" autoComplete="off" />
            <UrlList
              path={`channel.mobile-apps[${i}].app_store_urls`}
              label="App store link"
              addLabel="Add app store link"
              min={0}
              count={a.app_store_urls.length}
            />
            <PathInput
              path={`channel.mobile-apps[${i}].collection_reference`}
              label="Channel collection reference"
              optional
              hint={COLLECTION_HINT}
              autoComplete="off"
              spellCheck={false}
            />
          </ChannelFieldset>
        ))}
        <AddButton onClick={() => add('mobile-apps', emptyApp())}>Add mobile app</AddButton>
      </ChannelSection>
    </div>
  );
}

function ChannelSection({
  title,
  description,
  path,
  children,
}: {
  title: string;
  description: string;
  path: string;
  children: React.ReactNode;
}) {
  return (
    <section className="grid gap-3" aria-label={title}>
      <div>
        <h3 className="text-sm font-semibold">{title}</h3>
        <p className="text-xs text-muted-foreground">{description}</p>
      </div>
      <PathErrors path={path} />
      {children}
    </section>
  );
}

function ChannelFieldset({
  legend,
  removeLabel,
  onRemove,
  children,
}: {
  legend: string;
  removeLabel: string;
  onRemove: () => void;
  children: React.ReactNode;
}) {
  return (
    <fieldset className="grid gap-4 rounded-md border p-4">
      <legend className="px-1 text-sm font-medium">{legend}</legend>
      {children}
      <div>
        <Button type="button" variant="ghost" size="sm" onClick={onRemove}>
          <Trash2 aria-hidden /> {removeLabel}
        </Button>
      </div>
    </fieldset>
  );
}

function AddButton(props: React.ComponentProps<typeof Button>) {
  return (
    <div>
      <Button type="button" variant="secondary" size="sm" {...props}>
        <Plus aria-hidden /> {props.children}
      </Button>
    </div>
  );
}

/** A list of URLs at `path`; the inputs are numbered so each has its own label. */
function UrlList({
  path,
  label,
  addLabel,
  min,
  count,
}: {
  path: string;
  label: string;
  addLabel: string;
  min: number;
  count: number;
}) {
  const { update } = useWizard();
  const urls = (form: OnboardingForm) => (getIn(form, path) as string[] | undefined) ?? [];
  return (
    <div className="grid gap-2">
      {Array.from({ length: count }, (_, j) => (
        <div key={j} className="flex items-end gap-2">
          <PathInput
            path={`${path}[${j}]`}
            label={`${label} ${j + 1}`}
            type="url"
            placeholder="https://"
            autoComplete="off"
            spellCheck={false}
            className="flex-1"
          />
          {count > min && (
            <Button
              type="button"
              variant="ghost"
              size="icon"
              aria-label={`Remove ${label.toLowerCase()} ${j + 1}`}
              onClick={() =>
                update(
                  (f) =>
                    setIn(
                      f,
                      path,
                      urls(f).filter((_, k) => k !== j),
                    ),
                  path,
                )
              }
            >
              <Trash2 aria-hidden />
            </Button>
          )}
        </div>
      ))}
      <PathErrors path={path} />
      <div>
        <Button
          type="button"
          variant="ghost"
          size="sm"
          onClick={() => update((f) => setIn(f, path, [...urls(f), '']), path)}
        >
          <Plus aria-hidden /> {addLabel}
        </Button>
      </div>
    </div>
  );
}
