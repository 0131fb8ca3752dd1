import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { FilterFormBody } from './filter-form-body';

/**
 * A list's filters as a GET form in a card: they live in the URL, so a filtered list can be
 * shared and reloaded. Apply submits; Clear goes back to `clearHref` without filters and empties every control.
 * `grid`: the form's column classes; `actionsClassName`: where the buttons sit in that grid.
 */
export function FilterForm({
  label,
  clearHref,
  grid = 'items-end sm:grid-cols-2 lg:grid-cols-4',
  className = 'mb-4 p-4',
  actionsClassName,
  children,
}: {
  label: string;
  clearHref: string;
  grid?: string;
  className?: string;
  actionsClassName?: string;
  children: React.ReactNode;
}) {
  return (
    <Card className={className}>
      <FilterFormBody label={label} clearHref={clearHref} grid={grid} actionsClassName={actionsClassName}>
        {children}
      </FilterFormBody>
    </Card>
  );
}

/** Says which filters of the URL were not valid and so were ignored (the list shows without them). */
export function IgnoredFilters({ names, className = 'mb-4' }: { names: readonly string[]; className?: string }) {
  if (!names.length) return null;
  return (
    <Alert tone="warning" className={className}>
      Some filters were not valid and were ignored: {names.join(', ')}.
    </Alert>
  );
}

type Choice = string | { value: string; label: string };

/**
 * One filter as a select: "Any …" first, then the choices. A value in the URL that is not
 * among them is kept as a choice, so the form shows what the address asks for.
 */
export function ChoiceFilter({
  label,
  name,
  value,
  any,
  choices,
}: {
  label: string;
  name: string;
  value: string | undefined;
  any: string;
  choices: readonly Choice[];
}) {
  const options = choices.map((c) => (typeof c === 'string' ? { value: c, label: c } : c));
  if (value && !options.some((o) => o.value === value)) options.push({ value, label: value });
  return (
    <Field label={label}>
      {(c) => (
        <Select {...c} name={name} defaultValue={value ?? ''}>
          <option value="">{any}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
}

/** A free-text filter: the URL's value as its default. */
export function TextFilter({
  label,
  name,
  value,
  hint,
  type = 'text',
  mono = false,
}: {
  label: string;
  name: string;
  value: string | undefined;
  hint?: React.ReactNode;
  type?: string;
  mono?: boolean;
}) {
  return (
    <Field label={label} hint={hint}>
      {(c) => (
        <Input {...c} name={name} type={type} defaultValue={value ?? ''} className={mono ? 'font-mono' : undefined} />
      )}
    </Field>
  );
}

/** `from` / `to` date filters (UTC days), labelled by what they bound. */
export function DateRangeFilter({
  from,
  to,
  fromLabel = 'From (UTC)',
  toLabel = 'To (UTC)',
  toHint,
}: {
  from: string | undefined;
  to: string | undefined;
  fromLabel?: string;
  toLabel?: string;
  toHint?: string;
}) {
  return (
    <>
      <Field label={fromLabel}>{(c) => <Input {...c} type="date" name="from" defaultValue={from ?? ''} />}</Field>
      <Field label={toLabel} hint={toHint}>
        {(c) => <Input {...c} type="date" name="to" defaultValue={to ?? ''} />}
      </Field>
    </>
  );
}
