import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DetailList } from '@/components/ui/detail-list';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import { formatDateTime } from '@/lib/ui/format';
import { getWebhookEvent } from '@/lib/webhooks/events';
import { OutcomeNote } from '../_components/outcome-note';
import { ReprocessButton } from '../_components/reprocess-button';
import { StatusBadge, VerdictBadge } from '../_components/event-badges';

export const metadata: Metadata = { title: 'Webhook event' };

export default async function WebhookEventPage({ params }: { params: Promise<{ id: string }> }) {
  const { ctx, denied } = await pageContext('dashboard.read');
  const { db, actor } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const { id } = await params;
  if (!/^\d{1,15}$/.test(id)) notFound();
  const event = await getWebhookEvent(db, Number(id));
  if (!event) notFound();

  const overview: [string, React.ReactNode][] = [
    ['Event id', mono(event.eventId)],
    ['Event type', mono(event.eventType)],
    ['Event version', mono(event.eventVersion)],
    ['Account', mono(event.accountId)],
    ['Product instance', mono(event.productInstanceId)],
    ['Webhook', mono(event.webhookId)],
    ['Correlation id', mono(event.correlationId)],
    ['Live', event.live === null ? '—' : event.live ? 'Yes' : 'No (test)'],
    ['Occurred (UTC)', event.occurredAt ? formatDateTime(event.occurredAt) : '—'],
    ['Received (UTC)', formatDateTime(event.receivedAt)],
    ['Processed (UTC)', event.processedAt ? formatDateTime(event.processedAt) : '—'],
    [
      'Signature',
      <span key="v" className="grid justify-items-start gap-1">
        <VerdictBadge verdict={event.verdict} />
        {event.rejectReason && <span className="text-xs">{event.rejectReason}</span>}
      </span>,
    ],
    [
      'Processing',
      <span key="s" className="grid justify-items-start gap-1">
        <StatusBadge status={event.status} />
        {event.processingError && (
          <OutcomeNote note={event.processingError} tone={event.status === 'failed' ? 'danger' : 'muted'} />
        )}
      </span>,
    ],
    ['Applied', `${event.applyCount} time${event.applyCount === 1 ? '' : 's'}`],
    [
      'Duplicates',
      event.duplicateCount > 0
        ? `${event.duplicateCount} (last ${event.lastDuplicateAt ? `${formatDateTime(event.lastDuplicateAt)} UTC` : 'unknown'})`
        : 'None',
    ],
    ['Signing key', mono(event.signingKeyId)],
    ['Source IP', mono(event.sourceIp)],
    ...(event.verdict === 'rejected' && event.notStoredCount === 0
      ? ([
          ['Body size', event.bodyBytes === null ? '—' : `${event.bodyBytes.toLocaleString('en-GB')} bytes`],
          [
            'Body SHA-256',
            event.bodySha256 ? mono(event.bodySha256) : 'Not computed: the body was not read to its end',
          ],
        ] as [string, React.ReactNode][])
      : []),
    ...(event.notStoredCount > 0
      ? ([['Not stored', `${event.notStoredCount.toLocaleString('en-GB')} rejected deliveries, counted only`]] as [
          string,
          React.ReactNode,
        ][])
      : []),
  ];
  const headers = Object.entries(event.headers).sort(([a], [b]) => a.localeCompare(b));
  // A rejected delivery keeps only the start of its body; a cut one is shown as received.
  const cut =
    event.verdict === 'rejected' && event.bodyBytes !== null && Buffer.byteLength(event.rawBody) < event.bodyBytes;
  const pretty = cut ? null : prettyJson(event.rawBody);
  const bodyDescription = cut
    ? `Rejected, so only its first ${Buffer.byteLength(event.rawBody).toLocaleString('en-GB')} of ${event.bodyBytes!.toLocaleString('en-GB')} bytes are kept, as received.`
    : pretty === null
      ? 'Not JSON: shown exactly as received.'
      : 'Pretty-printed JSON.';

  return (
    <>
      <p className="mb-2 text-sm">
        <Link className="text-muted-foreground underline underline-offset-4" href="/webhooks/events">
          ← Event log
        </Link>
      </p>
      <PageHeader
        title={event.eventType ?? (event.notStoredCount > 0 ? 'Rejected deliveries not stored' : 'Rejected delivery')}
        description={`Delivery #${event.id}, received ${formatDateTime(event.receivedAt)} UTC.`}
        actions={
          can(actor.role, 'webhooks.manage') && event.verdict === 'valid' && event.eventType ? (
            <ReprocessButton id={event.id} eventType={event.eventType} applyCount={event.applyCount} />
          ) : undefined
        }
      />
      <div className="grid gap-4">
        <Card>
          <CardHeader title="Overview" />
          <CardBody>
            <DetailList items={overview} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Headers" description="As received; cookies and authorization are never stored." />
          <Table caption="Delivery headers">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Value</Th>
              </tr>
            </thead>
            <tbody>
              {headers.map(([name, value]) => (
                <tr key={name}>
                  <Td className="whitespace-nowrap font-mono text-xs">{name}</Td>
                  <Td className="break-all font-mono text-xs">{value}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
        <Card>
          <CardHeader title="Body" description={bodyDescription} />
          <CardBody>
            <pre
              aria-label="Event body"
              className="max-h-[32rem] overflow-auto whitespace-pre-wrap break-all rounded bg-muted p-3 font-mono text-xs"
            >
              {pretty ?? (event.rawBody || '(empty body)')}
            </pre>
          </CardBody>
        </Card>
      </div>
    </>
  );
}

function mono(value: string | null) {
  return value ? <span className="font-mono text-xs">{value}</span> : '—';
}

/** Pretty JSON of the body as received (key order kept), or null when it is not JSON. */
function prettyJson(raw: string): string | null {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return null;
  }
}
