import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ImportStatusBadge } from '@/components/settlements/badges';
import { PageHeader } from '@/components/shell/page-header';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { CsvExport } from '@/components/ui/csv-export';
import { DetailList } from '@/components/ui/detail-list';
import { Table, Td, Th } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/page';
import { getSettlementImport, listQuarantine } from '@/lib/settlements/queries';
import { formatDateTime } from '@/lib/ui/format';

export const metadata: Metadata = { title: 'Settlement import' };
export const dynamic = 'force-dynamic';

const afterSchema = z.coerce.number().int().min(0).max(2_147_483_647);

/** One import: what came in, and every line that could not be read, with its line, column and reason. */
export default async function SettlementImportPage({
  params,
  searchParams,
}: {
  params: Promise<{ importId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx } = await pageContext('dashboard.read');
  const id = z.uuid().safeParse((await params).importId);
  if (!id.success) notFound();
  const { db } = ctx;
  const imp = await getSettlementImport(db, id.data);
  if (!imp) notFound();
  const rawAfter = (await searchParams).after;
  const after = afterSchema.safeParse(Array.isArray(rawAfter) ? rawAfter[0] : rawAfter);
  const { rows, nextAfter } = await listQuarantine(db, imp.id, { after: after.success ? after.data : 0 });
  const download = `/api/settlements/imports/${encodeURIComponent(imp.id)}/quarantine`;
  return (
    <>
      <PageHeader
        title="Settlement import"
        description={imp.fileName}
        actions={
          imp.linesQuarantined > 0 ? (
            <CsvExport href={download} label="Download quarantined lines" counted />
          ) : undefined
        }
      />
      <div className="grid min-w-0 grid-cols-[minmax(0,1fr)] gap-6">
        <Card className="min-w-0">
          <CardHeader title="What came in" />
          <CardBody>
            <DetailList
              items={[
                ['Status', <ImportStatusBadge key="s" status={imp.status} />],
                ...(imp.error
                  ? ([
                      [
                        'Error',
                        <span key="e" className="text-danger">
                          {imp.error}
                        </span>,
                      ],
                    ] as [string, React.ReactNode][])
                  : []),
                [
                  'Source',
                  imp.source === 'klarna'
                    ? `Klarna${imp.klarnaSettlementId ? ` (${imp.klarnaSettlementId})` : ''}`
                    : 'Upload',
                ],
                ['By', imp.uploadedByEmail ?? (imp.source === 'klarna' ? 'Automatic' : '—')],
                ['When (UTC)', formatDateTime(imp.createdAt)],
                [
                  'Size',
                  `${(imp.sizeBytes / 1e6).toLocaleString('en-GB', { maximumFractionDigits: 1 })} MB, ${imp.sha256 ? `SHA-256 ${imp.sha256}` : 'SHA-256 known once the whole file is in'}`,
                ],
                [
                  'Lines',
                  `${imp.linesImported.toLocaleString('en-GB')} imported, ${imp.linesQuarantined.toLocaleString('en-GB')} quarantined`,
                ],
                ['Columns', imp.columns?.join(', ') ?? '—'],
                ['Columns kept as extra', imp.extraColumns?.length ? imp.extraColumns.join(', ') : 'none'],
              ]}
            />
          </CardBody>
        </Card>
        <Card className="min-w-0">
          <CardHeader
            title={`Quarantined lines (${imp.linesQuarantined.toLocaleString('en-GB')})`}
            description="Lines that could not be read are kept here, never dropped: fix them at the source and import the corrected file, or take them up with Klarna."
          />
          {rows.length === 0 ? (
            <p className="px-5 py-10 text-center text-sm text-muted-foreground">
              Every line of this file could be read.
            </p>
          ) : (
            <Table caption="Quarantined lines">
              <thead>
                <tr>
                  <Th className="text-right">Line</Th>
                  <Th>Column</Th>
                  <Th>Reason</Th>
                  <Th>The line as found</Th>
                </tr>
              </thead>
              <tbody>
                {rows.map((q) => (
                  <tr key={q.lineNo} data-line={q.lineNo}>
                    <Td className="text-right tabular-nums">{q.lineNo}</Td>
                    <Td className="font-mono text-xs">{q.column ?? '—'}</Td>
                    <Td className="min-w-64">{q.reason}</Td>
                    <Td>
                      <span
                        className="block max-w-xl truncate font-mono text-xs text-muted-foreground"
                        title={JSON.stringify(q.raw)}
                      >
                        {Object.entries(q.raw)
                          .filter(([, v]) => v !== '')
                          .map(([k, v]) => `${k}=${v}`)
                          .join(' · ')}
                      </span>
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          {(nextAfter !== null || (after.success && after.data > 0)) && (
            <nav aria-label="Quarantine pages" className="flex gap-3 border-t px-5 py-3 text-sm">
              {after.success && after.data > 0 && (
                <Link className="underline underline-offset-4" href={`?`}>
                  First page
                </Link>
              )}
              {nextAfter !== null && (
                <Link className="underline underline-offset-4" href={`?after=${nextAfter}`}>
                  Next page
                </Link>
              )}
            </nav>
          )}
        </Card>
        <p className="text-sm">
          <Link className="underline underline-offset-4" href="/settlements?tab=imports">
            ← All imports
          </Link>
        </p>
      </div>
    </>
  );
}
