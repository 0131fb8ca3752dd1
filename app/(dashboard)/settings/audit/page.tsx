import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { BreakAtDots } from '@/components/ids/break-at-dots';
import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';
import { ChoiceFilter, DateRangeFilter, FilterForm, IgnoredFilters } from '@/components/lists/filter-form';
import { KeysetPager } from '@/components/ui/keyset-pager';
import { ListCard } from '@/components/lists/list-card';
import { DataTable, type DataTableColumn } from '@/components/data-table/data-table';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { auditActions, auditFilterSchema, listActorOptions, listAudit } from '@/lib/audit';
import { pageContext } from '@/lib/auth/page';
import { formatDateTime } from '@/lib/ui/format';
import { summariseDetails } from '@/lib/ui/money';
import { pickListSearch } from '@/components/lists/list-search';

export const metadata: Metadata = { title: 'Audit log' };

const outcomeTone = { success: 'success', failure: 'danger', denied: 'warning' } as const;

// When, what and its outcome stay in view on a phone; who, on what and the details come as the
// card widens (or from the Columns menu).
const columns: DataTableColumn[] = [
  { id: 'time', label: 'Time (UTC)', className: 'text-muted-foreground @2xl:whitespace-nowrap' },
  { id: 'actor', label: 'Actor', className: 'max-w-56', showFrom: '@2xl' },
  { id: 'action', label: 'Action', className: 'font-mono text-xs' },
  { id: 'target', label: 'Target', className: 'text-xs', showFrom: '@3xl' },
  { id: 'outcome', label: 'Outcome' },
  { id: 'details', label: 'Details', className: 'max-w-64 text-xs', showFrom: '@xl' },
];

// Filters live in the URL; an unparsable value is dropped with a message rather than failing the page.
const filterNames = ['actor', 'action', 'from', 'to'] as const;

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('audit.read');
  const { db } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const raw = pickListSearch(await searchParams, filterNames);
  const parsed = auditFilterSchema.safeParse(raw);
  const filter = parsed.success ? parsed.data : {};
  const [page, people] = await Promise.all([listAudit(db, filter), listActorOptions(db)]);
  const { cursor: _c, ...current } = raw;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change to money, configuration and access: who, what, on which target, and the outcome. Entries cannot be edited or deleted."
      />
      <FilterForm
        label="Filter the audit log"
        clearHref="/settings/audit"
        grid="items-end sm:grid-cols-2 lg:grid-cols-[1fr_1fr_auto_auto_auto]"
      >
        <ChoiceFilter
          label="Actor"
          name="actor"
          value={raw.actor}
          any="Anyone"
          choices={[{ value: 'system', label: 'System' }, ...people.map((p) => ({ value: p.id, label: p.email }))]}
        />
        <ChoiceFilter label="Action" name="action" value={raw.action} any="Any action" choices={auditActions} />
        <DateRangeFilter from={raw.from} to={raw.to} />
      </FilterForm>
      {!parsed.success && <IgnoredFilters names={parsed.error.issues.map((i) => i.path.join('.'))} />}
      <ListCard
        isEmpty={page.rows.length === 0}
        empty="No audit entries match these filters."
        pager={<KeysetPager label="Audit pages" filters={current} cursor={raw.cursor} nextCursor={page.nextCursor} />}
      >
        <DataTable
          caption="Audit entries, newest first"
          storageKey="audit"
          columns={columns}
          rows={page.rows.map((row) => ({
            id: String(row.id),
            cells: {
              time: formatDateTime(row.occurredAt),
              actor: (
                <>
                  <div className="[overflow-wrap:anywhere]">{row.actorEmail}</div>
                  {row.actorRole && <div className="text-xs text-muted-foreground">{row.actorRole}</div>}
                </>
              ),
              action: <BreakAtDots value={row.action} />,
              target: row.targetType ? (
                <>
                  <div>{row.targetType}</div>
                  {row.targetId && <MiddleEllipsis value={row.targetId} max={20} className="text-muted-foreground" />}
                </>
              ) : (
                '—'
              ),
              outcome: <Badge tone={outcomeTone[row.outcome]}>{row.outcome}</Badge>,
              details: (
                <details>
                  <summary className="cursor-pointer truncate text-muted-foreground">{summarise(row.details)}</summary>
                  <pre className="mt-2 overflow-x-auto rounded bg-muted p-2 font-mono whitespace-pre-wrap">
                    {JSON.stringify(
                      {
                        ...row.details,
                        requestId: row.requestId,
                        klarnaErrorId: row.klarnaErrorId,
                        idempotencyKey: row.idempotencyKey,
                      },
                      null,
                      2,
                    )}
                  </pre>
                </details>
              ),
            },
          }))}
        />
      </ListCard>
    </>
  );
}

function summarise(details: Record<string, unknown>): string {
  return summariseDetails(details) || 'Show';
}
