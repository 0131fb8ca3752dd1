import Link from 'next/link';
import { DataTable, type DataTableColumn } from '@/components/data-table/data-table';
import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';
import type { PaymentListRow } from '@/lib/payments/cache';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import type { PaymentSort } from './list-search';
import { PaymentStateBadge } from './payment-state-badge';
import { SortLink, sortState } from './sort-header';

const amount = 'whitespace-nowrap text-right tabular-nums';

/**
 * One page of cached payment transactions; each row opens the payment. The payment and its
 * state and amount stay in view on a phone; the other columns come as the card widens.
 */
export function PaymentsTable({
  rows,
  names,
  sort,
  filters,
}: {
  rows: PaymentListRow[];
  names: Map<string, string>;
  sort: PaymentSort;
  filters: Record<string, string | undefined>;
}) {
  const columns: DataTableColumn[] = [
    { id: 'reference', label: 'Reference' },
    { id: 'merchant', label: 'Merchant', showFrom: '@2xl' },
    {
      id: 'authorized',
      label: 'Authorized',
      header: <SortLink label="Authorized" column="amount" sort={sort} filters={filters} />,
      ariaSort: sortState({ column: 'amount', sort }),
      className: amount,
    },
    { id: 'captured', label: 'Captured', className: amount, showFrom: '@5xl' },
    { id: 'refunded', label: 'Refunded', className: amount, showFrom: '@7xl' },
    { id: 'remaining', label: 'Remaining', className: amount, showFrom: '@6xl' },
    { id: 'state', label: 'State' },
    {
      id: 'created',
      label: 'Created (UTC)',
      header: <SortLink label="Created (UTC)" column="created" sort={sort} filters={filters} />,
      ariaSort: sortState({ column: 'created', sort }),
      className: 'whitespace-nowrap text-muted-foreground',
      showFrom: '@3xl',
    },
    { id: 'expires', label: 'Expires (UTC)', className: 'whitespace-nowrap text-muted-foreground', showFrom: 'wide' },
  ];
  return (
    <DataTable
      caption="Payment transactions"
      storageKey="payments"
      columns={columns}
      rows={rows.map((row) => {
        const name = names.get(row.accountId);
        const reference = row.merchantReference ?? row.paymentReference;
        return {
          id: row.paymentTransactionId,
          cells: {
            reference: (
              <div className="max-w-28 @2xl:max-w-56">
                <Link
                  className="font-medium break-all underline-offset-4 hover:underline @2xl:break-words"
                  href={`/payments/${encodeURIComponent(row.paymentTransactionId)}`}
                >
                  {reference ?? row.paymentTransactionId}
                </Link>
                {row.merchantReference && row.paymentReference && (
                  <div
                    className="hidden truncate text-xs text-muted-foreground @2xl:block"
                    title={row.paymentReference}
                  >
                    Payment ref. {row.paymentReference}
                  </div>
                )}
                {reference && (
                  <div className="hidden @2xl:block">
                    <MiddleEllipsis value={row.paymentTransactionId} max={22} className="text-muted-foreground" />
                  </div>
                )}
              </div>
            ),
            authorized: formatMinorUnits(row.authorizedAmount, row.currency),
            state: <PaymentStateBadge row={row} />,
            merchant: (
              <>
                <div className="max-w-48 font-medium">{name ?? 'Unknown merchant'}</div>
                <MiddleEllipsis value={row.accountId} max={22} className="text-muted-foreground" />
              </>
            ),
            captured: formatMinorUnits(row.capturedAmount, row.currency),
            refunded: formatMinorUnits(row.refundedAmount, row.currency),
            remaining: formatMinorUnits(row.remainingAuthorizedAmount, row.currency),
            created: formatDateTime(row.klarnaCreatedAt),
            expires: row.expiresAt ? formatDateTime(row.expiresAt) : '—',
          },
        };
      })}
    />
  );
}
