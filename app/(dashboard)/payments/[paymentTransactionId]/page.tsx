import { TimelineCard } from '@/components/ui/timeline-card';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CopyButton } from '@/components/forms/copy-button';
import { Forbidden } from '@/components/shell/forbidden';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import { LiveRefresh } from '@/components/ui/live-refresh';
import { Table, Td, Th } from '@/components/ui/table';
import type { PaymentTransactionRow } from '@/db/schema';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import type { Capture, PaymentTransaction, Refund } from '@/lib/klarna/schemas/payments';
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
import { formatMinorUnits, formatRatePercent } from '@/lib/ui/money';
import { decodeSegment, firstValues } from '@/lib/ui/search-params';
import { CaptureDialog } from './_components/capture-dialog';
import {
  isReducingLine,
  lineKey,
  lineTypeLabel,
  quantitiesByKey,
  toWireLines,
  type WireLine,
} from './_components/lines';
import { UrlTabs } from '@/components/ui/url-tabs';
import { LostOutcomes } from './_components/lost-outcomes';
import { ReauthorizeDialog } from './_components/reauthorize-dialog';
import { RefreshButton } from './_components/refresh-button';
import { RefundDialog } from './_components/refund-dialog';
import { ReleaseDialog } from './_components/release-dialog';
import { graceEndsAt, operationBlocks, operations, type Operation } from './_components/rules';
import { PaymentStateBadge } from '../_components/payment-state-badge';
import { describeTimeline } from './_components/timeline';
import { UpdateDialog } from './_components/update-dialog';
import { captureLabel, paymentView, shipmentsOf, type PaymentView } from './_components/view';

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
  const reasonGroups = groupReasons(blocks);
  const reasonId = (op: Operation) => reasonGroups.find((g) => g.ops.includes(op))?.id;
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

      <section aria-label="Payment actions" className="mb-4 grid gap-2">
        <div className="flex flex-wrap items-center gap-2">
          {canOperate && (
            <>
              <CaptureDialog payment={view} disabledReason={blocks.capture} reasonId={reasonId('capture')} />
              <RefundDialog payment={view} disabledReason={blocks.refund} reasonId={reasonId('refund')} />
              <ReleaseDialog payment={view} disabledReason={blocks.release} reasonId={reasonId('release')} />
              <UpdateDialog payment={view} disabledReason={blocks.update} reasonId={reasonId('update')} />
              <ReauthorizeDialog
                payment={view}
                disabledReason={blocks.reauthorize}
                reasonId={reasonId('reauthorize')}
              />
            </>
          )}
          <RefreshButton accountId={row.accountId} paymentTransactionId={id} />
        </div>
        {canOperate ? (
          reasonGroups.length > 0 && (
            <ul className="grid gap-0.5 text-xs text-muted-foreground" aria-label="Unavailable actions">
              {reasonGroups.map((g) => (
                <li key={g.id} id={g.id}>
                  <span className="font-medium text-foreground">{g.label}:</span> {g.reason}
                </li>
              ))}
            </ul>
          )
        ) : (
          <p className="text-xs text-muted-foreground">
            You can see this payment; capturing, refunding and changing it needs the operator role.
          </p>
        )}
      </section>

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

const operationLabels: Record<Operation, string> = {
  capture: 'Capture',
  refund: 'Refund',
  release: 'Release',
  update: 'Update',
  reauthorize: 'Reauthorize',
};

/** Disabled actions grouped by their reason, so a closed payment says it once. */
function groupReasons(
  blocks: Record<Operation, string | null>,
): { id: string; ops: Operation[]; label: string; reason: string }[] {
  const groups: { id: string; ops: Operation[]; label: string; reason: string }[] = [];
  for (const op of operations) {
    const reason = blocks[op];
    if (!reason) continue;
    const group = groups.find((g) => g.reason === reason);
    if (group) group.ops.push(op);
    else groups.push({ id: `blocked-${op}`, ops: [op], label: '', reason });
  }
  for (const g of groups) {
    const names = g.ops.map((op, i) => (i === 0 ? operationLabels[op] : operationLabels[op].toLowerCase()));
    g.label = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  }
  return groups;
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

function dateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : formatDateTime(at);
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function personName(p: Obj | null): string {
  return p ? [str(p.given_name), str(p.family_name)].filter(Boolean).join(' ') : '';
}

function AddressLines({ value }: { value: unknown }) {
  const a = obj(value);
  if (!a) return <span className="text-muted-foreground">—</span>;
  const lines = [
    str(a.street_address),
    str(a.street_address2),
    [str(a.postal_code), str(a.city)].filter(Boolean).join(' '),
    [str(a.region), str(a.country)].filter(Boolean).join(', '),
  ].filter(Boolean);
  return (
    <span className="grid">
      {lines.map((l) => (
        <span key={l}>{l}</span>
      ))}
    </span>
  );
}

function OverviewCard({
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

function NoDetails() {
  return (
    <Card>
      <CardBody>
        <p className="text-sm text-muted-foreground">
          Not known yet: the dashboard has only the amounts from Klarna’s webhook. Refresh from Klarna to load the
          details.
        </p>
      </CardBody>
    </Card>
  );
}

function LinesCard({ transaction: t, currency }: { transaction: PaymentTransaction | null; currency: string }) {
  if (!t) return <NoDetails />;
  const lines = toWireLines(t.line_items);
  const money = (v: number) => formatMinorUnits(v, currency);
  const total = lines.reduce((s, l) => s + l.total_line_amount, 0);
  // Everything captured means every line was, whether or not each capture named its lines.
  const allCaptured = total > 0 && t.captured_amount >= total;
  const capturesKnown = allCaptured || t.captures.every((c) => Boolean(c.line_items));
  const captured = quantitiesByKey(allCaptured ? [lines] : t.captures.map((c) => toWireLines(c.line_items)));
  const refunded = quantitiesByKey(t.refunds.map((r) => toWireLines(r.line_items)));
  return (
    <Card>
      <CardHeader
        title="Line items"
        description={
          capturesKnown
            ? 'What the shopper bought, and how much of each line was captured and refunded by line.'
            : 'What the shopper bought. Some captures named no lines, so captured quantities are not known per line.'
        }
      />
      {lines.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-muted-foreground">
          Klarna lists no line items for this payment.
        </p>
      ) : (
        <Table caption="Line items">
          <thead>
            <tr>
              <Th>Item</Th>
              <Th>Type</Th>
              <Th className="text-right">Quantity</Th>
              <Th className="text-right">Unit price</Th>
              <Th className="text-right">Discount</Th>
              <Th className="text-right">Tax</Th>
              <Th className="text-right">Total</Th>
              <Th className="text-right">Captured</Th>
              <Th className="text-right">Refunded</Th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              <tr key={`${lineKey(l)}-${i}`}>
                <Td>
                  <div className="font-medium">{l.name}</div>
                  {l.reference && <div className="font-mono text-xs text-muted-foreground">{l.reference}</div>}
                </Td>
                <Td>
                  {isReducingLine(l) ? <Badge tone="warning">{lineTypeLabel(l.type)}</Badge> : lineTypeLabel(l.type)}
                </Td>
                <Td className="text-right tabular-nums">{l.quantity}</Td>
                <Td className="text-right tabular-nums whitespace-nowrap">{money(l.unit_price)}</Td>
                <Td className="text-right tabular-nums whitespace-nowrap">
                  {l.total_discount_amount ? money(l.total_discount_amount) : '—'}
                </Td>
                <Td className="text-right tabular-nums whitespace-nowrap">
                  {l.total_tax_amount !== undefined ? money(l.total_tax_amount) : '—'}
                  {l.tax_rate !== undefined && (
                    <div className="text-xs text-muted-foreground">{formatTaxRate(l.tax_rate)}</div>
                  )}
                </Td>
                <Td className="text-right font-medium tabular-nums whitespace-nowrap">{money(l.total_line_amount)}</Td>
                <Td className="text-right tabular-nums">{capturesKnown ? (captured.get(lineKey(l)) ?? 0) : '?'}</Td>
                <Td className="text-right tabular-nums">{refunded.get(lineKey(l)) ?? 0}</Td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <Td colSpan={6} className="text-right font-medium">
                Total
              </Td>
              <Td className="text-right font-semibold tabular-nums whitespace-nowrap" data-testid="lines-total">
                {money(total)}
              </Td>
              <Td colSpan={2} />
            </tr>
          </tfoot>
        </Table>
      )}
    </Card>
  );
}

/** Klarna's order-line tax rate is percent × 100 (25 % = 2500). */
function formatTaxRate(rate: number): string {
  return `${Math.floor(rate / 100)}.${String(rate % 100).padStart(2, '0')} %`;
}

function sameAddress(a: unknown, b: unknown): boolean {
  return JSON.stringify(obj(a) ?? null) === JSON.stringify(obj(b) ?? null);
}

function ShippingCards({ transaction: t }: { transaction: PaymentTransaction | null }) {
  if (!t) return <NoDetails />;
  const customer = obj(t.customer);
  const shipping = obj(t.shipping);
  const recipient = obj(shipping?.recipient);
  const differs = Boolean(
    shipping &&
    customer &&
    (!sameAddress(shipping.address, customer.address) || (recipient && personName(recipient) !== personName(customer))),
  );
  const tracking = [
    ...shipmentsOf(t.shipping_info as Obj[] | null | undefined).map((s, i) => ({
      key: `t${i}`,
      where: `Payment, shipment ${i + 1}`,
      ...s,
    })),
    ...t.captures.flatMap((c, ci) =>
      shipmentsOf(c.shipping_info as Obj[] | null | undefined).map((s, i) => ({
        key: `c${ci}-${i}`,
        where: captureLabel({ number: ci + 1, reference: c.capture_reference ?? null }),
        ...s,
      })),
    ),
  ];
  return (
    <>
      <div className="grid gap-4 md:grid-cols-2">
        <Card aria-label="Customer">
          <CardHeader title="Customer" description="Who bought, as the shopper gave it to Klarna." />
          <CardBody>
            <DetailList
              items={[
                ['Name', personName(customer) || '—'],
                ['Email', str(customer?.email) || '—'],
                ['Phone', str(customer?.phone) || '—'],
                ['Address', <AddressLines key="a" value={customer?.address} />],
              ]}
            />
          </CardBody>
        </Card>
        <Card aria-label="Shipping address">
          <CardHeader
            title="Shipping"
            description={differs ? 'Shipped to someone or somewhere other than the customer.' : 'Where the goods go.'}
          />
          <CardBody>
            {shipping ? (
              <DetailList
                items={[
                  ['Recipient', personName(recipient) || '—'],
                  ['Recipient email', str(recipient?.email) || '—'],
                  ['Recipient phone', str(recipient?.phone) || '—'],
                  ['Address', <AddressLines key="a" value={shipping.address} />],
                  ['Shipping method', str(shipping.shipping_method) || '—'],
                ]}
              />
            ) : (
              <p className="text-sm text-muted-foreground">No shipping details: Klarna has only the customer’s.</p>
            )}
          </CardBody>
        </Card>
      </div>
      <Card>
        <CardHeader
          title="Tracking"
          description="Shipments on the payment (changed with Update) and those sent with each capture."
        />
        {tracking.length === 0 ? (
          <p className="px-5 py-8 text-center text-sm text-muted-foreground">
            No tracking yet. Add it when capturing, or with Update references and tracking.
          </p>
        ) : (
          <Table caption="Tracking">
            <thead>
              <tr>
                <Th>Shipment</Th>
                <Th>Shipping company</Th>
                <Th>Tracking number</Th>
                <Th>Tracking URL</Th>
              </tr>
            </thead>
            <tbody>
              {tracking.map((s) => (
                <tr key={s.key}>
                  <Td>{s.where}</Td>
                  <Td>{s.shipping_company || '—'}</Td>
                  <Td className="font-mono text-xs">{s.tracking_number || '—'}</Td>
                  <Td className="max-w-72 truncate text-xs">
                    {s.tracking_url ? (
                      <a
                        className="underline underline-offset-4"
                        href={s.tracking_url}
                        target="_blank"
                        rel="noopener noreferrer"
                      >
                        {s.tracking_url}
                      </a>
                    ) : (
                      '—'
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}

function RefundsTable({
  refunds,
  captures,
  currency,
  caption,
  ofCapture = false,
}: {
  refunds: Refund[];
  captures: Capture[];
  currency: string;
  caption: string;
  ofCapture?: boolean;
}) {
  const captureName = (id: string) => {
    const i = captures.findIndex((c) => c.payment_capture_id === id);
    return i >= 0 ? `capture ${i + 1}` : id;
  };
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          <Th>Refund</Th>
          <Th>Reference</Th>
          <Th>Lines</Th>
          <Th>Created (UTC)</Th>
          <Th className="text-right">Amount</Th>
        </tr>
      </thead>
      <tbody>
        {refunds.map((r) => (
          <tr key={r.payment_refund_id}>
            <Td>
              <span className="font-mono text-xs break-all">{r.payment_refund_id}</span>
              {ofCapture && !r.payment_capture_id && (
                <div className="text-xs text-muted-foreground">
                  A refund of the whole payment, partly or wholly from this capture
                </div>
              )}
              {!r.payment_capture_id && r.allocations && r.allocations.length > 0 && (
                <div className="text-xs text-muted-foreground">
                  Allocated:{' '}
                  {r.allocations
                    .map((a) => `${captureName(a.payment_capture_id)} ${formatMinorUnits(a.amount, currency)}`)
                    .join(', ')}
                </div>
              )}
              {r.description && <div className="text-xs text-muted-foreground">{r.description}</div>}
            </Td>
            <Td>{r.refund_reference || '—'}</Td>
            <Td className="text-xs">{linesText(toWireLines(r.line_items))}</Td>
            <Td className="whitespace-nowrap text-muted-foreground">{dateTime(r.created_at)}</Td>
            <Td className="text-right font-medium tabular-nums whitespace-nowrap">
              {formatMinorUnits(r.amount, currency)}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function linesText(lines: WireLine[]): string {
  return lines.length ? lines.map((l) => `${l.quantity} × ${l.name}`).join(', ') : '—';
}

function CapturesCards({
  transaction: t,
  view,
  canOperate,
  refundBlock,
}: {
  transaction: PaymentTransaction | null;
  view: PaymentView;
  canOperate: boolean;
  refundBlock: string | null;
}) {
  if (!t) return <NoDetails />;
  const { currency } = view;
  const money = (v: number) => formatMinorUnits(v, currency);
  const transactionRefunds = t.refunds.filter((r) => !r.payment_capture_id);
  if (t.captures.length === 0) {
    return (
      <Card>
        <CardBody>
          <p className="py-6 text-center text-sm text-muted-foreground">
            Nothing captured yet. Capture when the goods ship; {money(view.remaining)} remains authorized.
          </p>
        </CardBody>
      </Card>
    );
  }
  return (
    <>
      {t.captures.map((c, i) => {
        const label = captureLabel({ number: i + 1, reference: c.capture_reference ?? null });
        const refundable = c.amount - c.refunded_amount;
        const tracking = shipmentsOf(c.shipping_info as Obj[] | null | undefined);
        const refunds = c.refunds ?? t.refunds.filter((r) => r.payment_capture_id === c.payment_capture_id);
        return (
          <Card key={c.payment_capture_id} aria-label={label}>
            <CardHeader
              title={
                <span className="inline-flex flex-wrap items-baseline gap-2">
                  {label}
                  <span className="tabular-nums">{money(c.amount)}</span>
                </span>
              }
              description={`Captured ${dateTime(c.created_at)} UTC`}
              actions={
                canOperate ? (
                  <RefundDialog
                    payment={view}
                    captureId={c.payment_capture_id}
                    triggerLabel="Refund…"
                    triggerAriaLabel={`Refund ${label.toLowerCase()}`}
                    disabledReason={
                      refundBlock ?? (refundable <= 0 ? 'Everything captured here has been refunded.' : null)
                    }
                  />
                ) : undefined
              }
            />
            <CardBody>
              <DetailList
                items={[
                  [
                    'Capture id',
                    <span key="id" className="font-mono text-xs">
                      {c.payment_capture_id}
                    </span>,
                  ],
                  ['Capture reference', c.capture_reference || '—'],
                  ['Amount', money(c.amount)],
                  ['Refunded', money(c.refunded_amount)],
                  ['Refundable', money(refundable)],
                  ['Lines', c.line_items ? linesText(toWireLines(c.line_items)) : 'Captured by amount'],
                  [
                    'Tracking',
                    tracking.length
                      ? tracking
                          .map((s) =>
                            [s.shipping_company, s.tracking_number, s.tracking_url].filter(Boolean).join(' · '),
                          )
                          .join('; ')
                      : '—',
                  ],
                ]}
              />
            </CardBody>
            {refunds.length > 0 && (
              <RefundsTable
                refunds={refunds}
                captures={t.captures}
                currency={currency}
                caption={`Refunds of ${label.toLowerCase()}`}
                ofCapture
              />
            )}
          </Card>
        );
      })}
      {transactionRefunds.length > 0 && (
        <Card aria-label="Refunds of the whole payment">
          <CardHeader
            title="Refunds of the whole payment"
            description="Refunds made against the payment rather than one capture, while it had a single capture; a payment captured more than once is refunded per capture."
          />
          <RefundsTable
            refunds={transactionRefunds}
            captures={t.captures}
            currency={currency}
            caption="Refunds of the whole payment"
          />
        </Card>
      )}
    </>
  );
}

function PricingCard({ transaction: t, currency }: { transaction: PaymentTransaction | null; currency: string }) {
  if (!t) return <NoDetails />;
  const pricing = t.payment_pricing;
  return (
    <Card>
      <CardHeader
        title="Pricing"
        description="The rate Klarna promised when the payment was confirmed. Provisional: the fixed and variable fees apply per capture, and the settlement file holds the fees charged. Not a final amount to quote to the merchant."
      />
      <CardBody>
        {pricing ? (
          <DetailList
            items={[
              [
                'Price plan',
                pricing.price_plan_id ? (
                  <span key="p" className="font-mono text-xs">
                    {pricing.price_plan_id}
                  </span>
                ) : (
                  'Klarna’s default for this partner'
                ),
              ],
              ['Fixed fee per capture', formatMinorUnits(pricing.rate.fixed, currency)],
              ['Variable fee', formatRatePercent(pricing.rate.variable)],
              [
                'VAT on fees',
                pricing.rate.tax
                  ? `${formatRatePercent(pricing.rate.tax.variable)}${pricing.rate.tax.fixed ? ` + ${formatMinorUnits(pricing.rate.tax.fixed, currency)}` : ''}`
                  : '—',
              ],
            ]}
          />
        ) : (
          <p className="text-sm text-muted-foreground">Klarna gave no pricing for this payment.</p>
        )}
      </CardBody>
    </Card>
  );
}
