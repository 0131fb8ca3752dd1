import { TimelineCard } from '@/components/ui/timeline-card';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CopyButton } from '@/components/forms/copy-button';
import { Forbidden } from '@/components/shell/forbidden';
import { Alert } from '@/components/ui/alert';
import { LiveRefresh } from '@/components/ui/live-refresh';
import type { PaymentTransactionRow } from '@/db/schema';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import { getCachedMerchant } from '@/lib/merchants/cache';
import { getCachedPayment, listPaymentTimeline, paymentsVersion } from '@/lib/payments/cache';
import { voidedAt } from '@/lib/payments/rules';
import { readPaymentDetail } from '@/lib/payments/detail';
import {
  describeInFlight,
  describeUnresolved,
  listInFlightOperations,
  listUnresolvedOperations,
} from '@/lib/payments/service';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import { decodeSegment, firstValues } from '@/lib/ui/search-params';
import { CapturesCards } from './_components/captures-cards';
import { LinesCard } from './_components/lines-card';
import { UrlTabs } from '@/components/ui/url-tabs';
import { LostOutcomes } from './_components/lost-outcomes';
import { OverviewCard } from './_components/overview-card';
import { PaymentActions } from './_components/payment-actions';
import { PricingCard } from './_components/pricing-card';
import { graceEndsAt, operationBlocks, operations } from '@/lib/payments/operation-blocks';
import { ShippingCards } from './_components/shipping-cards';
import { PaymentStateBadge } from '../_components/payment-state-badge';
import { describeTimeline } from './_components/timeline';
import { paymentView } from './_components/view';

export const metadata: Metadata = { title: 'Payment' };
export const dynamic = 'force-dynamic';

export default async function PaymentPage({
  params,
  searchParams,
}: {
  params: Promise<{ paymentTransactionId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('dashboard.read');
  const { db, actor } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const id = decodeSegment((await params).paymentTransactionId);
  const { tab } = firstValues(await searchParams);
  const cached = await getCachedPayment(db, id);
  if (!cached) notFound();
  const { row, transaction, readError } = await readPaymentDetail(ctx, cached);
  // After the read (which may update the cache), before the timeline: a webhook landing later refreshes the page.
  const version = await paymentsVersion(db, id);
  const [timeline, merchant] = await Promise.all([
    listPaymentTimeline(db, { paymentTransactionId: id, paymentRequestId: row.paymentRequestId }),
    getCachedMerchant(db, row.accountId),
  ]);
  const merchantName = merchant?.accountName ?? row.accountId;
  const view = paymentView(row, transaction, merchantName);
  const { currency } = view;
  const money = (amount: number) => formatMinorUnits(amount, currency);
  const canOperate = can(actor.role, 'payments.operate');
  const now = new Date();
  // Operations whose answer was lost and whose outcome Klarna could not tell yet: nothing else may be sent meanwhile.
  const unresolved = (await listUnresolvedOperations(db, id, now)).map(describeUnresolved);
  const known = operationBlocks(
    {
      state: row.state,
      currency,
      authorized: row.authorizedAmount,
      captured: row.capturedAmount,
      refunded: row.refundedAmount,
      remaining: row.remainingAuthorizedAmount,
      expiresAt: row.expiresAt,
      detailsKnown: transaction !== null,
      voidedAt: transaction?.voided_at ? new Date(transaction.voided_at) : await voidedAt(db, row),
    },
    now,
  );
  // Operations sent and still waiting for Klarna's answer (retries may take minutes): no second one meanwhile.
  const inFlight = unresolved.length ? [] : (await listInFlightOperations(db, id, now)).map(describeInFlight);
  const waiting = unresolved.length
    ? 'Waiting until Klarna tells the outcome of an earlier operation (see above).'
    : 'Waiting for Klarna’s answer to the operation in progress (see above).';
  const blocks =
    unresolved.length || inFlight.length
      ? (Object.fromEntries(operations.map((op) => [op, waiting])) as typeof known)
      : known;
  const fast = row.state === 'AUTHORIZED' && row.expiresAt !== null && row.expiresAt.getTime() < now.getTime();

  const tabs = [
    {
      id: 'overview',
      label: 'Overview',
      content: (
        <>
          <OverviewCard row={row} transaction={transaction} merchantName={merchantName} />
          <TimelineCard
            rows={timeline.map((row) => ({
              ...row,
              summary: describeTimeline(row, transaction, currency),
              amount: row.amount !== null ? formatMinorUnits(row.amount, row.currency ?? currency) : '',
            }))}
            description="Operations made here, Klarna’s webhooks about this payment and its payment request, and differences found on reading from Klarna. Newest first."
            empty="Nothing recorded yet. Operations made here and Klarna’s events about this payment appear here."
            withAmount
          />
        </>
      ),
    },
    { id: 'lines', label: 'Line items', content: <LinesCard transaction={transaction} currency={currency} /> },
    { id: 'shipping', label: 'Shipping', content: <ShippingCards transaction={transaction} /> },
    {
      id: 'captures',
      label: `Captures (${transaction?.captures.length ?? 0})`,
      content: (
        <CapturesCards transaction={transaction} view={view} canOperate={canOperate} refundBlock={blocks.refund} />
      ),
    },
    { id: 'pricing', label: 'Pricing', content: <PricingCard transaction={transaction} currency={currency} /> },
  ];

  return (
    <>
      <p className="mb-2 text-sm">
        <Link className="text-muted-foreground underline underline-offset-4" href="/payments">
          ← Payments
        </Link>
      </p>
      <div className="mb-4 grid gap-2">
        <h1 className="text-2xl font-semibold tracking-tight break-words">Payment {view.label}</h1>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span data-testid="payment-state">
            <PaymentStateBadge row={row} />
          </span>
          <span className="text-muted-foreground">for</span>
          <Link
            className="font-medium underline underline-offset-4"
            href={`/merchants/${encodeURIComponent(row.accountId)}`}
          >
            {merchantName}
          </Link>
          <LiveRefresh url={`/api/payments/version?id=${encodeURIComponent(id)}`} version={version} fast={fast} />
        </div>
        <dl className="grid gap-1 text-sm sm:grid-cols-[max-content_1fr] sm:gap-x-3">
          <dt className="text-muted-foreground">Merchant reference</dt>
          <dd>{row.merchantReference || '—'}</dd>
          <dt className="text-muted-foreground">Payment reference</dt>
          <dd>{row.paymentReference || '—'}</dd>
          <dt className="text-muted-foreground">Transaction id</dt>
          <dd className="flex min-w-0 flex-wrap items-center gap-1">
            <code className="font-mono text-xs break-all" data-testid="transaction-id">
              {id}
            </code>
            <CopyButton value={id} label="transaction id" />
          </dd>
          <dt className="text-muted-foreground">
            {row.state === 'EXPIRED' ? 'Expired (UTC)' : 'Authorization expires (UTC)'}
          </dt>
          <dd data-testid="expires">{expiryText(row)}</dd>
        </dl>
      </div>

      <dl aria-label="Amounts" className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
        {(
          [
            ['authorized', 'Authorized', row.authorizedAmount],
            ['captured', 'Captured', row.capturedAmount],
            ['refunded', 'Refunded', row.refundedAmount],
            ['remaining', 'Remaining to capture', row.remainingAuthorizedAmount],
          ] as const
        ).map(([key, label, amount]) => (
          <div key={key} className="rounded-lg border bg-card px-4 py-3 shadow-xs">
            <dt className="text-xs text-muted-foreground">{label}</dt>
            <dd className="text-lg font-semibold tabular-nums" data-testid={`amount-${key}`}>
              {money(amount)}
            </dd>
          </div>
        ))}
      </dl>

      <LostOutcomes accountId={row.accountId} paymentTransactionId={id} unresolved={unresolved} />
      {inFlight.length > 0 && (
        <Alert tone="info" title="An operation is in progress" className="mb-4">
          {inFlight.map((sentence) => (
            <p key={sentence}>{sentence}</p>
          ))}
          <p>Actions on this payment wait for its answer.</p>
        </Alert>
      )}

      <PaymentActions view={view} blocks={blocks} canOperate={canOperate} />

      {readError && (
        <Alert
          tone="warning"
          title={transaction ? 'Klarna could not be read just now' : 'Only the amounts are known'}
          className="mb-4"
        >
          {readError}{' '}
          {transaction
            ? `The details below were last read from Klarna ${row.lastSyncedAt ? `at ${formatDateTime(row.lastSyncedAt)} UTC` : 'some time ago'}; the amounts above are current.`
            : 'Klarna’s webhook told the dashboard the state and amounts; the lines, shipping, captures and pricing come with a read from Klarna. Refresh from Klarna to load them.'}
        </Alert>
      )}

      <UrlTabs tabs={tabs} initial={tab ?? 'overview'} label="Payment sections" />
    </>
  );
}

function expiryText(row: PaymentTransactionRow): string {
  if (!row.expiresAt) return '—';
  if (row.state === 'EXPIRED') {
    const grace = graceEndsAt(row.expiresAt)!;
    return `${formatDateTime(row.expiresAt)}; can be reauthorized until ${formatDateTime(grace)}`;
  }
  if (row.state === 'COMPLETED' || row.state === 'CLOSED')
    return `${formatDateTime(row.expiresAt)} (no longer relevant: ${row.state === 'COMPLETED' ? 'completed' : 'closed'})`;
  return formatDateTime(row.expiresAt);
}
