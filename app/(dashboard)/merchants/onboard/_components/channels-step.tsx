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

type KindSpec = {
  kind: ChannelKind;
  title: string;
  description: string;
  /** "Website", "Physical store": numbered in legends and remove buttons. */
  noun: string;
  /** Number the only one too (stores and apps are numbered even alone). */
  numberAlone: boolean;
  name: { label: string; optional?: boolean; hint?: string };
  /** The kind's own fields between the name and the collection reference. */
  fields: (path: string) => React.ReactNode;
  empty: () => unknown;
  max?: { count: number; title: string };
};

const kinds: KindSpec[] = [
  {
    kind: 'websites',
    title: 'Website',
    description: `At most ${MAX_WEBSITE_CHANNELS} per account (Klarna’s limit): a business with more websites gets one account per website.`,
    noun: 'Website',
    numberAlone: false,
    name: { label: 'Website name', optional: true },
    fields: (path) => <UrlList path={`${path}.urls`} label="Website URL" addLabel="Add URL" min={1} />,
    empty: emptyWebsite,
    max: { count: MAX_WEBSITE_CHANNELS, title: 'An account can have only one website' },
  },
  {
    kind: 'physical-stores',
    title: 'Physical stores',
    description: 'Shops where customers pay in person.',
    noun: 'Physical store',
    numberAlone: true,
    name: { label: 'Store name', hint: 'e.g. Ivette Croissanterie Joliette' },
    fields: (path) => <OptionalAddress path={`${path}.address`} label="Add the store’s address" />,
    empty: emptyStore,
  },
  {
    kind: 'mobile-apps',
    title: 'Mobile apps',
    description: 'Apps in which customers pay.',
    noun: 'Mobile app',
    numberAlone: true,
    name: { label: 'App name' },
    fields: (path) => (
      <UrlList path={`${path}.app_store_urls`} label="App store link" addLabel="Add app store link" min={0} />
    ),
    empty: emptyApp,
  },
];

/** Step 4: where the merchant sells (seed, "Channel types and management"); at least one channel. */
export function ChannelsStep() {
  return (
    <div className="grid gap-6">
      <p className="text-sm text-muted-foreground">
        Add every place the merchant takes Klarna payments: at least one website, physical store or mobile app.
      </p>
      <PathErrors path="channel" />
      {kinds.map((spec) => (
        <KindSection key={spec.kind} spec={spec} />
      ))}
    </div>
  );
}

/** One kind's channels, each in its fieldset (name, the kind's fields, collection reference), and its add button. */
function KindSection({ spec }: { spec: KindSpec }) {
  const { form, update } = useWizard();
  const items = form.channel[spec.kind];
  const path = `channel.${spec.kind}`;
  // Removing a channel renumbers the ones after it, so every channel error is dropped with it.
  const setItems = (next: (items: unknown[]) => unknown[]) =>
    update((f) => setIn(f, path, next(f.channel[spec.kind])), 'channel');
  const numbered = spec.numberAlone || items.length > 1;
  const full = spec.max !== undefined && items.length >= spec.max.count;
  return (
    <section className="grid gap-3" aria-label={spec.title}>
      <div>
        <h3 className="text-sm font-semibold">{spec.title}</h3>
        <p className="text-xs text-muted-foreground">{spec.description}</p>
      </div>
      <PathErrors path={path} />
      {items.map((_, i) => {
        const label = numbered ? `${spec.noun} ${i + 1}` : spec.noun;
        return (
          <fieldset key={i} className="grid gap-4 rounded-md border p-4">
            <legend className="px-1 text-sm font-medium">{label}</legend>
            <PathInput
              path={`${path}[${i}].name`}
              label={spec.name.label}
              optional={spec.name.optional}
              hint={spec.name.hint}
              autoComplete="off"
            />
            {spec.fields(`${path}[${i}]`)}
            <PathInput
              path={`${path}[${i}].collection_reference`}
              label="Channel collection reference"
              optional
              hint={COLLECTION_HINT}
              autoComplete="off"
              spellCheck={false}
            />
            <div>
              <Button
                type="button"
                variant="ghost"
                size="sm"
                onClick={() => setItems((list) => list.filter((_, j) => j !== i))}
              >
                <Trash2 aria-hidden /> Remove {label.charAt(0).toLowerCase() + label.slice(1)}
              </Button>
            </div>
          </fieldset>
        );
      })}
      <div>
        <Button
          type="button"
          variant="secondary"
          size="sm"
          onClick={() => setItems((list) => [...list, spec.empty()])}
          disabled={full}
          title={full ? spec.max?.title : undefined}
        >
          <Plus aria-hidden /> Add {spec.noun.toLowerCase()}
        </Button>
      </div>
    </section>
  );
}

/** A list of URLs at `path`; the inputs are numbered so each has its own label. */
function UrlList({ path, label, addLabel, min }: { path: string; label: string; addLabel: string; min: number }) {
  const { form, update } = useWizard();
  const urls = (f: OnboardingForm) => (getIn(f, path) as string[] | undefined) ?? [];
  const count = urls(form).length;
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
