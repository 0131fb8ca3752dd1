import type { Metadata } from 'next';
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { ChoiceFilter, DateRangeFilter, FilterForm, IgnoredFilters, TextFilter } from '@/components/lists/filter-form';
import { KeysetPager } from '@/components/ui/keyset-pager';
import { ListCard } from '@/components/lists/list-card';
import { readListSearch } from '@/components/lists/list-search';
import { DataTable, type DataTableColumn } from '@/components/data-table/data-table';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { webhookStatuses } from '@/db/schema';
import { pageContext } from '@/lib/auth/page';
import { formatDateTime } from '@/lib/ui/format';
import { listRejectionsNotStored, listWebhookEvents, webhookEventFilterSchema } from '@/lib/webhooks/events';
import { splitOutcomeNote } from '@/lib/webhooks/outcome';
import { statusLabels, StatusBadge, VerdictBadge } from './_components/event-badges';
import { BreakAtDots } from '@/components/ids/break-at-dots';
import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';

export const metadata: Metadata = { title: 'Event log' };

// When it arrived, what processing did and the way to its details stay in view on a phone (a
// rejected delivery's processing says Rejected); the other columns come as the card widens.
const columns: DataTableColumn[] = [
  { id: 'received', label: 'Received (UTC)', className: 'text-muted-foreground @2xl:whitespace-nowrap' },
  { id: 'type', label: 'Event type', className: 'font-mono text-xs', showFrom: '@2xl' },
  { id: 'account', label: 'Account', showFrom: '@4xl' },
  { id: 'signature', label: 'Signature', showFrom: '@md' },
  { id: 'processing', label: 'Processing' },
  { id: 'duplicates', label: 'Duplicates', className: 'whitespace-nowrap text-xs', showFrom: '@6xl' },
  { id: 'details', label: 'Details', header: <span className="sr-only">Details</span>, className: 'text-right' },
];

// Filters live in the URL; an unparsable value is dropped with a message rather than failing the page.
const filterNames = ['q', 'type', 'account', 'source', 'verdict', 'status', 'from', 'to'] as const;

export default async function WebhookEventsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('dashboard.read');
  const { db } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const { raw, filter, invalid, current } = readListSearch(await searchParams, filterNames, webhookEventFilterSchema);
  const [page, notStored] = await Promise.all([
    listWebhookEvents(db, filter),
    filter.verdict === 'valid' ? [] : listRejectionsNotStored(db, { hours: 24 }),
  ]);

  return (
    <>
      <PageHeader
        title="Event log"
        description="Every webhook delivery that reached this dashboard, valid or rejected, with the signature verdict and what processing did with it."
      />
      <FilterForm label="Filter the event log" clearHref="/webhooks/events">
        <TextFilter
          label="Search ids"
          name="q"
          value={raw.q}
          hint="Event, account, correlation, webhook or signing key id (or its start)"
          mono
        />
        <TextFilter
          label="Event type"
          name="type"
          value={raw.type}
          hint="* matches any part, e.g. payment.request.*"
          mono
        />
        <TextFilter label="Account id" name="account" value={raw.account} mono />
        <TextFilter
          label="Source address"
          name="source"
          value={raw.source}
          hint="The sender's IP address, exactly"
          mono
        />
        <ChoiceFilter
          label="Signature"
          name="verdict"
          value={raw.verdict}
          any="Any verdict"
          choices={[
            { value: 'valid', label: 'Valid' },
            { value: 'rejected', label: 'Rejected' },
          ]}
        />
        <ChoiceFilter
          label="Processing"
          name="status"
          value={raw.status}
          any="Any status"
          choices={webhookStatuses.map((s) => ({ value: s, label: statusLabels[s] }))}
        />
        <DateRangeFilter from={raw.from} to={raw.to} fromLabel="Received from (UTC)" toLabel="Received to (UTC)" />
      </FilterForm>
      <IgnoredFilters names={invalid} />
      {notStored.length > 0 && (
        <Alert tone="warning" title="Rejected deliveries counted, not stored" className="mb-4">
          In the last 24 hours, more rejected deliveries arrived than are stored per source address:{' '}
          {notStored.map((n, i) => (
            <span key={n.sourceIp ?? 'unknown'}>
              {i > 0 && '; '}
              <strong>{n.count.toLocaleString('en-GB')}</strong> from{' '}
              {n.sourceIp ? (
                <Link
                  className="font-mono underline underline-offset-2"
                  href={`/webhooks/events?verdict=rejected&source=${encodeURIComponent(n.sourceIp)}`}
                >
                  {n.sourceIp}
                </Link>
              ) : (
                <span className="font-mono">other or unknown addresses</span>
              )}
            </span>
          ))}
          . Each was answered as usual; only its count is kept.
        </Alert>
      )}
      <ListCard
        isEmpty={page.rows.length === 0}
        empty="No webhook events match these filters."
        pager={
          <KeysetPager label="Event log pages" filters={current} cursor={raw.cursor} nextCursor={page.nextCursor} />
        }
      >
        <DataTable
          caption="Webhook events, newest first"
          storageKey="webhook-events"
          columns={columns}
          rows={page.rows.map((row) => {
            const note = row.processingError ? splitOutcomeNote(row.processingError).sentence : null;
            return {
              id: String(row.id),
              cells: {
                received: formatDateTime(row.receivedAt),
                type: row.eventType ? <BreakAtDots value={row.eventType} /> : '—',
                account: row.accountId ? <MiddleEllipsis value={row.accountId} copyLabel="account id" /> : '—',
                signature: (
                  <>
                    <VerdictBadge verdict={row.verdict} reason={row.rejectReason} />
                    {row.notStoredCount > 0 && (
                      <div className="mt-1 text-xs font-medium">
                        {row.notStoredCount.toLocaleString('en-GB')} not stored
                      </div>
                    )}
                    {row.rejectReason && (
                      <div
                        className="mt-1 line-clamp-3 w-40 text-xs text-muted-foreground [overflow-wrap:anywhere] @2xl:w-48"
                        title={row.rejectReason}
                      >
                        {row.rejectReason}
                      </div>
                    )}
                    {row.bodyBytes !== null && row.notStoredCount === 0 && (
                      <div className="mt-1 text-xs text-muted-foreground">{formatBytes(row.bodyBytes)} body</div>
                    )}
                  </>
                ),
                processing: (
                  <>
                    <StatusBadge status={row.status} />
                    {note && (
                      <div className="mt-1 hidden w-44 text-xs text-muted-foreground @xl:block" title={note}>
                        <div className="line-clamp-2">{note}</div>
                      </div>
                    )}
                  </>
                ),
                duplicates:
                  row.duplicateCount > 0 ? `${row.duplicateCount} repeat${row.duplicateCount === 1 ? '' : 's'}` : '',
                details: (
                  <Link
                    className="text-sm underline underline-offset-4"
                    href={`/webhooks/events/${row.id}`}
                    aria-label={`Details of event ${row.eventId ?? row.id}`}
                  >
                    Details
                  </Link>
                ),
              },
            };
          })}
        />
      </ListCard>
    </>
  );
}

/** A body size as people read it: bytes up to a kilobyte, then KB or MB (binary). */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes.toLocaleString('en-GB')} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
