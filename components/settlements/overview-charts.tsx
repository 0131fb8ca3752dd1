'use client';

import Link from 'next/link';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { currencyExponent, formatMinorUnits } from '@/lib/ui/money';
import type { FeeShareRow, MatchRatePoint, PayoutPoint } from '@/lib/settlements/queries';
import { formatPercent, matchPercent } from './match-rate';

// Distinguishable in light and dark themes; a currency keeps its colour by its position.
const palette = ['#2563eb', '#db2777', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#dc2626', '#65a30d', '#6b7280'];
const axis = { fontSize: 12, fill: 'var(--muted-foreground)' };

// The text alternative of each chart is a plain table for screen readers (no scroll wrapper: it is not seen).

/** Minor units as a plotted number in major units (display only: never used for sums). */
const major = (minor: number, currency: string) => minor / 10 ** currencyExponent(currency);
const compact = new Intl.NumberFormat('en-GB', { notation: 'compact', maximumFractionDigits: 1 });

function Empty({ children }: { children: React.ReactNode }) {
  return (
    <div className="grid place-items-center gap-2 px-5 py-10 text-center text-sm text-muted-foreground">
      <p>No settlements imported yet.</p>
      <p className="max-w-sm">{children}</p>
      <Link className="font-medium text-foreground underline underline-offset-4" href="/settlements">
        Bring in a settlement report
      </Link>
    </div>
  );
}

/**
 * A chart in a card: the empty state until there is data, then the chart (an image with a
 * summary as its label) and the same figures as a table for screen readers.
 */
function ChartCard(props: {
  title: string;
  description: string;
  empty: string;
  /** The chart's summary, for its image label; null: nothing to show yet. */
  summary: string | null;
  className?: string;
  style?: React.CSSProperties;
  chart: React.ReactElement;
  table: { caption: string; columns: string[]; rows: { key: string; cells: React.ReactNode[] }[] };
}) {
  return (
    <Card>
      <CardHeader title={props.title} description={props.description} />
      {props.summary === null ? (
        <Empty>{props.empty}</Empty>
      ) : (
        <CardBody className="grid gap-2">
          <div role="img" aria-label={props.summary} className={props.className ?? 'w-full'} style={props.style}>
            <ResponsiveContainer width="100%" height="100%">
              {props.chart}
            </ResponsiveContainer>
          </div>
          <div className="sr-only">
            <table>
              <caption>{props.table.caption}</caption>
              <thead>
                <tr>
                  {props.table.columns.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {props.table.rows.map((r) => (
                  <tr key={r.key}>
                    {r.cells.map((cell, i) => (
                      <td key={i}>{cell}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </CardBody>
      )}
    </Card>
  );
}

/** A tooltip's box: a title line, then its figures. */
function TooltipBox({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="rounded-md border bg-card px-3 py-2 text-xs shadow-sm">
      <p className="font-medium">{title}</p>
      {children}
    </div>
  );
}

/** Basis points of fees over captured volume, for plotting and text (display only). */
const shareOf = (r: FeeShareRow) => (r.captured > 0 ? Math.round((r.fees * 10_000) / r.captured) / 100 : 0);
// Without a cached merchant name, the account id's last part (the full id is in the table).
const merchantLabel = (r: FeeShareRow) =>
  `${r.merchantName ?? `Account …${r.accountId.split(':').pop()!.slice(-12)}`} (${r.currency})`;

/** Net paid out per period end, one line per currency (in its major units). */
export function PayoutsChart({ points }: { points: PayoutPoint[] }) {
  const currencies = [...new Set(points.map((p) => p.currency))].sort();
  const days = [...new Set(points.map((p) => p.day))].sort();
  const data = days.map((day) => ({
    day,
    ...Object.fromEntries(points.filter((p) => p.day === day).map((p) => [p.currency, major(p.net, p.currency)])),
  }));
  const exact = new Map(points.map((p) => [`${p.day}|${p.currency}`, p]));
  return (
    <ChartCard
      title="Payouts over time"
      description="Net paid out per settlement period end (UTC), by currency."
      empty="Each payout Klarna settles appears here by its period end, one line per currency."
      summary={
        points.length === 0
          ? null
          : `Net payouts by currency: ${currencies.map((c) => `${c} ${points.filter((p) => p.currency === c).length} periods, latest ${formatMinorUnits(points.filter((p) => p.currency === c).at(-1)!.net, c)}`).join('; ')}.`
      }
      className="h-64 w-full"
      chart={
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis dataKey="day" tick={axis} />
          <YAxis tick={axis} tickFormatter={(v: number) => compact.format(v)} width={56} />
          <Tooltip
            content={({ active, label }) => {
              if (!active || typeof label !== 'string') return null;
              return (
                <TooltipBox title={label}>
                  {currencies.map((c) => {
                    const p = exact.get(`${label}|${c}`);
                    return p ? (
                      <p key={c} className="tabular-nums">
                        {formatMinorUnits(p.net, c)} ({p.payouts} {p.payouts === 1 ? 'payout' : 'payouts'})
                      </p>
                    ) : null;
                  })}
                </TooltipBox>
              );
            }}
          />
          <Legend />
          {currencies.map((c, i) => (
            <Line
              key={c}
              type="monotone"
              dataKey={c}
              name={c}
              stroke={palette[i % palette.length]}
              strokeWidth={2}
              dot={{ r: 3 }}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      }
      table={{
        caption: 'Net payouts per period end and currency',
        columns: ['Period end (UTC)', 'Currency', 'Net'],
        rows: points.map((p) => ({
          key: `${p.day}|${p.currency}`,
          cells: [p.day, p.currency, formatMinorUnits(p.net, p.currency)],
        })),
      }}
    />
  );
}

/** What Klarna's fees (with VAT) take of each merchant's captured volume, per currency. */
export function FeeShareChart({ rows }: { rows: FeeShareRow[] }) {
  const data = rows.map((r) => ({ label: merchantLabel(r), share: shareOf(r), row: r }));
  return (
    <ChartCard
      title="Fees as a share of captured volume"
      description="Fees and VAT on them over captured (SALE) amounts, per merchant, in recent payouts."
      empty="Once a report is in, each merchant's fees are compared to what was captured for it."
      summary={
        rows.length === 0
          ? null
          : `Fee share per merchant: ${data.map((d) => `${d.label} ${d.share.toFixed(2)} %`).join('; ')}.`
      }
      style={{ height: Math.max(160, data.length * 36 + 40) }}
      chart={
        <BarChart
          data={data}
          layout="vertical"
          margin={{ top: 0, right: 48, bottom: 0, left: 8 }}
          accessibilityLayer={false}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" horizontal={false} />
          <XAxis type="number" tick={axis} tickFormatter={(v: number) => `${v} %`} />
          <YAxis type="category" dataKey="label" tick={axis} width={160} />
          <Tooltip
            cursor={{ fill: 'var(--muted)' }}
            content={({ active, payload }) => {
              const d = active ? (payload?.[0]?.payload as (typeof data)[number] | undefined) : undefined;
              if (!d) return null;
              return (
                <TooltipBox title={d.label}>
                  <p className="tabular-nums">
                    {formatMinorUnits(d.row.fees, d.row.currency)} of {formatMinorUnits(d.row.captured, d.row.currency)}{' '}
                    ({d.share.toFixed(2)} %)
                  </p>
                </TooltipBox>
              );
            }}
          />
          <Bar
            dataKey="share"
            name="Fee share"
            fill={palette[0]}
            isAnimationActive={false}
            label={{
              position: 'right',
              fontSize: 11,
              fill: 'var(--foreground)',
              formatter: (v: unknown) => `${Number(v).toFixed(2)} %`,
            }}
          />
        </BarChart>
      }
      table={{
        caption: 'Fees as a share of captured volume per merchant',
        columns: ['Merchant', 'Account', 'Fees and VAT', 'Captured', 'Share'],
        rows: data.map((d) => ({
          key: `${d.row.accountId}|${d.row.currency}`,
          cells: [
            d.label,
            d.row.accountId,
            formatMinorUnits(d.row.fees, d.row.currency),
            formatMinorUnits(d.row.captured, d.row.currency),
            `${d.share.toFixed(2)} %`,
          ],
        })),
      }}
    />
  );
}

/** Lines matched (or relayed 1:1) out of all lines, per period end. */
export function MatchRateChart({ points }: { points: MatchRatePoint[] }) {
  const data = points.map((p) => ({ ...p, rate: matchPercent(p.matched, p.lines) ?? 0 }));
  const latest = data.at(-1);
  return (
    <ChartCard
      title="Reconciliation match rate"
      description="Settlement lines that match our captures and refunds, per period end (UTC)."
      empty="Every line of a report gets a verdict; the share that matches is tracked here."
      summary={
        latest
          ? `Match rate over ${data.length} period ends; latest ${latest.day}: ${formatPercent(latest.rate)} with ${latest.open} items to review.`
          : null
      }
      className="h-56 w-full"
      chart={
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis dataKey="day" tick={axis} />
          <YAxis domain={[0, 100]} tick={axis} tickFormatter={(v: number) => `${v} %`} width={60} />
          <Tooltip
            content={({ active, payload }) => {
              const d = active ? (payload?.[0]?.payload as (typeof data)[number] | undefined) : undefined;
              if (!d) return null;
              return (
                <TooltipBox title={d.day}>
                  <p className="tabular-nums">
                    {formatPercent(d.rate)}: {d.matched.toLocaleString('en-GB')} of {d.lines.toLocaleString('en-GB')}{' '}
                    lines; {d.open.toLocaleString('en-GB')} to review
                  </p>
                </TooltipBox>
              );
            }}
          />
          <Line
            type="monotone"
            dataKey="rate"
            name="Match rate"
            stroke={palette[2]}
            strokeWidth={2}
            dot={{ r: 3 }}
            isAnimationActive={false}
          />
        </LineChart>
      }
      table={{
        caption: 'Match rate per period end',
        columns: ['Period end (UTC)', 'Match rate', 'Lines', 'To review'],
        rows: data.map((d) => ({ key: d.day, cells: [d.day, formatPercent(d.rate), d.lines, d.open] })),
      }}
    />
  );
}
