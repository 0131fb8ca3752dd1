import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { DataTable } from '@/components/data-table/data-table';
import { PageHeader } from '@/components/shell/page-header';
import { Forbidden } from '@/components/shell/forbidden';
import { Alert } from '@/components/ui/alert';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { CsvExport } from '@/components/ui/csv-export';
import { DetailList } from '@/components/ui/detail-list';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import { NotFoundError } from '@/lib/errors';
import { getRefundBatch, getRefundBatchProgress, listRefundBatchRows, rowFilters } from '@/lib/refunds/service';
import { formatDateTime } from '@/lib/ui/format';
import { formatMajorDecimal, formatMinorUnits } from '@/lib/ui/money';
import { ApproveDialog } from '../_components/approve-dialog';
import { BatchProgress } from '../_components/batch-progress';
import { CancelBatch } from '../_components/cancel-batch';
import { BatchStatusBadge, RowBadge } from '../_components/status';

export const metadata: Metadata = { title: 'Refund batch' };
export const dynamic = 'force-dynamic';

const querySchema = z.object({
  filter: z.enum(rowFilters).catch('all'),
  after: z.coerce.number().int().min(0).max(2_147_483_647).catch(0),
});
const filterLabels: Record<(typeof rowFilters)[number], string> = {
  all: 'All rows',
  will_refund: 'Will refund',
  refused: 'Refused',
  open: 'Not sent yet',
  refunded: 'Refunded',
  declined: 'Declined',
  skipped: 'Skipped',
};
const n = (v: number) => v.toLocaleString('en-GB');
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** One batch: the dry run's counts and totals, its approval, live progress, and every row's verdict and result. */
export default async function RefundBatchPage({
  params,
  searchParams,
}: {
  params: Promise<{ batchId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('dashboard.read');
  if (denied) return <Forbidden message={denied} />;
  let batch;
  try {
    batch = await getRefundBatch(ctx, (await params).batchId);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const sp = await searchParams;
  const { filter, after } = querySchema.parse({ filter: first(sp.filter), after: first(sp.after) ?? 0 });
  const [{ rows, nextAfterLine }, progress] = await Promise.all([
    listRefundBatchRows(ctx, { batchId: batch.id, filter, afterLine: after, limit: 200 }),
    getRefundBatchProgress(ctx, batch.id),
  ]);
  const role = ctx.actor.role;
  const mayRun = can(role, 'refunds.run');
  const isUploader = batch.uploadedBy === ctx.actor.id;
  // Totals in different currencies are not added up: a batch in more than one currency always takes a second person.
  const fourEyesWhy =
    batch.totals.length > 1 ? 'refunds in more than one currency' : 'is above the four-eyes threshold';
  const mayApprove =
    batch.status === 'dry_run' &&
    batch.rowsWillRefund > 0 &&
    mayRun &&
    (batch.approvalRule === 'typed_total' || (can(role, 'refunds.approve') && !isUploader));
  const open = batch.status === 'dry_run' || batch.status === 'queued' || batch.status === 'running';
  const href = (f: string, a?: number) =>
    `/payments/refunds/${batch.id}?${new URLSearchParams({ ...(f !== 'all' ? { filter: f } : {}), ...(a ? { after: String(a) } : {}) })}`;

  return (
    <>
      <PageHeader
        title="Refund batch"
        description={batch.fileName}
        actions={
          <CsvExport
            href={`/api/refunds/batches/${batch.id}/csv`}
            label={batch.status === 'dry_run' ? 'Download verdicts' : 'Download results'}
            counted
          />
        }
      />
      <div className="grid min-w-0 grid-cols-[minmax(0,1fr)] gap-6">
        <Card className="min-w-0">
          <CardHeader
            title={batch.status === 'dry_run' ? 'Dry run' : 'Batch'}
            description={
              batch.status === 'dry_run' ? 'Every row was checked; nothing has been sent to Klarna.' : undefined
            }
            actions={
              <>
                {mayApprove && (
                  <ApproveDialog
                    batchId={batch.id}
                    rule={batch.approvalRule}
                    rows={batch.rowsWillRefund}
                    totals={batch.totals.map((t) => ({
                      currency: t.currency,
                      amount: formatMajorDecimal(t.amount, t.currency),
                      rows: t.rows,
                    }))}
                  />
                )}
                {open && mayRun && <CancelBatch batchId={batch.id} running={batch.status !== 'dry_run'} />}
              </>
            }
          />
          <CardBody className="grid gap-4">
            {batch.status === 'dry_run' && batch.approvalRule === 'four_eyes' && (
              <Alert tone="warning" title="Four-eyes approval">
                {isUploader
                  ? `This batch ${fourEyesWhy}: another person must approve it.`
                  : `Uploaded by ${batch.uploadedByEmail}; this batch ${fourEyesWhy}, so a second person approves it.`}
              </Alert>
            )}
            <DetailList
              items={[
                ['Status', <BatchStatusBadge key="s" status={batch.status} />],
                [
                  'Rows',
                  `${n(batch.rowsTotal)} in the file: ${n(batch.rowsWillRefund)} will refund, ${n(batch.rowsRefused)} refused`,
                ],
                [
                  'Totals',
                  batch.totals.length
                    ? batch.totals
                        .map(
                          (t) =>
                            `${formatMinorUnits(t.amount, t.currency)} (${n(t.rows)} ${t.rows === 1 ? 'row' : 'rows'})${t.refunded ? `, refunded ${formatMinorUnits(t.refunded, t.currency)}` : ''}`,
                        )
                        .join('; ')
                    : 'Nothing to refund',
                ],
                ['Amounts in the file', batch.amountUnit === 'minor' ? 'Minor units (cents)' : 'Major units'],
                ['Uploaded (UTC)', `${formatDateTime(batch.createdAt)} by ${batch.uploadedByEmail}`],
                [
                  'Approval',
                  batch.approvedByEmail
                    ? `${batch.approvalKind === 'four_eyes' ? 'Approved by a second person' : 'Confirmed by typing the total'}: ${batch.approvedByEmail}, ${formatDateTime(batch.approvedAt!)} UTC`
                    : batch.approvalRule === 'four_eyes'
                      ? `A second person must approve (the batch ${fourEyesWhy})`
                      : 'The uploader confirms by typing the total',
                ],
                ...(batch.cancelledByEmail
                  ? ([['Cancelled', `${batch.cancelledByEmail}, ${formatDateTime(batch.cancelledAt!)} UTC`]] as [
                      string,
                      React.ReactNode,
                    ][])
                  : []),
                [
                  'File SHA-256',
                  <span key="h" className="font-mono text-xs break-all">
                    {batch.sha256}
                  </span>,
                ],
              ]}
            />
            {batch.status !== 'dry_run' && <BatchProgress batchId={batch.id} initial={progress} />}
          </CardBody>
        </Card>
        <Card className="min-w-0">
          <CardHeader title="Rows" description="In file order, with each row's verdict and what Klarna did." />
          <nav aria-label="Filter rows" className="flex flex-wrap gap-2 border-b px-5 py-3 text-sm">
            {rowFilters.map((f) => (
              <Link
                key={f}
                href={href(f)}
                aria-current={f === filter ? 'page' : undefined}
                className="rounded-full border px-3 py-1 aria-[current=page]:bg-accent aria-[current=page]:font-medium"
              >
                {filterLabels[f]}
              </Link>
            ))}
          </nav>
          {rows.length === 0 ? (
            <CardBody>
              <p className="text-sm text-muted-foreground">No rows here.</p>
            </CardBody>
          ) : (
            <DataTable
              caption="Rows of the refund batch"
              storageKey="refund-batch-rows"
              columns={[
                { id: 'line', label: 'Line' },
                { id: 'state', label: 'State' },
                { id: 'amount', label: 'Amount', className: 'text-right' },
                { id: 'payment', label: 'Payment', showFrom: '@xl' },
                { id: 'why', label: 'Reason or result' },
                { id: 'reason', label: 'Refund reason', showFrom: '@4xl' },
              ]}
              rows={rows.map((r) => ({
                id: String(r.lineNo),
                cells: {
                  line: r.lineNo,
                  state: <RowBadge row={r} />,
                  amount:
                    r.amount !== null && r.currency ? (
                      <span className="whitespace-nowrap tabular-nums">{formatMinorUnits(r.amount, r.currency)}</span>
                    ) : (
                      '—'
                    ),
                  payment: r.paymentTransactionId ? (
                    <span className="font-mono text-xs break-all">
                      {r.paymentTransactionId}
                      {r.captureId ? ` / ${r.captureId}` : ''}
                    </span>
                  ) : (
                    '—'
                  ),
                  why:
                    r.verdict === 'refused' ? (
                      <span className="text-danger">{r.verdictReason}</span>
                    ) : r.result === 'refunded' ? (
                      <span>
                        Refund <span className="font-mono text-xs">{r.refundId ?? '(id not told)'}</span>
                      </span>
                    ) : r.result === 'declined' ? (
                      <span className="text-danger">
                        {r.errorMessage}
                        {r.errorCode ? ` (${r.errorCode})` : ''}
                      </span>
                    ) : r.result === 'skipped' ? (
                      'Not sent: the batch was cancelled'
                    ) : (
                      '—'
                    ),
                  reason: r.reason ?? '—',
                },
              }))}
            />
          )}
          <nav aria-label="Row pages" className="flex items-center justify-between gap-2 px-5 py-3 text-sm">
            {after ? (
              <Link className="underline underline-offset-4" href={href(filter)}>
                ← First rows
              </Link>
            ) : (
              <span />
            )}
            {nextAfterLine !== null ? (
              <Link className="underline underline-offset-4" href={href(filter, nextAfterLine)}>
                Next rows →
              </Link>
            ) : (
              <span className="text-muted-foreground">End of the file</span>
            )}
          </nav>
        </Card>
      </div>
    </>
  );
}
