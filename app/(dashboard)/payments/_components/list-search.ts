import { z } from 'zod';
import { paymentFilterSchema, type paymentSorts, type PaymentFilter } from '@/lib/payments/cache';
import { parseMajorAmount } from '@/lib/ui/money';
import { firstValues } from '@/lib/ui/search-params';

/**
 * The payments list's URL (shared by the page and the CSV export, so an export holds exactly
 * the rows the page shows): what the filter form sends, amounts as typed in major units. A
 * value that cannot be read is dropped and named, never a failed page.
 */
export const paymentSearchSchema = z.object({
  account: z.string().optional(),
  state: z.string().optional(),
  currency: z.string().optional(),
  min: z.string().optional(),
  max: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  q: z.string().optional(),
  sort: z.string().optional(),
  cursor: z.string().optional(),
});
export type PaymentSearch = z.infer<typeof paymentSearchSchema>;
export type PaymentSort = (typeof paymentSorts)[number];

export const filterLabels: Record<Exclude<keyof PaymentSearch, 'cursor'>, string> = {
  account: 'Merchant',
  state: 'State',
  currency: 'Currency',
  min: 'Authorized from',
  max: 'Authorized to',
  from: 'Created from',
  to: 'Created to',
  q: 'Reference',
  sort: 'Sort',
};

type Invalid = { field: keyof PaymentSearch; message: string };
type ListFilter = Omit<PaymentFilter, 'limit' | 'cursor' | 'min' | 'max'> & {
  sort: PaymentSort;
  cursor?: string;
  min?: number;
  max?: number;
};

const isCalendarDay = (value: string) => {
  const at = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(value);
};

export function parsePaymentSearch(params: Record<string, string | string[] | undefined>): {
  raw: PaymentSearch;
  filter: ListFilter;
  invalid: Invalid[];
  filtered: boolean;
} {
  const raw = paymentSearchSchema.parse(firstValues(params));
  if (raw.currency) raw.currency = raw.currency.toUpperCase();
  const invalid: Invalid[] = [];
  const filter: ListFilter = { sort: 'created_desc' };
  const field = <K extends 'account' | 'state' | 'currency' | 'q' | 'sort' | 'from' | 'to'>(key: K) => {
    const value = raw[key];
    if (value === undefined) return;
    const parsed = paymentFilterSchema.shape[key].safeParse(value);
    if (!parsed.success || ((key === 'from' || key === 'to') && !isCalendarDay(value))) {
      invalid.push({
        field: key,
        message: parsed.success ? 'not a calendar day' : (parsed.error.issues[0]?.message ?? 'invalid'),
      });
    } else {
      (filter as Record<string, unknown>)[key] = parsed.data;
    }
  };
  for (const key of ['account', 'state', 'currency', 'q', 'sort', 'from', 'to'] as const) field(key);
  if (filter.from && filter.to && filter.from > filter.to) {
    invalid.push({ field: 'to', message: 'before the start day' });
    delete filter.to;
  }
  // Typed in the chosen currency's units; with no currency chosen, read with two decimals.
  for (const key of ['min', 'max'] as const) {
    if (raw[key] === undefined) continue;
    const parsed = parseMajorAmount(raw[key], filter.currency);
    if (parsed.ok) filter[key] = parsed.minor;
    else invalid.push({ field: key, message: parsed.message });
  }
  if (filter.min !== undefined && filter.max !== undefined && filter.min > filter.max) {
    invalid.push({ field: 'max', message: 'below the lower bound' });
    delete filter.max;
  }
  if (raw.cursor) filter.cursor = raw.cursor.slice(0, 500);
  const filtered = (['account', 'state', 'currency', 'min', 'max', 'from', 'to', 'q'] as const).some(
    (k) => raw[k] !== undefined,
  );
  return { raw, filter, invalid, filtered };
}

/** The URL's filters without the page cursor, for sort links, the pager and the export. */
export function filtersOf(raw: PaymentSearch): Record<string, string | undefined> {
  const { cursor: _cursor, ...rest } = raw;
  return rest;
}
