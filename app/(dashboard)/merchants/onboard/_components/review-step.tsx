'use client';

import { useId } from 'react';
import { DetailList } from '@/components/ui/detail-list';
import { mccLabel } from '@/lib/klarna/mcc';
import {
  isBusinessInformationFilled,
  onboardingSteps,
  stepOfField,
  type FieldErrors,
} from '@/lib/merchants/onboarding-form';
import { entityTypeLabel } from './account-steps';
import { useWizard } from './wizard-context';

/** Step 6: a summary, what still needs fixing, and the exact body sent to Klarna. */
export function ReviewStep({
  request,
  problems,
  onGoTo,
}: {
  request: Record<string, unknown>;
  problems: FieldErrors;
  onGoTo: (step: number) => void;
}) {
  const { form, options } = useWizard();
  const captionId = useId();
  const b = form.business_information;
  const o = form.account_owner;
  const product = form.products[0];
  const profile = options.distributionProfiles.find((p) => p.id === product.distribution_profile_id);
  const settlement = options.settlementConfigurations.find((c) => c.id === form.settlement_configuration_id);
  const { websites, 'physical-stores': stores, 'mobile-apps': apps } = form.channel;
  const channels = [
    ...websites.map((w) => `Website ${w.name.trim() || w.urls[0]?.trim() || ''}`.trim()),
    ...stores.map((s) => `Physical store ${s.name.trim()}`.trim()),
    ...apps.map((a) => `Mobile app ${a.name.trim()}`.trim()),
  ];
  const problemSteps = [...new Set(Object.keys(problems).map(stepOfField))].sort((x, y) => x - y);

  return (
    <div className="grid gap-5">
      {problemSteps.length > 0 && (
        <div role="alert" className="grid gap-2 rounded-md border border-danger/40 bg-danger/10 px-3 py-2.5 text-sm">
          <p className="font-medium text-danger">Some details need fixing before Klarna can be asked:</p>
          <ul className="grid gap-1">
            {problemSteps.map((step) => (
              <li key={step}>
                <button type="button" className="underline underline-offset-4" onClick={() => onGoTo(step)}>
                  {onboardingSteps[step]!.title}
                </button>
                <span className="text-muted-foreground">
                  {' '}
                  – {Object.entries(problems).filter(([p]) => stepOfField(p) === step).length} to fix
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <section aria-label="Summary" className="rounded-md border p-4">
        <DetailList
          items={[
            ['Account', `${form.account_name.trim() || '–'} (reference ${form.account_reference.trim() || '–'})`],
            [
              'Owner',
              [`${o.given_name} ${o.family_name}`, o.email, o.phone]
                .map((v) => v.trim())
                .filter(Boolean)
                .join(' · ') || '–',
            ],
            [
              'Business',
              isBusinessInformationFilled(b)
                ? `${b.business_name || '–'}${b.business_entity_type ? ` (${entityTypeLabel(b.business_entity_type)})` : ''}`
                : 'Not sent',
            ],
            ['Payment product', product.merchant_category_code ? mccLabel(product.merchant_category_code) : '–'],
            ['Distribution profile', profile?.name ?? (product.distribution_profile_id || 'Klarna’s default')],
            ['Channels', channels.length ? channels.join(' · ') : '–'],
            [
              'Settlement',
              settlement?.name ?? (form.settlement_configuration_id || 'Klarna’s default for this partner'),
            ],
          ]}
        />
      </section>
      <figure className="grid gap-2" aria-labelledby={captionId}>
        <figcaption id={captionId} className="text-sm font-medium">
          Request body{' '}
          <span className="font-normal text-muted-foreground">– sent as is to POST /v1/accounts/onboard</span>
        </figcaption>
        <pre
          className="max-h-[28rem] overflow-auto rounded-md border bg-muted p-3 font-mono text-xs leading-relaxed"
          tabIndex={0}
        >
          {JSON.stringify(request, null, 2)}
        </pre>
      </figure>
    </div>
  );
}
