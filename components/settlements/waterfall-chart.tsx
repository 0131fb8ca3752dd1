'use client';

import { useSyncExternalStore } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  Rectangle,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { Table, Td, Th } from '@/components/ui/table';
import { formatMinorUnits } from '@/lib/ui/money';
import { waterfallSteps, type PayoutTotals, type WaterfallStep } from './waterfall';

const fills: Record<WaterfallStep['kind'], string> = {
  total: 'var(--primary)',
  increase: 'var(--success)',
  decrease: 'var(--danger)',
};

/** Signed for movements (`−1,200.00 EUR`), plain for totals. */
function stepText(step: WaterfallStep, currency: string): string {
  if (step.kind === 'total') return formatMinorUnits(step.amount, currency);
  return `${step.amount < 0 ? '−' : '+'}${formatMinorUnits(Math.abs(step.amount), currency)}`;
}

/** Axis ticks without the currency code (the axis is labelled with it). */
const tick = (value: number, currency: string) => formatMinorUnits(value, currency).replace(` ${currency}`, '');

/**
 * The payout from gross sales through refunds, fees, VAT, discounts, penalties and disputes to
 * the net paid out, as floating bars. The chart is one image to assistive technology, named
 * with the whole sum; the table under it carries the same figures for everyone.
 */
/** Short names under the bars (the table beside the chart has the full ones). */
const axisLabels: Record<string, string> = { 'Gross sales': 'Gross', 'VAT on fees': 'VAT', 'Net payout': 'Net' };

const NARROW = '(max-width: 639px)';
const subscribeNarrow = (change: () => void) => {
  const query = window.matchMedia(NARROW);
  query.addEventListener('change', change);
  return () => query.removeEventListener('change', change);
};

/** A phone's width: the amounts over the bars would run into each other, so the table alone carries them. */
function useNarrow(): boolean {
  return useSyncExternalStore(
    subscribeNarrow,
    () => window.matchMedia(NARROW).matches,
    () => false,
  );
}

export function WaterfallChart({ totals, currency }: { totals: PayoutTotals; currency: string }) {
  const narrow = useNarrow();
  const steps = waterfallSteps(totals);
  const data = steps.map((s) => ({
    ...s,
    range: [Math.min(s.from, s.to), Math.max(s.from, s.to)] as [number, number],
    text: stepText(s, currency),
  }));
  const summary = `Waterfall from gross sales to net payout: ${steps.map((s) => `${s.label} ${stepText(s, currency)}`).join(', ')}.`;

  return (
    <figure className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_22rem]">
      <div role="img" aria-label={summary} className="h-72 w-full min-w-0" data-testid="payout-waterfall">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart
            data={data}
            margin={{ top: narrow ? 8 : 24, right: 8, bottom: 8, left: narrow ? 0 : 8 }}
            accessibilityLayer={false}
          >
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--border)" />
            <XAxis
              dataKey="label"
              tick={{ fontSize: 11, fill: 'var(--muted-foreground)' }}
              tickFormatter={(label: string) => axisLabels[label] ?? label}
              interval={0}
              tickLine={false}
              {...(narrow ? { angle: -45, textAnchor: 'end', height: 56 } : {})}
            />
            <YAxis
              tickFormatter={(v: number) => tick(v, currency)}
              tick={{ fontSize: narrow ? 11 : 12, fill: 'var(--muted-foreground)' }}
              width={narrow ? 60 : 84}
              allowDecimals={false}
            />
            <ReferenceLine y={0} stroke="var(--muted-foreground)" />
            <Tooltip
              cursor={{ fill: 'var(--muted)' }}
              content={({ active, payload }) => {
                const step = active ? (payload?.[0]?.payload as (typeof data)[number] | undefined) : undefined;
                if (!step) return null;
                return (
                  <div className="rounded-md border bg-card px-3 py-2 text-xs shadow-sm">
                    <p className="font-medium">{step.label}</p>
                    <p className="tabular-nums">{step.text}</p>
                  </div>
                );
              }}
            />
            <Bar
              dataKey="range"
              isAnimationActive={false}
              shape={(props: { index: number } & React.ComponentProps<typeof Rectangle>) => (
                <Rectangle {...props} fill={fills[data[props.index]?.kind ?? 'total']} />
              )}
            >
              {!narrow && (
                <LabelList dataKey="text" position="top" style={{ fontSize: 11, fill: 'var(--foreground)' }} />
              )}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="min-w-0">
        <Table caption="Payout waterfall figures">
          <thead>
            <tr>
              <Th className="px-2">Step</Th>
              <Th className="px-2 text-right">Amount</Th>
              <Th className="px-2 text-right">Running total</Th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => (
              <tr key={s.key}>
                <Td className="px-2">{s.label}</Td>
                <Td className="whitespace-nowrap px-2 text-right tabular-nums">{stepText(s, currency)}</Td>
                <Td className="whitespace-nowrap px-2 text-right tabular-nums">{formatMinorUnits(s.to, currency)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </figcaption>
    </figure>
  );
}
