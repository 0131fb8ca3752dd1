import { z } from 'zod';
import { payoutFilterSchema, type PayoutFilter } from '@/lib/settlements/queries';
import { firstValues } from '@/lib/ui/search-params';

/**
 * The settlements page's URL: the open tab, the payout filters and each list's page cursor.
 * A value that cannot be read is dropped and named, never a failed page.
 */
export const settlementSearchSchema = z.object({
  tab: z.string().optional(),
  currency: z.string().optional(),
  status: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  cursor: z.string().optional(),
  icursor: z.string().optional(),
});
export type SettlementSearch = z.infer<typeof settlementSearchSchema>;

export const filterLabels = {
  currency: 'Currency',
  status: 'Status',
  from: 'Period end from',
  to: 'Period end to',
} as const;
type Field = keyof typeof filterLabels;
type Invalid = { field: Field; message: string };

const isCalendarDay = (value: string) => {
  const at = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(value);
};

export function parseSettlementSearch(params: Record<string, string | string[] | undefined>): {
  raw: SettlementSearch;
  filter: Omit<PayoutFilter, 'limit'>;
  invalid: Invalid[];
  filtered: boolean;
} {
  const raw = settlementSearchSchema.parse(firstValues(params));
  if (raw.currency) raw.currency = raw.currency.toUpperCase();
  const invalid: Invalid[] = [];
  const filter: Omit<PayoutFilter, 'limit'> = {};
  for (const key of ['currency', 'status', 'from', 'to'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    const parsed = payoutFilterSchema.shape[key].safeParse(value);
    if (!parsed.success || ((key === 'from' || key === 'to') && !isCalendarDay(value))) {
      invalid.push({
        field: key,
        message: parsed.success
          ? 'not a calendar day'
          : key === 'status'
            ? 'needs review or reconciled'
            : (parsed.error.issues[0]?.message ?? 'invalid'),
      });
    } else {
      (filter as Record<string, unknown>)[key] = parsed.data;
    }
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    invalid.push({ field: 'to', message: 'before the start day' });
    delete filter.to;
  }
  if (raw.cursor) filter.cursor = raw.cursor.slice(0, 500);
  const filtered = (['currency', 'status', 'from', 'to'] as const).some((k) => raw[k] !== undefined);
  return { raw, filter, invalid, filtered };
}
