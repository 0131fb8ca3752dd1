import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { paymentStateOptions } from './payment-state-badge';
import type { PaymentSearch } from './list-search';

/** Klarna's settlement currencies, offered in the currency filter (a code in the URL not listed here is kept). */
const currencies = ['AUD', 'CAD', 'CHF', 'CZK', 'DKK', 'EUR', 'GBP', 'HUF', 'MXN', 'NOK', 'NZD', 'PLN', 'RON', 'SEK', 'USD'];

/** The list's filters as a GET form: they live in the URL, so a filtered list can be shared and reloaded. */
export function PaymentFilters({ raw, merchants }: { raw: PaymentSearch; merchants: { accountId: string; accountName: string }[] }) {
  const merchantChoices = raw.account && !merchants.some((m) => m.accountId === raw.account) ? [...merchants, { accountId: raw.account, accountName: raw.account }] : merchants;
  const currencyChoices = raw.currency && !currencies.includes(raw.currency) ? [...currencies, raw.currency] : currencies;
  const stateChoices = raw.state && !paymentStateOptions.some((s) => s.value === raw.state) ? [...paymentStateOptions, { value: raw.state, label: raw.state }] : paymentStateOptions;
  return (
    <Card className="mb-4 p-4">
      <form className="grid items-start gap-3 sm:grid-cols-2 lg:grid-cols-4" method="get" aria-label="Filter payments">
        <Field label="Reference" hint="Merchant or payment reference (its start), or a transaction id">
          {(c) => <Input {...c} name="q" type="search" defaultValue={raw.q ?? ''} />}
        </Field>
        <Field label="Merchant">
          {(c) => (
            <Select {...c} name="account" defaultValue={raw.account ?? ''}>
              <option value="">Any merchant</option>
              {merchantChoices.map((m) => (
                <option key={m.accountId} value={m.accountId}>
                  {m.accountName}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="State">
          {(c) => (
            <Select {...c} name="state" defaultValue={raw.state ?? ''}>
              <option value="">Any state</option>
              {stateChoices.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Currency">
          {(c) => (
            <Select {...c} name="currency" defaultValue={raw.currency ?? ''}>
              <option value="">Any currency</option>
              {currencyChoices.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Authorized from" hint="In the chosen currency, e.g. 10.50. With no currency chosen, amounts of every currency are read with two decimals.">
          {(c) => <Input {...c} name="min" inputMode="decimal" autoComplete="off" defaultValue={raw.min ?? ''} />}
        </Field>
        <Field label="Authorized to" hint="Inclusive, e.g. 250 or 1,000.00">
          {(c) => <Input {...c} name="max" inputMode="decimal" autoComplete="off" defaultValue={raw.max ?? ''} />}
        </Field>
        <Field label="Created from (UTC)">{(c) => <Input {...c} type="date" name="from" defaultValue={raw.from ?? ''} />}</Field>
        <Field label="Created to (UTC)" hint="Inclusive">
          {(c) => <Input {...c} type="date" name="to" defaultValue={raw.to ?? ''} />}
        </Field>
        {raw.sort && <input type="hidden" name="sort" value={raw.sort} />}
        <div className="flex gap-2 sm:col-span-2 lg:col-span-4">
          <Button type="submit">Apply</Button>
          <Button asChild variant="ghost">
            <Link href="/payments">Clear</Link>
          </Button>
        </div>
      </form>
    </Card>
  );
}
