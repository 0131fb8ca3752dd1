import type { Metadata } from 'next';
import Link from 'next/link';
import { ChoiceFilter, DateRangeFilter, FilterForm, IgnoredFilters, TextFilter } from '@/components/lists/filter-form';
import { KeysetPager } from '@/components/ui/keyset-pager';
import { ListCard } from '@/components/lists/list-card';
import { readListSearch } from '@/components/lists/list-search';
import { DataTable, type DataTableColumn } from '@/components/data-table/data-table';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { pageContext } from '@/lib/auth/page';
import { maskedFieldsSentence } from '@/lib/klarna/redact';
import { apiRequestFilterSchema, listApiRequests } from '@/lib/klarna/request-log';
import { klarnaRoutes } from '@/lib/klarna/routes';
import { formatDateTime } from '@/lib/ui/format';
import { HttpStatusBadge } from './_components/status-badge';
import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';

export const metadata: Metadata = { title: 'API request log' };

const filterNames = [
  'operation',
  'method',
  'status',
  'idempotencyKey',
  'errorId',
  'accountId',
  'correlationId',
  'from',
  'to',
] as const;
const statusOptions = {
  '2xx': '2xx success',
  '4xx': '4xx client error',
  '5xx': '5xx server error',
  network: 'No answer (network)',
};

// The time, operation and status stay in view on a phone; the other columns come as the card widens.
const columns: DataTableColumn[] = [
  { id: 'time', label: 'Time (UTC)', className: 'whitespace-nowrap text-muted-foreground' },
  { id: 'operation', label: 'Operation', className: 'whitespace-nowrap text-xs' },
  { id: 'request', label: 'Request', className: 'font-mono text-xs', showFrom: '@6xl' },
  { id: 'status', label: 'Status' },
  { id: 'duration', label: 'Duration', className: 'whitespace-nowrap text-right tabular-nums', showFrom: '@4xl' },
  { id: 'attempt', label: 'Attempt', className: 'text-right tabular-nums', showFrom: '@6xl' },
  { id: 'idempotencyKey', label: 'Idempotency key', showFrom: '@3xl' },
  { id: 'error', label: 'Error', className: 'text-xs', showFrom: '@2xl' },
  { id: 'details', label: 'Details', header: <span className="sr-only">Details</span>, className: 'text-right' },
];

export default async function ApiRequestsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('api-log.read');
  const { db } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const { raw, filter, invalid, current } = readListSearch(await searchParams, filterNames, apiRequestFilterSchema);
  const page = await listApiRequests(db, filter);

  return (
    <>
      <PageHeader
        title="API request log"
        description={`Every call the dashboard made to Klarna, one row per attempt (retries included). ${maskedFieldsSentence}`}
      />
      <FilterForm label="Filter the API request log" clearHref="/developers/api-requests">
        <ChoiceFilter
          label="Operation"
          name="operation"
          value={raw.operation}
          any="Any operation"
          choices={Object.keys(klarnaRoutes)}
        />
        <ChoiceFilter
          label="Method"
          name="method"
          value={raw.method}
          any="Any method"
          choices={['GET', 'POST', 'PUT', 'PATCH', 'DELETE']}
        />
        <ChoiceFilter
          label="Status"
          name="status"
          value={raw.status}
          any="Any status"
          choices={Object.entries(statusOptions).map(([value, label]) => ({ value, label }))}
        />
        <TextFilter label="Idempotency key" name="idempotencyKey" value={raw.idempotencyKey} mono />
        <TextFilter label="Klarna error id" name="errorId" value={raw.errorId} mono />
        <TextFilter label="Account id" name="accountId" value={raw.accountId} mono />
        <TextFilter label="Correlation id" name="correlationId" value={raw.correlationId} mono />
        <DateRangeFilter from={raw.from} to={raw.to} />
      </FilterForm>
      <IgnoredFilters names={invalid} />
      <ListCard
        isEmpty={page.rows.length === 0}
        empty="No API requests match these filters."
        pager={
          <KeysetPager
            label="API request log pages"
            filters={current}
            cursor={raw.cursor}
            nextCursor={page.nextCursor}
          />
        }
      >
        <DataTable
          caption="API requests, newest first"
          storageKey="api-requests"
          columns={columns}
          rows={page.rows.map((row) => ({
            id: String(row.id),
            cells: {
              time: formatDateTime(row.occurredAt),
              operation: row.operation,
              request: (
                <span className="block max-w-80 truncate" title={`${row.method} ${row.path}`}>
                  {row.method} {row.path}
                </span>
              ),
              status: <HttpStatusBadge status={row.status} />,
              duration: `${row.durationMs} ms`,
              attempt: `#${row.attempt}`,
              idempotencyKey: row.idempotencyKey ? (
                <MiddleEllipsis value={row.idempotencyKey} max={18} copyLabel="idempotency key" />
              ) : (
                '—'
              ),
              error: (
                <>
                  {row.errorCode ? <div className="font-mono">{row.errorCode}</div> : row.errorId ? null : '—'}
                  {row.errorId && <div className="font-mono text-muted-foreground">{row.errorId}</div>}
                </>
              ),
              details: (
                <Link
                  className="text-sm underline underline-offset-4"
                  href={`/developers/api-requests/${row.id}`}
                  aria-label={`Details of request ${row.id}`}
                >
                  Details
                </Link>
              ),
            },
          }))}
        />
      </ListCard>
    </>
  );
}
