import { TimelineCard } from '@/components/ui/timeline-card';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import QRCode from 'qrcode';
import { CheckCircle2, ExternalLink } from 'lucide-react';
import { Forbidden } from '@/components/shell/forbidden';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import { LiveRefresh } from '@/components/ui/live-refresh';
import { Table, Td, Th } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import {
  cancelableLinkStates,
  describeLinkTimeline,
  getPaymentLink,
  isFinalLinkState,
  listPaymentLinkTimeline,
  openLinkStates,
  paymentLinkVersion,
} from '@/lib/payments/links';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import { decodeSegment } from '@/lib/ui/search-params';
import { CopyButton } from '@/components/forms/copy-button';
import { CancelLinkButton } from '../_components/cancel-link-button';
import { LinkStateBadge, linkStateLabels } from '../_components/link-state-badge';

export const metadata: Metadata = { title: 'Payment link' };
export const dynamic = 'force-dynamic';

type WireLine = {
  name?: unknown;
  quantity?: unknown;
  unit_price?: unknown;
  total_line_amount?: unknown;
  type?: unknown;
};

export default async function PaymentLinkPage({ params }: { params: Promise<{ paymentRequestId: string }> }) {
  const { ctx, denied } = await pageContext('dashboard.read');
  const { db, actor } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const paymentRequestId = decodeSegment((await params).paymentRequestId);
  // The fingerprint first: a webhook landing while the page renders makes the next poll refresh it.
  const version = await paymentLinkVersion(db, paymentRequestId);
  const link = await getPaymentLink(db, paymentRequestId);
  if (!link) notFound();
  const timeline = await listPaymentLinkTimeline(db, paymentRequestId);

  const currency = link.currency ?? '';
  const amount = link.paymentAmount !== null && currency ? formatMinorUnits(link.paymentAmount, currency) : '—';
  const merchant = link.merchantName ?? link.accountId;
  const open = openLinkStates.includes(link.state);
  const sent = ((link.klarna?.payment_request ?? {}) as { line_items?: WireLine[] | null }).line_items ?? [];
  const qr =
    open && link.distributionUrl
      ? await QRCode.toString(link.distributionUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
      : null;
  const canOperate = can(actor.role, 'payments.operate');
  const cancelBlock = cancelableLinkStates.includes(link.state)
    ? null
    : `Klarna no longer allows canceling: the link is ${(linkStateLabels[link.state] ?? link.state).toLowerCase()}.`;

  return (
    <>
      <p className="mb-2 text-sm">
        <Link className="text-muted-foreground underline underline-offset-4" href="/payments/links">
          ← Payment links
        </Link>
      </p>
      <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div className="grid min-w-0 gap-2">
          <h1 className="text-2xl font-semibold tracking-tight">
            Payment link ·{' '}
            <span className="tabular-nums" data-testid="link-amount">
              {amount}
            </span>
          </h1>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <span className="text-muted-foreground">State</span>
            <LinkStateBadge state={link.state} testId="link-state" />
            <LiveRefresh
              url={`/api/payments/links/${encodeURIComponent(paymentRequestId)}/version`}
              version={version}
              fast={!isFinalLinkState(link.state)}
              label="Live: Klarna’s webhooks update this page"
            />
          </div>
          <p className="text-sm text-muted-foreground">
            For{' '}
            <Link className="underline underline-offset-4" href={`/merchants/${encodeURIComponent(link.accountId)}`}>
              {merchant}
            </Link>
          </p>
        </div>
        {canOperate && (
          <div className="grid justify-items-end gap-1">
            <CancelLinkButton
              accountId={link.accountId}
              paymentRequestId={paymentRequestId}
              amount={amount}
              merchant={merchant}
              disabledReason={cancelBlock}
            />
            {cancelBlock && <p className="max-w-64 text-right text-xs text-muted-foreground">{cancelBlock}</p>}
          </div>
        )}
      </div>

      <div className="grid grid-cols-1 gap-4">
        <StateNote state={link.state} paymentTransactionId={link.paymentTransactionId} />

        {link.distributionUrl && (
          <Card>
            <CardHeader
              title="Share with the shopper"
              description={
                open
                  ? 'Send the link or show the QR code; the shopper pays on Klarna’s page and returns here to confirm.'
                  : 'The shopper can no longer pay through this link.'
              }
            />
            <CardBody className="flex flex-wrap items-start gap-6">
              <div className="grid min-w-0 flex-1 gap-2">
                <p className="text-sm font-medium" id="distribution-url-label">
                  Payment link
                </p>
                <div className="flex min-w-0 flex-wrap items-center gap-1">
                  <code
                    className="font-mono text-xs break-all"
                    data-testid="distribution-url"
                    aria-labelledby="distribution-url-label"
                  >
                    {link.distributionUrl}
                  </code>
                  <CopyButton value={link.distributionUrl} label="payment link" />
                </div>
                {open && (
                  <p>
                    <a
                      className="inline-flex items-center gap-1 text-sm underline underline-offset-4"
                      href={link.distributionUrl}
                      target="_blank"
                      rel="noopener noreferrer"
                    >
                      Open the shopper’s page <ExternalLink className="size-3.5" aria-hidden />
                    </a>
                  </p>
                )}
              </div>
              {qr && (
                <figure className="grid justify-items-center gap-1">
                  <div
                    role="img"
                    aria-label={`QR code of the payment link for ${amount}`}
                    className="size-44 rounded-md border bg-white p-1 [&>svg]:size-full"
                    // The SVG is generated here from the link Klarna returned; no user HTML.
                    dangerouslySetInnerHTML={{
                      __html: qr.replace('<svg ', '<svg aria-hidden="true" focusable="false" '),
                    }}
                  />
                  <figcaption className="text-xs text-muted-foreground">Scan to pay</figcaption>
                </figure>
              )}
            </CardBody>
          </Card>
        )}

        <Card>
          <CardHeader title="Details" />
          <CardBody>
            <DetailList
              items={[
                ['Amount', amount],
                ['Payment reference', link.paymentReference ?? '—'],
                ['Merchant reference', link.merchantReference ?? '—'],
                ['Merchant', merchant],
                [
                  'Payment request id',
                  <span key="id" className="inline-flex flex-wrap items-center gap-1">
                    <code className="font-mono text-xs break-all" data-testid="payment-request-id">
                      {link.paymentRequestId}
                    </code>
                    <CopyButton value={link.paymentRequestId} label="payment request id" />
                  </span>,
                ],
                ['Created (UTC)', formatDateTime(link.createdAt)],
                ['Expires (UTC)', link.expiresAt ? formatDateTime(link.expiresAt) : '—'],
                ['Last change at Klarna (UTC)', link.klarnaUpdatedAt ? formatDateTime(link.klarnaUpdatedAt) : '—'],
              ]}
            />
          </CardBody>
        </Card>

        {sent.length > 0 && (
          <Card>
            <CardHeader title="Line items" />
            <Table caption="Line items">
              <thead>
                <tr>
                  <Th>Item</Th>
                  <Th className="text-right">Quantity</Th>
                  <Th className="text-right">Unit price</Th>
                  <Th className="text-right">Total</Th>
                </tr>
              </thead>
              <tbody>
                {sent.map((line, i) => (
                  <tr key={i}>
                    <Td>
                      {String(line.name ?? '')}
                      {typeof line.type === 'string' && line.type !== 'physical' && (
                        <span className="ml-1 text-xs text-muted-foreground">({line.type.replace(/_/g, ' ')})</span>
                      )}
                    </Td>
                    <Td className="text-right tabular-nums">{String(line.quantity ?? '')}</Td>
                    <Td className="text-right tabular-nums">
                      {typeof line.unit_price === 'number' ? formatMinorUnits(line.unit_price, currency) : '—'}
                    </Td>
                    <Td className="text-right tabular-nums">
                      {typeof line.total_line_amount === 'number'
                        ? formatMinorUnits(line.total_line_amount, currency)
                        : '—'}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Card>
        )}

        <TimelineCard
          rows={timeline.map((row) => ({
            ...row,
            summary: describeLinkTimeline(row),
            amount: row.amount !== null && row.currency ? formatMinorUnits(row.amount, row.currency) : '',
          }))}
          description="The link’s creation and cancel here, and Klarna’s webhooks about its state. Newest first."
          empty="Nothing recorded yet."
          withAmount
        />
      </div>
    </>
  );
}

function StateNote({ state, paymentTransactionId }: { state: string; paymentTransactionId: string | null }) {
  if (state === 'AUTHORIZED') {
    // Not a success-toned Alert: its tinted text is below 4.5:1 in the light theme.
    return (
      <Card className="flex gap-3 border-success/40 px-4 py-3" role="status">
        <CheckCircle2 className="mt-0.5 size-5 shrink-0 text-success" aria-hidden />
        <div className="grid gap-2 text-sm">
          <p className="font-medium">The shopper paid: Klarna authorized the payment</p>
          {paymentTransactionId ? (
            <div className="flex flex-wrap items-center gap-2">
              <span>
                Transaction{' '}
                <code className="font-mono text-xs break-all" data-testid="payment-transaction-id">
                  {paymentTransactionId}
                </code>
              </span>
              <Button asChild size="sm" variant="secondary">
                <Link href={`/payments/${encodeURIComponent(paymentTransactionId)}`}>Open payment</Link>
              </Button>
            </div>
          ) : (
            <p className="text-muted-foreground">
              Klarna has not named the transaction yet; it appears here when it does.
            </p>
          )}
        </div>
      </Card>
    );
  }
  const notes: Record<string, { tone: 'info' | 'warning' | 'danger'; title: string; text: string }> = {
    SUBMITTED: {
      tone: 'info',
      title: 'Waiting for the shopper',
      text: 'Nobody has opened the link yet. This page updates by itself when the shopper does.',
    },
    IN_PROGRESS: {
      tone: 'info',
      title: 'The shopper is on Klarna’s page',
      text: 'This page updates by itself when they approve or are declined.',
    },
    PENDING_CONFIRMATION: {
      tone: 'warning',
      title: 'Approved, waiting for confirmation',
      text: 'The shopper approved. The payment is confirmed when they return to this dashboard; an approval not confirmed within 60 minutes expires.',
    },
    DECLINED: {
      tone: 'danger',
      title: 'Klarna declined the shopper',
      text: 'No payment was made. The shopper can pay another way; create a new link if they want to try Klarna again.',
    },
    CANCELED: {
      tone: 'info',
      title: 'Canceled',
      text: 'The link was canceled; the shopper can no longer pay through it.',
    },
    EXPIRED: {
      tone: 'info',
      title: 'Expired',
      text: 'The link expired before the payment was completed (links are open for 48 hours, approvals for 60 minutes).',
    },
  };
  const note = notes[state];
  return note ? (
    <Alert tone={note.tone} title={note.title}>
      {note.text}
    </Alert>
  ) : null;
}
