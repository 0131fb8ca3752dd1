import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataTable, type DataTableColumn } from '@/components/data-table/data-table';
import { ListCard } from '@/components/lists/list-card';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import { getSettlement, listCards } from '@/lib/cards/service';
import { NotFoundError } from '@/lib/errors';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import { RevealCardDialog } from '../../_components/reveal-dialog';

export const metadata: Metadata = { title: 'Card settlement' };
export const dynamic = 'force-dynamic';

const columns: DataTableColumn[] = [
  { id: 'card', label: 'Card', className: 'whitespace-nowrap font-mono text-xs' },
  { id: 'amount', label: 'Amount', className: 'whitespace-nowrap text-right tabular-nums' },
  { id: 'brand', label: 'Brand', showFrom: '@lg' },
  { id: 'expiry', label: 'Expiry', className: 'tabular-nums', showFrom: '@xl' },
  { id: 'reference', label: 'Reference', showFrom: '@2xl' },
  { id: 'actions', label: 'Actions', header: <span className="sr-only">Actions</span>, className: 'text-right' },
];

/** `457173 •••••• 1234`: the BIN and last four, never the middle digits. */
const masked = (bin: string | null, last4: string | null) => (bin && last4 ? `${bin} •••••• ${last4}` : 'unreadable');

export default async function CardSettlementPage({
  params,
  searchParams,
}: {
  params: Promise<{ settlementId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('dashboard.read');
  if (denied) return <Forbidden message={denied} />;
  const { settlementId } = await params;
  const after = Number((await searchParams).after);
  const settlement = await getSettlement(ctx, decodeURIComponent(settlementId)).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const page = await listCards(ctx, settlement.settlementId, Number.isInteger(after) ? { after } : {});
  const canReveal = can(ctx.actor.role, 'cards.reveal');

  return (
    <>
      <PageHeader
        title={`Card settlement for order ${settlement.orderId}`}
        description="The cards Klarna issued, masked: brand, BIN and last four, expiry. Revealing a card's full number and CVV needs your password or an authenticator code, and is audited."
      />
      <Card className="mb-4">
        <CardBody>
          <DetailList
            items={[
              [
                'Settlement id',
                <code key="s" className="font-mono text-xs break-all">
                  {settlement.settlementId}
                </code>,
              ],
              ['Promise id', settlement.promiseId ?? '—'],
              [
                'Cards',
                settlement.unreadableCount
                  ? `${settlement.cardCount} (${settlement.unreadableCount} unreadable)`
                  : String(settlement.cardCount),
              ],
              ['Encrypted for', settlement.keyLabel],
              ['Created (UTC)', formatDateTime(settlement.klarnaCreatedAt)],
              ['Expires (UTC)', formatDateTime(settlement.expiresAt)],
            ]}
          />
        </CardBody>
      </Card>
      <ListCard
        isEmpty={page.rows.length === 0}
        empty="No cards."
        pager={
          page.nextAfter !== null ? (
            <nav aria-label="Card pages" className="flex justify-end px-5 py-3 text-sm">
              <Link className="underline underline-offset-4" href={`?after=${page.nextAfter}`}>
                Next cards →
              </Link>
            </nav>
          ) : undefined
        }
      >
        <DataTable
          caption="Cards of this settlement, masked"
          storageKey="card-settlement-cards"
          columns={columns}
          rows={page.rows.map((card) => ({
            id: card.cardId,
            cells: {
              card: masked(card.bin, card.last4),
              amount: formatMinorUnits(card.amount, card.currency),
              brand: <Badge>{card.brand}</Badge>,
              expiry: card.expiryDate ?? '—',
              reference: card.reference,
              actions:
                canReveal && card.readable ? (
                  <RevealCardDialog cardId={card.cardId} label={masked(card.bin, card.last4)} />
                ) : null,
            },
          }))}
        />
      </ListCard>
    </>
  );
}
