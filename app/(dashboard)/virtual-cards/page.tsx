import type { Metadata } from 'next';
import Link from 'next/link';
import { KeyRound } from 'lucide-react';
import { DataTable, type DataTableColumn, type DataTableRow } from '@/components/data-table/data-table';
import { ListCard } from '@/components/lists/list-card';
import { ParamPager } from '@/components/settlements/param-pager';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { Button } from '@/components/ui/button';
import { UrlTabs } from '@/components/ui/url-tabs';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import { listCancellations, listPromises, listSettlements, settlementKeys } from '@/lib/cards/service';
import { formatDateTime } from '@/lib/ui/format';
import { CancellationBadge, PromiseStatusBadge } from './_components/badges';
import { CancelOrderDialog, CheckCancellationButton } from './_components/cancel-dialog';
import { PromiseDialog } from './_components/promise-dialog';
import { SettlementDialog } from './_components/settlement-dialog';

export const metadata: Metadata = { title: 'Virtual cards' };
export const dynamic = 'force-dynamic';

const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);
const settlementHref = (id: string) => `/virtual-cards/settlements/${encodeURIComponent(id)}`;

const promiseColumns: DataTableColumn[] = [
  { id: 'order', label: 'Order', className: 'font-mono text-xs' },
  { id: 'status', label: 'Status' },
  { id: 'cards', label: 'Cards', className: 'text-right tabular-nums' },
  { id: 'expires', label: 'Expires (UTC)', className: 'whitespace-nowrap', showFrom: '@xl' },
  { id: 'promise', label: 'Promise id', className: 'font-mono text-xs', showFrom: '@3xl' },
  { id: 'created', label: 'Created (UTC)', className: 'whitespace-nowrap', showFrom: '@4xl' },
];
const settlementColumns: DataTableColumn[] = [
  { id: 'order', label: 'Order', className: 'font-mono text-xs' },
  { id: 'cards', label: 'Cards', className: 'text-right tabular-nums' },
  { id: 'key', label: 'Key', showFrom: '@xl' },
  { id: 'expires', label: 'Expires (UTC)', className: 'whitespace-nowrap', showFrom: '@2xl' },
  { id: 'settlement', label: 'Settlement id', className: 'font-mono text-xs', showFrom: '@3xl' },
];
const cancellationColumns: DataTableColumn[] = [
  { id: 'order', label: 'Order', className: 'font-mono text-xs' },
  { id: 'status', label: 'Status' },
  { id: 'checkAfter', label: 'Decision after (UTC)', className: 'whitespace-nowrap', showFrom: '@xl' },
  { id: 'reason', label: 'Reason', showFrom: '@2xl' },
  { id: 'actions', label: 'Actions', header: <span className="sr-only">Actions</span>, className: 'text-right' },
];

/** One tab's list: its rows in a DataTable, its own cursor in the URL, its empty state. */
function PagedTab<T>({
  name,
  empty,
  pager,
  page,
  caption,
  storageKey,
  columns,
  row,
}: {
  name: string;
  empty: string;
  pager: { params: Record<string, string | undefined>; param: string; cursor: string | undefined };
  page: { rows: T[]; nextCursor: string | null };
  caption: string;
  storageKey: string;
  columns: DataTableColumn[];
  row: (item: T) => DataTableRow;
}) {
  return (
    <ListCard
      isEmpty={page.rows.length === 0}
      empty={empty}
      pager={<ParamPager label={`${name} pages`} {...pager} nextCursor={page.nextCursor} />}
    >
      <DataTable caption={caption} storageKey={storageKey} columns={columns} rows={page.rows.map(row)} />
    </ListCard>
  );
}

export default async function VirtualCardsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('dashboard.read');
  if (denied) return <Forbidden message={denied} />;
  const search = await searchParams;
  const params = {
    tab: one(search.tab),
    pcursor: one(search.pcursor),
    scursor: one(search.scursor),
    ccursor: one(search.ccursor),
  };
  const canOperate = can(ctx.actor.role, 'cards.operate');
  const now = ctx.now();
  const [promises, settlements, cancellations, keys] = await Promise.all([
    listPromises(ctx, { cursor: params.pcursor }),
    listSettlements(ctx, { cursor: params.scursor }),
    listCancellations(ctx, { cursor: params.ccursor }),
    canOperate ? settlementKeys(ctx) : Promise.resolve([]),
  ]);
  const openPromises = promises.rows
    .filter((p) => p.status === 'open')
    .map((p) => ({ promiseId: p.promiseId, orderId: p.orderId }));

  return (
    <>
      <PageHeader
        title="Virtual cards"
        description="Klarna's Merchant Card Service: promises of cards for an order, settlements that issue them (shown masked), and order cancellations. A card's full number is shown only after you confirm it is you, and every reveal is audited."
        actions={
          <div className="flex flex-wrap items-center gap-2">
            {can(ctx.actor.role, 'cards.keys') && (
              <Button asChild variant="secondary">
                <Link href="/virtual-cards/keys">
                  <KeyRound aria-hidden /> Keys
                </Link>
              </Button>
            )}
            {canOperate && <PromiseDialog openPromises={openPromises} />}
            {canOperate && <SettlementDialog keys={keys} openPromises={openPromises} />}
            {canOperate && <CancelOrderDialog />}
          </div>
        }
      />
      <UrlTabs
        label="Virtual cards"
        initial={params.tab ?? 'promises'}
        tabs={[
          {
            id: 'promises',
            label: 'Promises',
            content: (
              <PagedTab
                name="Promise"
                empty="No card promises yet."
                pager={{ params: { ...params, tab: 'promises' }, param: 'pcursor', cursor: params.pcursor }}
                page={promises}
                caption="Card promises, newest first"
                storageKey="card-promises"
                columns={promiseColumns}
                row={(p) => ({
                  id: p.promiseId,
                  cells: {
                    order: p.orderId,
                    status: <PromiseStatusBadge status={p.status} expired={p.expiresAt <= now} />,
                    cards: p.cardCount,
                    expires: formatDateTime(p.expiresAt),
                    promise: p.promiseId,
                    created: formatDateTime(p.createdAt),
                  },
                })}
              />
            ),
          },
          {
            id: 'settlements',
            label: 'Settlements',
            content: (
              <PagedTab
                name="Settlement"
                empty="No card settlements yet."
                pager={{ params: { ...params, tab: 'settlements' }, param: 'scursor', cursor: params.scursor }}
                page={settlements}
                caption="Card settlements, newest first"
                storageKey="card-settlements"
                columns={settlementColumns}
                row={(s) => ({
                  id: s.settlementId,
                  cells: {
                    order: (
                      <Link className="underline underline-offset-4" href={settlementHref(s.settlementId)}>
                        {s.orderId}
                      </Link>
                    ),
                    cards: s.unreadableCount ? `${s.cardCount} (${s.unreadableCount} unreadable)` : s.cardCount,
                    key: s.keyLabel,
                    expires: formatDateTime(s.expiresAt),
                    settlement: s.settlementId,
                  },
                })}
              />
            ),
          },
          {
            id: 'cancellations',
            label: 'Cancellations',
            content: (
              <PagedTab
                name="Cancellation"
                empty="No order cancellations requested."
                pager={{ params: { ...params, tab: 'cancellations' }, param: 'ccursor', cursor: params.ccursor }}
                page={cancellations}
                caption="Order cancellations, newest first"
                storageKey="card-cancellations"
                columns={cancellationColumns}
                row={(c) => ({
                  id: c.orderId,
                  cells: {
                    order: c.orderId,
                    status: <CancellationBadge status={c.status} />,
                    checkAfter: c.checkAfter ? formatDateTime(c.checkAfter) : '—',
                    reason: c.reasonCode ? `${c.reasonCode}: ${c.reasonMessage ?? ''}` : '—',
                    actions:
                      canOperate && c.status === 'PENDING' ? <CheckCancellationButton orderId={c.orderId} /> : null,
                  },
                })}
              />
            ),
          },
        ]}
      />
    </>
  );
}
