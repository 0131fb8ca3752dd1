import type { Metadata } from 'next';
import Link from 'next/link';
import { ImportStatusBadge, PayoutStatusBadge } from '@/components/settlements/badges';
import { importStatusOf } from '@/components/settlements/import-status';
import { MatchRate } from '@/components/settlements/match-rate';
import { ParamPager } from '@/components/settlements/param-pager';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ChoiceFilter, DateRangeFilter, FilterForm, IgnoredFilters } from '@/components/lists/filter-form';
import { Table, Td, Th } from '@/components/ui/table';
import { UrlTabs } from '@/components/ui/url-tabs';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import {
  listActiveImports,
  listPayoutCurrencies,
  listSettlementImports,
  listSettlements,
  type ImportListRow,
  type PayoutListRow,
} from '@/lib/settlements/queries';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import { ImportCenter } from './_components/import-center';
import { filterLabels, parseSettlementSearch, type SettlementSearch } from './_components/search';

export const metadata: Metadata = { title: 'Settlements' };
export const dynamic = 'force-dynamic';

const day = (d: Date) => d.toISOString().slice(0, 10);
const payoutHref = (id: string) => `/settlements/${encodeURIComponent(id)}`;

export default async function SettlementsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('dashboard.read');
  const { db, actor } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const { raw, filter, invalid, filtered } = parseSettlementSearch(await searchParams);
  const canImport = can(actor.role, 'settlements.reconcile');
  const [payouts, imports, active, currencies] = await Promise.all([
    listSettlements(db, { ...filter, limit: 50 }),
    listSettlementImports(db, { cursor: raw.icursor, limit: 25 }),
    listActiveImports(db),
    listPayoutCurrencies(db),
  ]);
  const { cursor: _cursor, icursor: _icursor, ...params } = raw;

  return (
    <>
      <PageHeader
        title="Settlements"
        description="Klarna's payouts and how each reconciles with the captures and refunds this dashboard knows. Open a payout to see every line's verdict."
      />
      <ImportCenter canImport={canImport} active={active.map((row) => importStatusOf(row))} />
      <UrlTabs
        label="Settlements"
        initial={raw.tab ?? 'payouts'}
        tabs={[
          {
            id: 'payouts',
            label: 'Payouts',
            content: (
              <div className="grid min-w-0 grid-cols-[minmax(0,1fr)] gap-4">
                <PayoutFilters raw={raw} currencies={currencies} />
                <IgnoredFilters names={invalid.map((i) => `${filterLabels[i.field]} (${i.message})`)} className="" />
                <Card className="min-w-0">
                  {payouts.rows.length === 0 ? (
                    <div className="grid justify-items-center gap-2 px-5 py-12 text-center text-sm text-muted-foreground">
                      {filtered || raw.cursor ? (
                        <p>No payout matches these filters.</p>
                      ) : (
                        <>
                          <p className="font-medium text-foreground">No payouts yet.</p>
                          <p className="max-w-xl">
                            Payouts appear here once a Klarna settlement report is in:{' '}
                            {canImport
                              ? 'upload the settlement file above, or fetch the reports Klarna has ready with “Fetch from Klarna”.'
                              : 'an operator uploads the settlement file or fetches the reports from Klarna.'}{' '}
                            Every line is then checked against the captures and refunds this dashboard knows.
                          </p>
                        </>
                      )}
                    </div>
                  ) : (
                    <PayoutsTable rows={payouts.rows} />
                  )}
                  <ParamPager
                    label="Payout pages"
                    params={{ ...params, tab: 'payouts', icursor: raw.icursor }}
                    cursor={raw.cursor}
                    nextCursor={payouts.nextCursor}
                  />
                </Card>
                <p className="text-xs text-muted-foreground">
                  Periods in UTC, from the first to the last line the payout settles. Match rate: lines matched or
                  relayed 1:1, out of all lines.
                </p>
              </div>
            ),
          },
          {
            id: 'imports',
            label: 'Imports',
            content: (
              <Card className="min-w-0">
                {imports.rows.length === 0 ? (
                  <p className="px-5 py-12 text-center text-sm text-muted-foreground">
                    No settlement report has been brought in yet: uploads and fetches from Klarna are listed here with
                    who started them.
                  </p>
                ) : (
                  <ImportsTable rows={imports.rows} />
                )}
                <ParamPager
                  label="Import pages"
                  param="icursor"
                  params={{ ...params, tab: 'imports', cursor: raw.cursor }}
                  cursor={raw.icursor}
                  nextCursor={imports.nextCursor}
                />
              </Card>
            ),
          },
        ]}
      />
    </>
  );
}

const statusOptions = [
  { value: 'review', label: 'Needs review' },
  { value: 'reconciled', label: 'Reconciled' },
];

/** The payout filters as a GET form: they live in the URL. */
function PayoutFilters({ raw, currencies }: { raw: SettlementSearch; currencies: string[] }) {
  return (
    <FilterForm
      label="Filter payouts"
      clearHref="/settlements"
      grid="items-end sm:grid-cols-2 lg:grid-cols-5"
      className="min-w-0 p-4"
    >
      <input type="hidden" name="tab" value="payouts" />
      <ChoiceFilter label="Currency" name="currency" value={raw.currency} any="Any currency" choices={currencies} />
      <ChoiceFilter label="Status" name="status" value={raw.status} any="Any status" choices={statusOptions} />
      <DateRangeFilter from={raw.from} to={raw.to} fromLabel="Period end from (UTC)" toLabel="Period end to (UTC)" />
    </FilterForm>
  );
}

function PayoutsTable({ rows }: { rows: PayoutListRow[] }) {
  return (
    <Table caption="Payouts">
      <thead>
        <tr>
          <Th>Settlement</Th>
          <Th>Period (UTC)</Th>
          <Th>Currency</Th>
          <Th className="text-right">Net payout</Th>
          <Th className="text-right">Lines</Th>
          <Th>Match rate</Th>
          <Th className="text-right">Open items</Th>
          <Th>Status</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const open = row.openCount + row.missingCount;
          return (
            <tr key={row.settlementId}>
              <Td>
                <Link
                  className="block max-w-56 truncate font-mono text-xs font-medium underline-offset-4 hover:underline"
                  href={payoutHref(row.settlementId)}
                  title={row.settlementId}
                >
                  {row.settlementId}
                </Link>
              </Td>
              <Td className="whitespace-nowrap text-muted-foreground">
                {day(row.periodStart)} – {day(row.periodEnd)}
              </Td>
              <Td>{row.currency}</Td>
              <Td className="whitespace-nowrap text-right tabular-nums">{formatMinorUnits(row.net, row.currency)}</Td>
              <Td className="text-right tabular-nums">{row.lineCount.toLocaleString('en-GB')}</Td>
              <Td>
                <MatchRate matched={row.matchedCount} lines={row.lineCount} />
              </Td>
              <Td
                className="text-right tabular-nums"
                title={`${row.openCount} lines, ${row.missingCount} missing captures or refunds`}
              >
                {open.toLocaleString('en-GB')}
              </Td>
              <Td>
                <div className="flex flex-wrap gap-1">
                  {row.reissuePending && <Badge tone="warning">Re-issue awaiting review</Badge>}
                  {(!row.reissuePending || open > 0) && <PayoutStatusBadge open={open} />}
                </div>
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}

function ImportsTable({ rows }: { rows: ImportListRow[] }) {
  return (
    <Table caption="Settlement imports">
      <thead>
        <tr>
          <Th>File</Th>
          <Th>Source</Th>
          <Th>By</Th>
          <Th>When (UTC)</Th>
          <Th>Status</Th>
          <Th className="text-right">Lines imported</Th>
          <Th className="text-right">Quarantined</Th>
          <Th>Payouts</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} data-import-id={row.id}>
            <Td>
              <Link
                className="block max-w-56 truncate font-medium underline-offset-4 hover:underline"
                title={row.fileName}
                href={`/settlements/imports/${encodeURIComponent(row.id)}`}
              >
                {row.fileName}
              </Link>
            </Td>
            <Td>{row.source === 'klarna' ? 'Klarna' : 'Upload'}</Td>
            <Td className="text-xs">{row.uploadedByEmail ?? (row.source === 'klarna' ? 'Automatic' : '—')}</Td>
            <Td className="whitespace-nowrap text-muted-foreground">{formatDateTime(row.createdAt)}</Td>
            <Td>
              <ImportStatusBadge status={row.status} />
              {row.status === 'failed' && row.error && <p className="mt-1 max-w-64 text-xs text-danger">{row.error}</p>}
            </Td>
            <Td className="text-right tabular-nums">{row.linesImported.toLocaleString('en-GB')}</Td>
            <Td className="text-right tabular-nums">
              {row.linesQuarantined > 0 ? (
                <span className="inline-flex gap-2">
                  <Link
                    className="underline underline-offset-4"
                    href={`/settlements/imports/${encodeURIComponent(row.id)}`}
                    aria-label={`See the ${row.linesQuarantined} quarantined lines of ${row.fileName}`}
                  >
                    {row.linesQuarantined.toLocaleString('en-GB')}
                  </Link>
                  <a
                    className="underline underline-offset-4"
                    href={`/api/settlements/imports/${encodeURIComponent(row.id)}/quarantine`}
                    download
                    aria-label={`Download the ${row.linesQuarantined} quarantined lines of ${row.fileName}`}
                  >
                    (download)
                  </a>
                </span>
              ) : (
                '0'
              )}
            </Td>
            <Td>
              {row.settlementIds.length === 0 ? (
                <span className="text-muted-foreground">—</span>
              ) : (
                <ul className="grid gap-0.5">
                  {row.settlementIds.map((id) => (
                    <li key={id}>
                      <Link
                        className="block max-w-48 truncate font-mono text-xs underline-offset-4 hover:underline"
                        href={payoutHref(id)}
                        title={id}
                      >
                        {id}
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
