import Link from 'next/link';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import type { PaymentTransactionRow } from '@/db/schema';
import type { PaymentTransaction } from '@/lib/klarna/schemas/payments';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import { PaymentStateBadge } from '../../_components/payment-state-badge';
import { obj, personName, str } from './detail-bits';

export function OverviewCard({
  row,
  transaction: t,
  merchantName,
}: {
  row: PaymentTransactionRow;
  transaction: PaymentTransaction | null;
  merchantName: string;
}) {
  const customer = obj(t?.customer);
  return (
    <Card>
      <CardHeader title="Payment" description="The transaction as Klarna keeps it." />
      <CardBody>
        <DetailList
          items={[
            [
              'Merchant',
              <Link
                key="m"
                className="underline underline-offset-4"
                href={`/merchants/${encodeURIComponent(row.accountId)}`}
              >
                {merchantName}
              </Link>,
            ],
            [
              'Merchant account id',
              <span key="a" className="font-mono text-xs">
                {row.accountId}
              </span>,
            ],
            ['State', <PaymentStateBadge key="s" row={row} />],
            ['Currency', row.currency],
            ['Purchase country', t?.purchase_country ?? '—'],
            [
              'Customer',
              customer ? [personName(customer), str(customer.email)].filter(Boolean).join(', ') || '—' : '—',
            ],
            [
              'Payment request id',
              row.paymentRequestId ? (
                <span key="r" className="font-mono text-xs">
                  {row.paymentRequestId}
                </span>
              ) : (
                '—'
              ),
            ],
            [
              'Released',
              typeof t?.released_amount === 'number' && t.released_amount > 0
                ? formatMinorUnits(t.released_amount, row.currency)
                : '—',
            ],
            ['Created at Klarna (UTC)', formatDateTime(row.klarnaCreatedAt)],
            ['Last changed at Klarna (UTC)', formatDateTime(row.klarnaUpdatedAt)],
            ['Last read from Klarna (UTC)', row.lastSyncedAt ? formatDateTime(row.lastSyncedAt) : 'Never'],
          ]}
        />
      </CardBody>
    </Card>
  );
}
