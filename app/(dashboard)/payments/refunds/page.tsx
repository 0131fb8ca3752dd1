import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { DataTable } from '@/components/data-table/data-table';
import { PageHeader } from '@/components/shell/page-header';
import { Forbidden } from '@/components/shell/forbidden';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { KeysetPager } from '@/components/ui/keyset-pager';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import { listRefundBatches } from '@/lib/refunds/service';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import { RefundUpload } from './_components/refund-upload';
import { BatchStatusBadge } from './_components/status';

export const metadata: Metadata = { title: 'Mass refunds' };
export const dynamic = 'force-dynamic';

const cursorSchema = z.string().max(100).optional().catch(undefined);
const n = (v: number) => v.toLocaleString('en-GB');

/** Mass refunds: upload a file (operators), and the history of batches with who uploaded and approved them. */
export default async function MassRefundsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('dashboard.read');
  if (denied) return <Forbidden message={denied} />;
  const raw = (await searchParams).cursor;
  const cursor = cursorSchema.parse(Array.isArray(raw) ? raw[0] : raw);
  const { rows, nextCursor } = await listRefundBatches(ctx, { cursor });
  const mayRun = can(ctx.actor.role, 'refunds.run');
  return (
    <>
      <PageHeader
        title="Mass refunds"
        description="Refund many payments from one CSV file: every row is checked first (a dry run), nothing is sent until the batch is approved."
        actions={
          <Button asChild variant="secondary">
            <a href="/api/refunds/template" download>
              Download template
            </a>
          </Button>
        }
      />
      <div className="grid min-w-0 grid-cols-[minmax(0,1fr)] gap-6">
        {mayRun && (
          <Card className="min-w-0">
            <CardHeader
              title="Upload a refund file"
              description="One row per refund: payment_transaction_id (or merchant and merchant_reference), optional capture_id, amount_major or amount_minor, currency, reason, optional refund_reference. Other columns are kept."
            />
            <CardBody>
              <RefundUpload />
            </CardBody>
          </Card>
        )}
        <Card className="min-w-0">
          <CardHeader title="Batches" description="Newest first. Times in UTC." />
          {rows.length === 0 ? (
            <CardBody>
              <p className="text-sm text-muted-foreground">No refund file has been uploaded yet.</p>
            </CardBody>
          ) : (
            <DataTable
              caption="Refund batches"
              storageKey="refund-batches"
              columns={[
                { id: 'file', label: 'File' },
                { id: 'status', label: 'Status' },
                { id: 'totals', label: 'Totals' },
                { id: 'rows', label: 'Rows', showFrom: '@2xl' },
                { id: 'results', label: 'Results', showFrom: '@3xl' },
                { id: 'uploaded', label: 'Uploaded (UTC)', showFrom: '@4xl' },
                { id: 'approved', label: 'Approved by', showFrom: '@5xl' },
              ]}
              rows={rows.map((b) => ({
                id: b.id,
                cells: {
                  file: (
                    <Link className="font-medium underline-offset-4 hover:underline" href={`/payments/refunds/${b.id}`}>
                      {b.fileName}
                    </Link>
                  ),
                  status: <BatchStatusBadge status={b.status} />,
                  totals: b.totals.length
                    ? b.totals.map((t) => formatMinorUnits(t.amount, t.currency)).join(', ')
                    : '—',
                  rows: `${n(b.rowsWillRefund)} will refund, ${n(b.rowsRefused)} refused`,
                  results:
                    b.status === 'dry_run'
                      ? '—'
                      : `${n(b.rowsRefunded)} refunded, ${n(b.rowsDeclined)} declined, ${n(b.rowsSkipped)} skipped`,
                  uploaded: `${formatDateTime(b.createdAt)} by ${b.uploadedByEmail}`,
                  approved: b.approvedByEmail
                    ? `${b.approvedByEmail} (${b.approvalKind === 'four_eyes' ? 'second person' : 'typed total'})`
                    : '—',
                },
              }))}
            />
          )}
          <KeysetPager label="Batch pages" filters={{}} cursor={cursor} nextCursor={nextCursor} />
        </Card>
      </div>
    </>
  );
}
