import { MerchantCombobox, type MerchantChoice } from '@/components/forms/merchant-combobox';
import { Field } from '@/components/ui/field';
import { ChoiceFilter, DateRangeFilter, FilterForm, TextFilter } from '@/components/lists/filter-form';
import { Input } from '@/components/ui/input';
import { paymentStateOptions } from './payment-state-badge';
import type { PaymentSearch } from './list-search';

/** Klarna's settlement currencies, offered in the currency filter (a code in the URL not listed here is kept). */
const currencies = [
  'AUD',
  'CAD',
  'CHF',
  'CZK',
  'DKK',
  'EUR',
  'GBP',
  'HUF',
  'MXN',
  'NOK',
  'NZD',
  'PLN',
  'RON',
  'SEK',
  'USD',
];

/** The list's filters as a GET form: they live in the URL, so a filtered list can be shared and reloaded. */
export function PaymentFilters({
  raw,
  merchant,
}: {
  raw: PaymentSearch;
  /** The merchant the URL filters on (its name looked up), or null. */
  merchant: MerchantChoice | null;
}) {
  return (
    <FilterForm
      label="Filter payments"
      clearHref="/payments"
      grid="items-start sm:grid-cols-2 lg:grid-cols-4"
      actionsClassName="sm:col-span-2 lg:col-span-4"
    >
      <TextFilter
        label="Reference"
        name="q"
        type="search"
        value={raw.q}
        hint="Merchant or payment reference (its start), or a transaction id"
      />
      <Field label="Merchant" hint="Type the start of its name">
        {(c) => <MerchantCombobox {...c} name="account" selected={merchant} anyLabel="Any merchant" />}
      </Field>
      <ChoiceFilter label="State" name="state" value={raw.state} any="Any state" choices={paymentStateOptions} />
      <ChoiceFilter label="Currency" name="currency" value={raw.currency} any="Any currency" choices={currencies} />
      <Field
        label="Authorized from"
        hint="In the chosen currency, e.g. 10.50. With no currency chosen, amounts of every currency are read with two decimals."
      >
        {(c) => <Input {...c} name="min" inputMode="decimal" autoComplete="off" defaultValue={raw.min ?? ''} />}
      </Field>
      <Field label="Authorized to" hint="Inclusive, e.g. 250 or 1,000.00">
        {(c) => <Input {...c} name="max" inputMode="decimal" autoComplete="off" defaultValue={raw.max ?? ''} />}
      </Field>
      <DateRangeFilter
        from={raw.from}
        to={raw.to}
        fromLabel="Created from (UTC)"
        toLabel="Created to (UTC)"
        toHint="Inclusive"
      />
      {raw.sort && <input type="hidden" name="sort" value={raw.sort} />}
    </FilterForm>
  );
}
