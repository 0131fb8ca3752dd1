'use client';

import { useId, useMemo, useRef, useState } from 'react';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { mccLabel, merchantCategoryCodes } from '@/lib/klarna/mcc';
import { useWizard } from './wizard-context';

const MCC_PATH = 'products[0].merchant_category_code';
const PROFILE_PATH = 'products[0].distribution_profile_id';
const allCodes = Object.entries(merchantCategoryCodes) as [string, string][];

/** Codes whose number starts with, or whose name contains every word of, the filter. */
function matching(filter: string): [string, string][] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return allCodes;
  return allCodes.filter(([code, name]) => words.every((w) => code.startsWith(w) || name.toLowerCase().includes(w)));
}

/** Step 3: the payment product (seed: one PAYMENT product per account, priced by its MCC). */
export function ProductStep() {
  const { form, errors, options, set } = useWizard();
  const [filter, setFilter] = useState('');
  const list = useRef<HTMLSelectElement>(null);
  const countId = useId();
  const mcc = form.products[0].merchant_category_code;
  const profile = form.products[0].distribution_profile_id;
  const matches = useMemo(() => matching(filter), [filter]);
  // The chosen code stays in the list whatever the filter, so the list always shows the choice.
  const shown =
    mcc && !matches.some(([code]) => code === mcc)
      ? [
          [mcc, merchantCategoryCodes[mcc as keyof typeof merchantCategoryCodes] ?? 'not in the list'] as [
            string,
            string,
          ],
          ...matches,
        ]
      : matches;
  const plans = mcc ? options.pricePlans.filter((p) => p.merchantCategoryCodes.includes(mcc)) : [];
  const knownProfile = !profile || options.distributionProfiles.some((p) => p.id === profile);

  return (
    <div className="grid gap-5">
      <div className="grid gap-3 rounded-md border p-4">
        <Field
          label="Find a merchant category code"
          hint="Type a code or words of its name. ↓ moves into the list; Enter picks the first match."
        >
          {(c) => (
            <Input
              {...c}
              type="search"
              value={filter}
              aria-describedby={[c['aria-describedby'], countId].filter(Boolean).join(' ')}
              onChange={(e) => setFilter(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown') {
                  e.preventDefault();
                  list.current?.focus();
                } else if (e.key === 'Enter') {
                  e.preventDefault();
                  const first = matches[0];
                  if (first) set(MCC_PATH, first[0]);
                }
              }}
            />
          )}
        </Field>
        <p id={countId} className="text-xs text-muted-foreground" aria-live="polite">
          {matches.length === allCodes.length
            ? `${allCodes.length} codes`
            : `${matches.length} of ${allCodes.length} codes match`}
        </p>
        <Field label="Merchant category code" errors={errors[MCC_PATH]}>
          {(c) => (
            <Select
              ref={list}
              {...c}
              name={MCC_PATH}
              size={8}
              className="h-auto py-1"
              value={mcc}
              onChange={(e) => set(MCC_PATH, e.target.value)}
            >
              {shown.map(([code, name]) => (
                <option key={code} value={code} className="rounded px-1 py-0.5">
                  {code} – {name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <p className="text-sm" aria-live="polite">
          {mcc ? (
            <>
              Chosen: <strong>{mccLabel(mcc)}</strong>
              {plans.length > 0 && (
                <span className="text-muted-foreground"> · priced with {plans.map((p) => p.name).join(', ')}</span>
              )}
            </>
          ) : (
            <span className="text-muted-foreground">No code chosen yet.</span>
          )}
        </p>
      </div>
      <Field
        label="Distribution profile (optional)"
        hint="Which Klarna payment methods the merchant offers. None: Klarna's default for this partner."
        errors={errors[PROFILE_PATH]}
      >
        {(c) => (
          <Select {...c} name={PROFILE_PATH} value={profile} onChange={(e) => set(PROFILE_PATH, e.target.value)}>
            <option value="">None – Klarna&apos;s default for this partner</option>
            {options.distributionProfiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            {!knownProfile && <option value={profile}>{profile} (not offered by Klarna any more)</option>}
          </Select>
        )}
      </Field>
    </div>
  );
}
