import Link from 'next/link';
import { Table, Td, Th } from '@/components/ui/table';
import type { PaymentListRow } from '@/lib/payments/cache';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import type { PaymentSort } from './list-search';
import { PaymentStateBadge } from './payment-state-badge';
import { SortHeader } from './sort-header';
import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';

const amountColumns = [
  ['Captured', 'capturedAmount'],
  ['Refunded', 'refundedAmount'],
  ['Remaining', 'remainingAuthorizedAmount'],
] as const;

/** One page of cached payment transactions; each row opens the payment. */
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
  return (
    <Table caption="Payment transactions">
      <thead>
        <tr>
          <Th>Merchant</Th>
          <Th>Reference</Th>
          <SortHeader label="Authorized" column="amount" sort={sort} filters={filters} className="text-right" />
          {amountColumns.map(([label]) => (
            <Th key={label} className="text-right">
              {label}
            </Th>
          ))}
          <Th>State</Th>
          <SortHeader label="Created (UTC)" column="created" sort={sort} filters={filters} />
          <Th>Expires (UTC)</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const name = names.get(row.accountId);
          const reference = row.merchantReference ?? row.paymentReference;
          return (
            <tr key={row.paymentTransactionId}>
              <Td>
                <div className="max-w-48 font-medium">{name ?? 'Unknown merchant'}</div>
                <MiddleEllipsis value={row.accountId} max={22} className="text-muted-foreground" />
              </Td>
              <Td>
                <Link
                  className="font-medium underline-offset-4 hover:underline"
                  href={`/payments/${encodeURIComponent(row.paymentTransactionId)}`}
                >
                  {reference ?? row.paymentTransactionId}
                </Link>
                {row.merchantReference && row.paymentReference && (
                  <div className="max-w-48 truncate text-xs text-muted-foreground" title={row.paymentReference}>
                    Payment ref. {row.paymentReference}
                  </div>
                )}
                {reference && (
                  <div>
                    <MiddleEllipsis value={row.paymentTransactionId} max={22} className="text-muted-foreground" />
                  </div>
                )}
              </Td>
              <Td className="whitespace-nowrap text-right tabular-nums">
                {formatMinorUnits(row.authorizedAmount, row.currency)}
              </Td>
              {amountColumns.map(([label, key]) => (
                <Td key={label} className="whitespace-nowrap text-right tabular-nums">
                  {formatMinorUnits(row[key], row.currency)}
                </Td>
              ))}
              <Td>
                <PaymentStateBadge row={row} />
              </Td>
              <Td className="whitespace-nowrap text-muted-foreground">{formatDateTime(row.klarnaCreatedAt)}</Td>
              <Td className="whitespace-nowrap text-muted-foreground">
                {row.expiresAt ? formatDateTime(row.expiresAt) : '—'}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
