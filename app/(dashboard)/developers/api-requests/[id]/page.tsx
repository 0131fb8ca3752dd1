import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DetailList } from '@/components/ui/detail-list';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { pageContext } from '@/lib/auth/page';
import { maskedFieldsSentence } from '@/lib/klarna/redact';
import { getApiRequest } from '@/lib/klarna/request-log';
import { formatDateTime } from '@/lib/ui/format';
import { HttpStatusBadge } from '../_components/status-badge';

export const metadata: Metadata = { title: 'API request' };

export default async function ApiRequestPage({ params }: { params: Promise<{ id: string }> }) {
  const { ctx, denied } = await pageContext('api-log.read');
  const { db } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const { id } = await params;
  if (!/^\d{1,15}$/.test(id)) notFound();
  const request = await getApiRequest(db, Number(id));
  if (!request) notFound();

  const fields: [string, React.ReactNode][] = [
    ['Time (UTC)', formatDateTime(request.occurredAt)],
    ['Operation', request.operation],
    ['Request', mono(`${request.method} ${request.path}`)],
    ['Status', <HttpStatusBadge key="s" status={request.status} />],
    ['Duration', `${request.durationMs} ms`],
    ['Attempt', `#${request.attempt}`],
    ['Idempotency key', mono(request.idempotencyKey)],
    ['Account', mono(request.accountId)],
    ['Correlation id', mono(request.correlationId)],
    ['Error code', mono(request.errorCode)],
    ['Klarna error id', mono(request.errorId)],
  ];

  return (
    <>
      <p className="mb-2 text-sm">
        <Link className="text-muted-foreground underline underline-offset-4" href="/developers/api-requests">
          ← API request log
        </Link>
      </p>
      <PageHeader
        title={`${request.method} ${request.path}`}
        description={`Request #${request.id}: ${request.operation}, attempt ${request.attempt}. ${maskedFieldsSentence}`}
      />
      <div className="grid gap-4">
        <Card>
          <CardHeader title="Overview" />
          <CardBody>
            <DetailList items={fields} />
          </CardBody>
        </Card>
        <JsonCard title="Request body" value={request.requestBody} empty="No request body." />
        <JsonCard
          title="Response body"
          value={request.responseBody}
          empty={request.status === null ? 'No answer came (network failure or timeout).' : 'No response body.'}
        />
      </div>
    </>
  );
}

function JsonCard({ title, value, empty }: { title: string; value: unknown; empty: string }) {
  return (
    <Card>
      <CardHeader title={title} description="As stored: secrets replaced, personal data masked as described above." />
      <CardBody>
        {value === null || value === undefined ? (
          <p className="text-sm text-muted-foreground">{empty}</p>
        ) : (
          <pre
            aria-label={title}
            className="max-h-[32rem] overflow-auto whitespace-pre-wrap break-all rounded bg-muted p-3 font-mono text-xs"
          >
            {JSON.stringify(value, null, 2)}
          </pre>
        )}
      </CardBody>
    </Card>
  );
}

function mono(value: string | null) {
  return value ? <span className="font-mono text-xs">{value}</span> : '—';
}
