import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { ChoiceFilter, DateRangeFilter, FilterForm, IgnoredFilters, TextFilter } from '@/components/lists/filter-form';
import { KeysetPager } from '@/components/ui/keyset-pager';
import { ListCard } from '@/components/lists/list-card';
import { Table, Td, Th } from '@/components/ui/table';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { pageContext } from '@/lib/auth/page';
import { maskedFieldsSentence } from '@/lib/klarna/redact';
import { apiRequestFilterSchema, listApiRequests } from '@/lib/klarna/request-log';
import { klarnaRoutes } from '@/lib/klarna/routes';
import { formatDateTime } from '@/lib/ui/format';
import { firstValues } from '@/lib/ui/search-params';
import { HttpStatusBadge } from './_components/status-badge';
import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';

export const metadata: Metadata = { title: 'API request log' };

const searchSchema = z.object({
  operation: z.string().optional(),
  method: z.string().optional(),
  status: z.string().optional(),
  idempotencyKey: z.string().optional(),
  errorId: z.string().optional(),
  accountId: z.string().optional(),
  correlationId: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  cursor: z.string().optional(),
});
const statusOptions = {
  '2xx': '2xx success',
  '4xx': '4xx client error',
  '5xx': '5xx server error',
  network: 'No answer (network)',
};

export default async function ApiRequestsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('api-log.read');
  const { db } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const raw = searchSchema.parse(firstValues(await searchParams));
  const parsed = apiRequestFilterSchema.safeParse(raw);
  // Keep the valid filters when one is not: a typo in one box should not show everything.
  const invalid = parsed.success ? [] : [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
  const filter = parsed.success
    ? parsed.data
    : Object.fromEntries(Object.entries(raw).filter(([k]) => !invalid.includes(k)));
  const page = await listApiRequests(db, filter);
  const { cursor: _c, ...current } = raw;

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
        <Table caption="API requests, newest first">
          <thead>
            <tr>
              <Th>Time (UTC)</Th>
              <Th>Operation</Th>
              <Th>Request</Th>
              <Th>Status</Th>
              <Th className="text-right">Duration</Th>
              <Th className="text-right">Attempt</Th>
              <Th>Idempotency key</Th>
              <Th>Error</Th>
              <Th>
                <span className="sr-only">Details</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((row) => (
              <tr key={row.id}>
                <Td className="whitespace-nowrap text-muted-foreground">{formatDateTime(row.occurredAt)}</Td>
                <Td className="whitespace-nowrap text-xs">{row.operation}</Td>
                <Td className="max-w-80 truncate font-mono text-xs" title={`${row.method} ${row.path}`}>
                  {row.method} {row.path}
                </Td>
                <Td>
                  <HttpStatusBadge status={row.status} />
                </Td>
                <Td className="whitespace-nowrap text-right tabular-nums">{row.durationMs} ms</Td>
                <Td className="text-right tabular-nums">#{row.attempt}</Td>
                <Td>
                  {row.idempotencyKey ? (
                    <MiddleEllipsis value={row.idempotencyKey} max={18} copyLabel="idempotency key" />
                  ) : (
                    '—'
                  )}
                </Td>
                <Td className="text-xs">
                  {row.errorCode ? <div className="font-mono">{row.errorCode}</div> : row.errorId ? null : '—'}
                  {row.errorId && <div className="font-mono text-muted-foreground">{row.errorId}</div>}
                </Td>
                <Td className="text-right">
                  <Link
                    className="text-sm underline underline-offset-4"
                    href={`/developers/api-requests/${row.id}`}
                    aria-label={`Details of request ${row.id}`}
                  >
                    Details
                  </Link>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </ListCard>
    </>
  );
}
