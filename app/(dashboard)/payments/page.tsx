import type { Metadata } from 'next';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { CsvExport } from '@/components/ui/csv-export';
import { IgnoredFilters } from '@/components/lists/filter-form';
import { ListCard } from '@/components/lists/list-card';
import { KeysetPager } from '@/components/ui/keyset-pager';
import { LiveRefresh } from '@/components/ui/live-refresh';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import { listPayments, paymentsVersion } from '@/lib/payments/cache';
import { queryString } from '@/lib/ui/search-params';
import { filterLabels, filtersOf, parsePaymentSearch } from './_components/list-search';
import { merchantById, merchantNames } from '@/lib/merchants/names';
import { CreateLinkButton } from './_components/create-link-button';
import { PaymentFilters } from './_components/payment-filters';
import { PaymentsTable } from './_components/payments-table';

export const metadata: Metadata = { title: 'Payments' };

export default async function PaymentsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('dashboard.read');
  const { db, actor } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const { raw, filter, invalid, filtered } = parsePaymentSearch(await searchParams);
  const canOperate = can(actor.role, 'payments.operate');
  // The fingerprint first: a webhook landing while the page renders makes the next poll refresh it.
  const version = await paymentsVersion(db);
  const [page, chosen] = await Promise.all([
    listPayments(db, { ...filter, limit: 50 }),
    raw.account ? merchantById(db, raw.account) : null,
  ]);
  // The filter's merchant shown by name after a reload; an id we do not know is shown as it is.
  const merchant = raw.account
    ? {
        accountId: raw.account,
        name: chosen?.accountName ?? raw.account,
        reference: chosen?.accountReference ?? '',
        blockedReason: null,
      }
    : null;
  const names = await merchantNames(
    db,
    page.rows.map((r) => r.accountId),
  );
  const current = filtersOf(raw);

  return (
    <>
      <PageHeader
        title="Payments"
        description="Klarna payment transactions across your merchants. The list is this dashboard's copy, kept current by Klarna's webhooks; open a payment to capture, refund or release it."
        actions={
          <div className="flex flex-wrap items-center gap-3">
            <LiveRefresh
              url="/api/payments/version"
              version={version}
              label="Live: Klarna's webhooks update this list"
            />
            <CsvExport href={`/api/payments/export${queryString(current)}`} counted />
            {canOperate && <CreateLinkButton />}
          </div>
        }
      />
      <PaymentFilters raw={raw} merchant={merchant} />
      <IgnoredFilters
        names={invalid.map((i) => `${filterLabels[i.field as keyof typeof filterLabels] ?? i.field} (${i.message})`)}
      />
      <ListCard
        isEmpty={page.rows.length === 0}
        empty={
          <>
            {filtered || raw.cursor ? (
              <p>No payment matches these filters.</p>
            ) : (
              <p className="max-w-xl">
                No payments yet. Payments arrive here from Klarna&apos;s webhooks when shoppers pay your merchants, from
                payment links created in this dashboard, and when a payment is refreshed from Klarna.
              </p>
            )}
            {!filtered && canOperate && (
              <Button asChild variant="secondary">
                <Link href="/payments/links/new">Create a payment link</Link>
              </Button>
            )}
          </>
        }
        pager={
          (page.nextCursor || raw.cursor) && (
            <KeysetPager label="Payment pages" filters={current} cursor={raw.cursor} nextCursor={page.nextCursor} />
          )
        }
      >
        <PaymentsTable rows={page.rows} names={names} sort={filter.sort} filters={current} />
      </ListCard>
      <p className="mt-2 text-xs text-muted-foreground">
        Times in UTC. The export holds every payment matching the filters, amounts in major and minor units.
      </p>
    </>
  );
}
