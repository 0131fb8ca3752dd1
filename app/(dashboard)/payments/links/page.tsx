import type { Metadata } from 'next';
import Link from 'next/link';
import { ListCard } from '@/components/lists/list-card';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { KeysetPager } from '@/components/ui/keyset-pager';
import { LiveRefresh } from '@/components/ui/live-refresh';
import { Table, Td, Th } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import { listPaymentLinks, paymentLinksVersion } from '@/lib/payments/links';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import { firstValues } from '@/lib/ui/search-params';
import { CreateLinkButton } from '../_components/create-link-button';
import { LinkStateBadge } from './_components/link-state-badge';

export const metadata: Metadata = { title: 'Payment links' };
export const dynamic = 'force-dynamic';

export default async function PaymentLinksPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('dashboard.read');
  const { db, actor } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const { q, cursor } = firstValues(await searchParams);
  // Read before the list, so a change in between shows at the first poll rather than never.
  const version = await paymentLinksVersion(db);
  const page = await listPaymentLinks(db, { q: q?.slice(0, 255), cursor });
  const canCreate = can(actor.role, 'payments.operate');

  return (
    <>
      <PageHeader
        title="Payment links"
        description="Payment requests created in this dashboard: the shopper pays through Klarna’s link and returns here to confirm. States are kept current by Klarna’s webhooks."
        actions={
          <div className="flex flex-wrap items-center gap-3">
            <LiveRefresh
              url="/api/payments/links/version"
              version={version}
              label="Live: Klarna’s webhooks update this list"
            />
            <Button asChild variant="secondary">
              <Link href="/payments">Payments</Link>
            </Button>
            {canCreate && <CreateLinkButton />}
          </div>
        }
      />
      <Card className="mb-4 p-4">
        <form className="flex flex-wrap items-end gap-3" method="get" aria-label="Search payment links">
          <Field
            label="Search"
            hint="Payment or merchant reference (its start), or the payment request id"
            className="min-w-64 flex-1"
          >
            {(c) => <Input {...c} name="q" defaultValue={q ?? ''} />}
          </Field>
          <div className="flex gap-2">
            <Button type="submit">Search</Button>
            <Button asChild variant="ghost">
              <Link href="/payments/links">Clear</Link>
            </Button>
          </div>
        </form>
      </Card>
      <ListCard
        isEmpty={page.rows.length === 0}
        empty={
          <p>
            {q
              ? 'No payment link matches this search.'
              : canCreate
                ? 'No payment links yet. Create one for a merchant; the shopper pays through it.'
                : 'No payment links yet. An operator creates them.'}
          </p>
        }
        pager={
          (page.nextCursor || cursor) && (
            <KeysetPager label="Payment link pages" filters={{ q }} cursor={cursor} nextCursor={page.nextCursor} />
          )
        }
      >
        <Table caption="Payment links, newest first">
          <thead>
            <tr>
              <Th>Created (UTC)</Th>
              <Th>Merchant</Th>
              <Th>Payment reference</Th>
              <Th className="text-right">Amount</Th>
              <Th>State</Th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((row) => {
              const href = `/payments/links/${encodeURIComponent(row.paymentRequestId)}`;
              return (
                <tr key={row.paymentRequestId}>
                  <Td className="whitespace-nowrap">
                    <Link
                      className="font-medium underline-offset-4 hover:underline"
                      href={href}
                      aria-label={`Payment link ${row.paymentReference ?? row.paymentRequestId}, created ${formatDateTime(row.createdAt)} UTC`}
                    >
                      {formatDateTime(row.createdAt)}
                    </Link>
                  </Td>
                  <Td>{row.merchantName ?? <span className="font-mono text-xs break-all">{row.accountId}</span>}</Td>
                  <Td>
                    {row.paymentReference ?? '—'}
                    {row.merchantReference && (
                      <div className="text-xs text-muted-foreground">Order {row.merchantReference}</div>
                    )}
                  </Td>
                  <Td className="text-right whitespace-nowrap tabular-nums">
                    {row.paymentAmount !== null && row.currency
                      ? formatMinorUnits(row.paymentAmount, row.currency)
                      : '—'}
                  </Td>
                  <Td>
                    <LinkStateBadge state={row.state} />
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      </ListCard>
    </>
  );
}
