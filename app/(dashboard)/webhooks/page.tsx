import type { Metadata } from 'next';
import Link from 'next/link';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ActionsTh, Table, Td, Th } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { knownEventTypes } from '@/lib/klarna/schemas/webhooks';
import { formatDateTime } from '@/lib/ui/format';
import { loadWebhookSetup } from '@/lib/webhooks/management';
import { CreateSigningKeyButton, EndGraceButton, SigningKeyActions } from './_components/signing-key-actions';
import { WebhookDialog } from './_components/webhook-dialog';
import { DeleteWebhookButton } from './_components/webhook-actions';
import { SimulateEventDialog } from './_components/simulate-event-dialog';

export const metadata: Metadata = { title: 'Webhooks' };
export const dynamic = 'force-dynamic';

const shortId = (id: string) => id.replace(/^krn:partner:global:notification:(webhook|signing-key):/, '');

/** A signing key's id, shortened, with the whole id on hover. */
function KeyIdTd({ signingKeyId }: { signingKeyId: string }) {
  return (
    <Td className="font-mono text-xs" title={signingKeyId}>
      {shortId(signingKeyId)}
    </Td>
  );
}

export default async function WebhooksPage() {
  const { ctx, denied } = await pageContext('dashboard.read');
  const { actor } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const config = env();
  const { settings } = ctx;
  const admin = can(actor.role, 'webhooks.manage');
  const receiverUrl = new URL('/api/webhooks/klarna', config.APP_URL).toString();
  const setup = await loadWebhookSetup(ctx).then(
    (value) => ({ ...value, error: null }),
    (error: unknown) => ({
      signingKeys: [],
      webhooks: [],
      heldKeys: [],
      retiredKeys: [],
      deletedKeyIds: [],
      error: error instanceof AppError ? error.message : 'Klarna could not be asked for the webhook setup.',
    }),
  );
  const keyOptions = setup.heldKeys.map((k) => ({
    id: k.signingKeyId,
    label: `${shortId(k.signingKeyId).slice(0, 8)}… (created ${formatDateTime(k.createdAt)} UTC)`,
  }));
  const heldKeys = new Set(setup.signingKeys.filter((k) => k.storedHere).map((k) => k.signingKeyId));
  const retired = new Map(setup.retiredKeys.map((k) => [k.signingKeyId, k.acceptedUntil]));
  const deletedKeys = new Set(setup.deletedKeyIds);

  return (
    <>
      <PageHeader
        title="Webhooks"
        description={
          <>
            Where Klarna sends events, and the keys that sign them. This dashboard receives at{' '}
            <code className="font-mono text-xs">{receiverUrl}</code> and shows what arrives in the{' '}
            <Link className="underline underline-offset-4" href="/webhooks/events">
              event log
            </Link>
            .
          </>
        }
        actions={
          admin && !setup.error ? (
            <WebhookDialog
              mode="create"
              receiverUrl={receiverUrl}
              keys={keyOptions}
              knownEventTypes={[...knownEventTypes]}
            />
          ) : undefined
        }
      />
      {setup.error && (
        <Alert tone="danger" className="mb-4">
          {setup.error}
        </Alert>
      )}
      <Card className="mb-6">
        <h2 className="px-5 pt-4 text-base font-semibold">Webhooks</h2>
        {setup.webhooks.length === 0 ? (
          <p className="px-5 py-10 text-center text-sm text-muted-foreground">
            {setup.error ? 'Unavailable.' : 'No webhooks yet: Klarna sends no events until one exists.'}
          </p>
        ) : (
          <Table caption="Webhooks at Klarna">
            <thead>
              <tr>
                <Th>URL</Th>
                <Th>Events</Th>
                <Th>Signing key</Th>
                <Th>Status</Th>
                {admin && <ActionsTh />}
              </tr>
            </thead>
            <tbody>
              {setup.webhooks.map((w) => (
                <tr key={w.webhook_id}>
                  <Td className="max-w-72">
                    <div className="truncate font-mono text-xs" title={w.url}>
                      {w.url}
                    </div>
                    <div className="truncate text-xs text-muted-foreground" title={w.webhook_id}>
                      {shortId(w.webhook_id)}
                    </div>
                  </Td>
                  <Td>
                    <div className="flex max-w-80 flex-wrap gap-1">
                      {w.event_types.map((t) => (
                        <Badge key={t} className="font-mono">
                          {t}
                        </Badge>
                      ))}
                    </div>
                  </Td>
                  <Td className="text-xs">
                    <span className="font-mono" title={w.signing_key_id}>
                      {shortId(w.signing_key_id).slice(0, 8)}…
                    </span>
                    {retired.has(w.signing_key_id) ? (
                      <Badge
                        tone="warning"
                        className="ml-2"
                        title="Retired by a rotation: accepted until its grace ends"
                      >
                        retired key
                      </Badge>
                    ) : deletedKeys.has(w.signing_key_id) ? (
                      <Badge
                        tone="danger"
                        className="ml-2"
                        title="This key was deleted, so this dashboard rejects these events: edit the webhook to use another key"
                      >
                        key deleted: events rejected
                      </Badge>
                    ) : (
                      !heldKeys.has(w.signing_key_id) && (
                        <Badge
                          tone="danger"
                          className="ml-2"
                          title="This dashboard does not hold this key, so it rejects these events"
                        >
                          key not held here
                        </Badge>
                      )
                    )}
                  </Td>
                  <Td>{w.status === 'ENABLED' ? <Badge tone="success">Enabled</Badge> : <Badge>{w.status}</Badge>}</Td>
                  {admin && (
                    <Td>
                      <div className="flex justify-end gap-2">
                        <SimulateEventDialog
                          webhookId={w.webhook_id}
                          patterns={w.event_types}
                          knownEventTypes={[...knownEventTypes]}
                          disabled={settings.environment === 'live' || w.status !== 'ENABLED'}
                        />
                        <WebhookDialog
                          mode="edit"
                          receiverUrl={receiverUrl}
                          keys={keyOptions}
                          knownEventTypes={[...knownEventTypes]}
                          webhook={{
                            webhookId: w.webhook_id,
                            url: w.url,
                            eventTypes: w.event_types,
                            signingKeyId: w.signing_key_id,
                            status: w.status === 'DISABLED' ? 'DISABLED' : 'ENABLED',
                          }}
                        />
                        <DeleteWebhookButton webhookId={w.webhook_id} url={w.url} />
                      </div>
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <Card>
        <div className="flex flex-wrap items-center justify-between gap-2 px-5 pt-4">
          <div>
            <h2 className="text-base font-semibold">Signing keys</h2>
            <p className="text-sm text-muted-foreground">
              Klarna signs each event with its webhook’s key (HMAC-SHA256). At most 50 per account.
            </p>
          </div>
          {admin && !setup.error && <CreateSigningKeyButton count={setup.signingKeys.length} />}
        </div>
        {setup.signingKeys.length === 0 ? (
          <p className="px-5 py-10 text-center text-sm text-muted-foreground">
            {setup.error ? 'Unavailable.' : 'No signing keys yet.'}
          </p>
        ) : (
          <Table caption="Signing keys at Klarna">
            <thead>
              <tr>
                <Th>Key id</Th>
                <Th>Created (UTC)</Th>
                <Th>Held here</Th>
                <Th>Used by</Th>
                {admin && <ActionsTh />}
              </tr>
            </thead>
            <tbody>
              {setup.signingKeys.map((k) => (
                <tr key={k.signingKeyId}>
                  <KeyIdTd signingKeyId={k.signingKeyId} />
                  <Td className="whitespace-nowrap text-muted-foreground">{formatDateTime(new Date(k.createdAt))}</Td>
                  <Td>
                    {k.storedHere ? (
                      <Badge tone="success">Yes</Badge>
                    ) : k.retiredUntil ? (
                      <Badge tone="neutral">
                        Retired: accepted until {formatDateTime(new Date(k.retiredUntil))} UTC
                      </Badge>
                    ) : deletedKeys.has(k.signingKeyId) ? (
                      <Badge tone="warning">No longer accepted</Badge>
                    ) : (
                      <Badge tone="warning">No (created elsewhere)</Badge>
                    )}
                  </Td>
                  <Td>
                    {k.usedBy.length === 0 ? (
                      <span className="text-muted-foreground">no webhook</span>
                    ) : (
                      `${k.usedBy.length} webhook${k.usedBy.length === 1 ? '' : 's'}`
                    )}
                  </Td>
                  {admin && (
                    <Td>
                      <SigningKeyActions
                        signingKeyId={k.signingKeyId}
                        label={shortId(k.signingKeyId)}
                        usedBy={k.usedBy.length}
                      />
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {setup.retiredKeys.length > 0 && (
          <div className="border-t border-border">
            <h3 className="px-5 pt-4 text-sm font-semibold">Retired keys still accepted</h3>
            <p className="px-5 text-sm text-muted-foreground">
              Replaced by a rotation and kept at Klarna in parallel: Klarna retries older deliveries for up to 12 hours,
              so this dashboard accepts them until then. When the grace ends, the key is deleted at Klarna.
            </p>
            <Table caption="Retired signing keys">
              <thead>
                <tr>
                  <Th>Key id</Th>
                  <Th>Accepted until (UTC)</Th>
                  {admin && <ActionsTh />}
                </tr>
              </thead>
              <tbody>
                {setup.retiredKeys.map((k) => (
                  <tr key={k.signingKeyId}>
                    <KeyIdTd signingKeyId={k.signingKeyId} />
                    <Td className="whitespace-nowrap">{formatDateTime(k.acceptedUntil)}</Td>
                    {admin && (
                      <Td className="text-right">
                        <EndGraceButton
                          signingKeyId={k.signingKeyId}
                          label={shortId(k.signingKeyId)}
                          acceptedUntil={formatDateTime(k.acceptedUntil)}
                        />
                      </Td>
                    )}
                  </tr>
                ))}
              </tbody>
            </Table>
          </div>
        )}
      </Card>
    </>
  );
}
