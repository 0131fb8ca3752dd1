'use client';

import { DetailList } from '@/components/ui/detail-list';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/input';
import { useWizard, type OnboardingOptions } from './wizard-context';

const PATH = 'settlement_configuration_id';

export function payoutSchedule(config: OnboardingOptions['settlementConfigurations'][number]): string {
  const frequency = config.payoutFrequency.charAt(0) + config.payoutFrequency.slice(1).toLowerCase();
  return `${frequency}, ${config.payoutDelayDays} day${config.payoutDelayDays === 1 ? '' : 's'} after capture`;
}

/** Step 5: which of the partner's settlement configurations pays this merchant out (seed, "Settlement configuration"). */
export function SettlementStep() {
  const { form, errors, options, set } = useWizard();
  const chosen = options.settlementConfigurations.find((c) => c.id === form.settlement_configuration_id);
  const unknown = form.settlement_configuration_id !== '' && !chosen;
  return (
    <div className="grid gap-5">
      <Field
        label="Settlement configuration"
        hint="Only partners that settle differently per entity or region choose one; otherwise Klarna uses this partner’s default."
        errors={errors[PATH]}
      >
        {(c) => (
          <Select
            {...c}
            name={PATH}
            value={form.settlement_configuration_id}
            onChange={(e) => set(PATH, e.target.value)}
          >
            <option value="">None – Klarna&apos;s default for this partner</option>
            {options.settlementConfigurations.map((config) => (
              <option key={config.id} value={config.id}>
                {config.name}
              </option>
            ))}
            {unknown && (
              <option value={form.settlement_configuration_id}>
                {form.settlement_configuration_id} (not offered by Klarna any more)
              </option>
            )}
          </Select>
        )}
      </Field>
      {chosen ? (
        <section aria-label="Chosen settlement configuration" className="rounded-md border p-4">
          <DetailList
            items={[
              ['Payout schedule', payoutSchedule(chosen)],
              ['Settling entity', chosen.settlingEntity],
              ['Bank account', chosen.bankAccount],
              ['Currencies', chosen.currencies.join(', ')],
              [
                'Id',
                <code key="id" className="font-mono text-xs">
                  {chosen.id}
                </code>,
              ],
            ]}
          />
        </section>
      ) : (
        <p className="text-sm text-muted-foreground">
          {unknown
            ? 'Klarna no longer lists this configuration; choose another or none.'
            : 'Nothing is sent: Klarna settles this merchant with the default configuration it assigned to this partner.'}
        </p>
      )}
    </div>
  );
}
