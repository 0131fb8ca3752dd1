import type { Metadata } from 'next';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ActionsTh, Table, Td, Th } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/page';
import { listKlarnaCredentials, listStoredCredentials } from '@/lib/credentials/service';
import { AppError } from '@/lib/errors';
import { formatDateTime } from '@/lib/ui/format';
import { AddCredentialDialog } from './_components/add-credential-dialog';
import { CreateCredentialDialog } from './_components/create-credential-dialog';
import { DeleteKlarnaCredentialButton, StoredCredentialActions } from './_components/credential-actions';
import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';

export const metadata: Metadata = { title: 'API credentials' };
export const dynamic = 'force-dynamic';

export default async function ApiCredentialsPage() {
  const { ctx, denied } = await pageContext('credentials.manage');
  if (denied) return <Forbidden message={denied} />;
  const { settings } = ctx;
  const stored = await listStoredCredentials(ctx);
  const active = stored.find((c) => c.active && c.environment === settings.environment);
  const atKlarna = active
    ? await listKlarnaCredentials(ctx).then(
        (rows) => ({ rows, error: null }),
        (error: unknown) => ({
          rows: [],
          error: error instanceof AppError ? error.message : 'Klarna could not be asked for its list of credentials.',
        }),
      )
    : null;
  const activeKlarnaId = active?.klarnaCredentialId ?? null;

  return (
    <>
      <PageHeader
        title="API credentials"
        description={
          <>
            The Klarna API keys this dashboard uses. Keys are stored encrypted; only their last four characters are ever
            shown. This dashboard talks to the <strong>{settings.environment}</strong> environment at{' '}
            <code className="font-mono text-xs">{settings.baseUrl}</code>.
          </>
        }
        actions={
          <>
            <AddCredentialDialog environment={settings.environment} />
            <CreateCredentialDialog disabled={!active} />
          </>
        }
      />
      {!active && (
        <Alert tone="warning" className="mb-4">
          No API key is active for the {settings.environment} environment, so the dashboard cannot call Klarna. Add the
          key Klarna gave you.
        </Alert>
      )}
      <Card className="mb-6">
        <h2 className="px-5 pt-4 text-base font-semibold">Keys stored in this dashboard</h2>
        {stored.length === 0 ? (
          <p className="px-5 py-10 text-center text-sm text-muted-foreground">No keys yet.</p>
        ) : (
          <Table caption="Stored API keys">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Environment</Th>
                <Th>Key</Th>
                <Th>Klarna id</Th>
                <Th>Status</Th>
                <Th>Added (UTC)</Th>
                <ActionsTh />
              </tr>
            </thead>
            <tbody>
              {stored.map((c) => (
                <tr key={c.id}>
                  <Td className="font-medium">{c.label}</Td>
                  <Td>{c.environment}</Td>
                  <Td className="font-mono text-xs">…{c.last4}</Td>
                  <Td>
                    {c.klarnaCredentialId ? (
                      <MiddleEllipsis value={c.klarnaCredentialId} copyLabel="credential id" />
                    ) : (
                      <span className="text-xs text-muted-foreground">unknown (pasted)</span>
                    )}
                  </Td>
                  <Td>{c.active ? <Badge tone="success">Active</Badge> : <Badge>Standby</Badge>}</Td>
                  <Td className="whitespace-nowrap text-muted-foreground">{formatDateTime(c.createdAt)}</Td>
                  <Td className="text-right">
                    <StoredCredentialActions
                      credential={{
                        id: c.id,
                        label: c.label,
                        last4: c.last4,
                        active: c.active,
                        environment: c.environment,
                        klarnaCredentialId: c.klarnaCredentialId,
                      }}
                      current={c.environment === settings.environment}
                    />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <Card>
        <h2 className="px-5 pt-4 text-base font-semibold">Credentials at Klarna</h2>
        <p className="px-5 pt-1 text-sm text-muted-foreground">
          What Klarna holds for the partner account (API keys and client ids), read with the active key.
        </p>
        {atKlarna === null ? (
          <p className="px-5 py-10 text-center text-sm text-muted-foreground">
            Add an active key to see Klarna’s list.
          </p>
        ) : atKlarna.error ? (
          <Alert tone="danger" className="m-5">
            {atKlarna.error}
          </Alert>
        ) : (
          <Table caption="Credentials at Klarna">
            <thead>
              <tr>
                <Th>Credential id</Th>
                <Th>Type</Th>
                <Th>Environment</Th>
                <Th>Description</Th>
                <Th>Created (UTC)</Th>
                <ActionsTh />
              </tr>
            </thead>
            <tbody>
              {atKlarna.rows.map((c) => (
                <tr key={c.credential_id}>
                  <Td>
                    <MiddleEllipsis value={c.credential_id} copyLabel="credential id" />
                  </Td>
                  <Td>{c.type}</Td>
                  <Td>{c.environment}</Td>
                  <Td>{c.description ?? '—'}</Td>
                  <Td className="whitespace-nowrap text-muted-foreground">{formatDateTime(new Date(c.created_at))}</Td>
                  <Td className="text-right">
                    <DeleteKlarnaCredentialButton
                      credentialId={c.credential_id}
                      description={c.description ?? c.credential_id}
                      inUse={c.credential_id === activeKlarnaId}
                    />
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
