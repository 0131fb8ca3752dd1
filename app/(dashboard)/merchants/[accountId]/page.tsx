import { TimelineCard } from '@/components/ui/timeline-card';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Forbidden } from '@/components/shell/forbidden';
import { Alert } from '@/components/ui/alert';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import { LiveRefresh } from '@/components/ui/live-refresh';
import { ActionsTh, Table, Td, Th } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import { NotFoundError } from '@/lib/errors';
import { mccLabel } from '@/lib/klarna/mcc';
import {
  accountSchema,
  businessEntityTypes,
  socialPlatforms,
  type Account,
  type Channel,
  type ChannelCollection,
  type PricePlan,
  type SettlementConfiguration,
} from '@/lib/klarna/schemas/accounts';
import { listTimeline, merchantsVersion } from '@/lib/merchants/cache';
import { channelLabel, loadMerchantDetail } from '@/lib/merchants/service';
import { formatDateTime } from '@/lib/ui/format';
import { decodeSegment, firstValues } from '@/lib/ui/search-params';
import { AccountStateBadge, ProductStateBadge } from '../_components/state-badges';
import { AccountDialog } from './_components/account-dialog';
import { BusinessDialog } from './_components/business-dialog';
import { ChannelDialog, type ChannelValues } from './_components/channel-dialog';
import { CollectionDialog, type CollectionValues } from './_components/collection-dialog';
import { CopyButton } from '@/components/forms/copy-button';
import { formatMinorUnits, formatRatePercent } from '@/lib/ui/money';
import { channelTypeLabel, enumLabel } from './_components/format';
import { UrlTabs } from '@/components/ui/url-tabs';
import { PortalButton } from './_components/portal-button';
import { ProductDialog } from './_components/product-dialog';
import { RereadWhileSettingUp } from './_components/reread-while-setting-up';
import { DeleteChannelButton, DeleteCollectionButton } from './_components/row-actions';
import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';

export const metadata: Metadata = { title: 'Merchant' };
export const dynamic = 'force-dynamic';

export default async function MerchantPage({
  params,
  searchParams,
}: {
  params: Promise<{ accountId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('dashboard.read');
  const { db, actor } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const accountId = decodeSegment((await params).accountId);
  const { tab } = firstValues(await searchParams);
  const detail = await loadMerchantDetail(ctx, accountId).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  // After Klarna's read (which may update the cache), before the timeline: a webhook landing later refreshes the page.
  const version = await merchantsVersion(db, accountId);
  const timeline = await listTimeline(db, accountId);
  const { cached, live } = detail;
  const account: Account | null =
    live?.account ?? (cached ? (accountSchema.safeParse(cached.klarna).data ?? null) : null);

  const back = (
    <p className="mb-2 text-sm">
      <Link className="text-muted-foreground underline underline-offset-4" href="/merchants">
        ← Merchants
      </Link>
    </p>
  );

  if (!account) {
    // Neither Klarna (unreachable or not configured) nor the cache can say anything about it.
    return (
      <>
        {back}
        <h1 className="mb-2 text-2xl font-semibold tracking-tight">Merchant account</h1>
        <p className="mb-4 font-mono text-xs break-all">{accountId}</p>
        <Alert tone="danger" title="This merchant cannot be shown">
          Klarna could not be read, and the dashboard has no copy of this account yet. {detail.error}
        </Alert>
      </>
    );
  }

  const product = account.products.find((p) => p.type === 'PAYMENT') ?? account.products[0] ?? null;
  const productState = product?.state ?? cached?.productState ?? null;
  const canManage = can(actor.role, 'merchants.manage');
  const canPortal = can(actor.role, 'merchants.portal');
  const manageBlock = manageBlockReason(account.state, Boolean(live));
  const channels = live?.channels ?? [];
  const collections = live?.collections ?? [];
  const owner = account.account_owner;
  const stale = !live && (
    <Alert tone="warning" title="Klarna could not be read just now">
      {detail.error} This section needs Klarna’s current answer; reload the page to try again.
    </Alert>
  );

  const tabs = [
    {
      id: 'overview',
      label: 'Overview',
      content: (
        <>
          <Card>
            <CardHeader
              title="Account"
              description="The merchant as Klarna keeps it."
              actions={
                canManage && live ? (
                  <AccountDialog
                    accountId={accountId}
                    disabledReason={manageBlock}
                    current={{
                      account_name: account.account_name,
                      account_reference: account.account_reference,
                      given_name: owner.given_name ?? '',
                      family_name: owner.family_name ?? '',
                      email: owner.email ?? '',
                      phone: owner.phone ?? '',
                    }}
                  />
                ) : undefined
              }
            />
            <CardBody className="grid gap-3">
              {canManage && live && manageBlock && <p className="text-xs text-muted-foreground">{manageBlock}</p>}
              <DetailList
                items={[
                  ['Account name', account.account_name],
                  ['Account reference', account.account_reference],
                  [
                    'Account id',
                    <span key="id" className="font-mono text-xs">
                      {account.account_id}
                    </span>,
                  ],
                  ['State', <AccountStateBadge key="s" state={account.state} />],
                  ['Owner', [owner.given_name, owner.family_name].filter(Boolean).join(' ') || '—'],
                  ['Owner email', owner.email || '—'],
                  ['Owner phone', owner.phone || '—'],
                  ['Merchant category code', product ? mccLabel(product.merchant_category_code) : (cached?.mcc ?? '—')],
                  ['Created at Klarna (UTC)', dateTime(account.created_at)],
                  ['Last changed at Klarna (UTC)', dateTime(account.updated_at)],
                  ['Last read from Klarna (UTC)', cached?.lastSyncedAt ? formatDateTime(cached.lastSyncedAt) : 'Never'],
                ]}
              />
            </CardBody>
          </Card>
          <TimelineCard
            rows={timeline}
            description="Changes made here, Klarna’s webhooks about this account, and changes found on reading from Klarna. Newest first."
            empty="Nothing recorded yet. Changes made here and Klarna’s events about this account appear here."
          />
        </>
      ),
    },
    {
      id: 'business',
      label: 'Business information',
      content: live ? (
        <BusinessCard
          info={live.businessInformation}
          actions={
            canManage ? (
              <BusinessDialog
                accountId={accountId}
                information={live.businessInformation}
                entityTypes={businessEntityTypes}
                disabledReason={manageBlock}
              />
            ) : undefined
          }
          note={canManage ? manageBlock : null}
        />
      ) : (
        stale
      ),
    },
    {
      id: 'product',
      label: 'Payment product',
      content: (
        <>
          {stale}
          <ProductCard
            accountId={accountId}
            accountName={account.account_name}
            product={product}
            state={productState}
            pricePlan={live?.pricePlan ?? null}
            canManage={canManage}
            blockReason={manageBlock}
          />
        </>
      ),
    },
    {
      id: 'channels',
      label: 'Channels',
      content: live ? (
        <ChannelsCard
          accountId={accountId}
          channels={channels}
          collections={collections}
          canManage={canManage}
          blockReason={manageBlock}
        />
      ) : (
        stale
      ),
    },
    {
      id: 'collections',
      label: 'Channel collections',
      content: live ? (
        <CollectionsCard
          accountId={accountId}
          channels={channels}
          collections={collections}
          canManage={canManage}
          blockReason={manageBlock}
        />
      ) : (
        stale
      ),
    },
    {
      id: 'configuration',
      label: 'Configuration',
      content: live ? (
        <ConfigurationCards
          pricePlan={live.pricePlan}
          pricePlanId={product?.price_plan_id ?? null}
          settlement={live.settlementConfiguration}
          settlementId={account.settlement_configuration_id ?? null}
        />
      ) : (
        stale
      ),
    },
  ];

  return (
    <>
      {back}
      <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div className="grid min-w-0 gap-2">
          <h1 className="text-2xl font-semibold tracking-tight break-words">{account.account_name}</h1>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <span className="text-muted-foreground">Account</span>
            <AccountStateBadge state={account.state} />
            <span className="text-muted-foreground">Payment product</span>
            <ProductStateBadge state={productState} />
            <LiveRefresh
              url={`/api/merchants/version?account=${encodeURIComponent(accountId)}`}
              version={version}
              fast={account.state === 'PARTIALLY_OPERATIONAL'}
            />
          </div>
          <dl className="grid gap-1 text-sm sm:grid-cols-[max-content_1fr] sm:gap-x-3">
            <dt className="text-muted-foreground">Reference</dt>
            <dd>{account.account_reference}</dd>
            <dt className="text-muted-foreground">Account id</dt>
            <dd className="flex min-w-0 flex-wrap items-center gap-1">
              <code className="font-mono text-xs break-all" data-testid="account-id">
                {account.account_id}
              </code>
              <CopyButton value={account.account_id} label="account id" />
            </dd>
          </dl>
        </div>
        {canPortal && <PortalButton accountId={accountId} disabledReason={portalBlockReason(account.state)} />}
      </div>
      {!live && (
        <Alert tone="warning" title="Showing the dashboard’s copy" className="mb-4">
          {detail.error} What you see was last read from Klarna{' '}
          {cached?.lastSyncedAt ? `at ${formatDateTime(cached.lastSyncedAt)} UTC` : 'some time ago'}; changes are off
          until Klarna can be read.
        </Alert>
      )}
      {account.state === 'PARTIALLY_OPERATIONAL' && (
        <Alert className="mb-4" title="Klarna is still setting this account up">
          It can already take payments; it can be managed once Klarna reports it operational, usually within seconds.
          This page updates by itself.
          <RereadWhileSettingUp />
        </Alert>
      )}
      <UrlTabs tabs={tabs} initial={tab ?? 'overview'} label="Merchant sections" />
    </>
  );
}

/** Why changes are off, or null when the account can be managed (seed: only OPERATIONAL accounts can). */
function manageBlockReason(state: string, live: boolean): string | null {
  if (!live) return 'Klarna could not be read just now, so changes are off.';
  if (state === 'OPERATIONAL') return null;
  if (state === 'PARTIALLY_OPERATIONAL')
    return 'Klarna is still setting this account up; it can be changed once it is operational.';
  if (state === 'DISABLED') return 'Klarna disabled this account; it can no longer be managed.';
  return `Klarna reports the account as ${state}; only operational accounts can be managed.`;
}

function portalBlockReason(state: string): string | null {
  if (state === 'OPERATIONAL') return null;
  if (state === 'PARTIALLY_OPERATIONAL') return 'Available once Klarna has finished setting the account up.';
  if (state === 'DISABLED') return 'Unavailable: Klarna disabled this account.';
  return `Unavailable while the account is ${state}.`;
}

function dateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : formatDateTime(at);
}

const businessFields: [key: string, label: string][] = [
  ['business_name', 'Business name'],
  ['business_entity_type', 'Business entity type'],
  ['registration_authority', 'Registration authority'],
  ['registration_number', 'Registration number'],
  ['tax_registration_number', 'Tax registration number'],
  ['financial_registration_number', 'Financial registration number'],
  ['operating_address', 'Operating address'],
  ['registration_address', 'Registration address'],
];

function BusinessCard({
  info,
  actions,
  note,
}: {
  info: Record<string, unknown>;
  actions?: React.ReactNode;
  note: string | null;
}) {
  const known = new Set(businessFields.map(([k]) => k));
  const extra = Object.entries(info).filter(([k, v]) => !known.has(k) && v !== null && v !== undefined);
  const empty = businessFields.every(([k]) => info[k] === null || info[k] === undefined || info[k] === '');
  return (
    <Card>
      <CardHeader
        title="Business information"
        description="The legal business behind the account, as Klarna keeps it."
        actions={actions}
      />
      <CardBody className="grid gap-3">
        {note && <p className="text-xs text-muted-foreground">{note}</p>}
        {empty && <Alert>Klarna holds no business information for this account yet.</Alert>}
        <DetailList
          items={[
            ...businessFields.map(([key, label]): [string, React.ReactNode] => {
              const value = info[key];
              if (key.endsWith('_address')) return [label, <AddressLines key={key} value={value} />];
              if (key === 'business_entity_type' && typeof value === 'string')
                return [
                  label,
                  <span key={key} title={value}>
                    {enumLabel(value)}
                  </span>,
                ];
              return [label, typeof value === 'string' && value ? value : <NotGiven key={key} />];
            }),
            ...extra.map(([key, value]): [string, React.ReactNode] => [
              key,
              <code key={key} className="font-mono text-xs">
                {typeof value === 'string' ? value : JSON.stringify(value)}
              </code>,
            ]),
          ]}
        />
      </CardBody>
    </Card>
  );
}

function NotGiven() {
  return <span className="text-muted-foreground">Not given</span>;
}

function AddressLines({ value }: { value: unknown }) {
  if (!value || typeof value !== 'object') return <NotGiven />;
  const a = value as Record<string, unknown>;
  const s = (k: string) => (typeof a[k] === 'string' ? (a[k] as string) : '');
  const lines = [
    s('street_address'),
    s('street_address2'),
    [s('postal_code'), s('city'), s('region')].filter(Boolean).join(' '),
    s('country'),
  ].filter(Boolean);
  if (!lines.length) return <NotGiven />;
  return (
    <address className="not-italic">
      {lines.map((line, i) => (
        <span key={i} className="block">
          {line}
        </span>
      ))}
    </address>
  );
}

function ProductCard({
  accountId,
  accountName,
  product,
  state,
  pricePlan,
  canManage,
  blockReason,
}: {
  accountId: string;
  accountName: string;
  product: Account['products'][number] | null;
  state: string | null;
  pricePlan: PricePlan | null;
  canManage: boolean;
  blockReason: string | null;
}) {
  const disabledByKlarna =
    state === 'DISABLED' && (product as Record<string, unknown> | null)?.disabled_by === 'KLARNA';
  const reason =
    state === 'TERMINATED'
      ? 'Terminated by Klarna (usually for fraud): the product can be neither enabled nor disabled from here. Contact Klarna.'
      : (blockReason ??
        (!product
          ? 'The account has no payment product.'
          : state !== 'ENABLED' && state !== 'DISABLED'
            ? `Klarna reports the product as ${state}, a state this dashboard does not know.`
            : null));
  return (
    <Card>
      <CardHeader
        title="Payment product"
        description="Enabled: the merchant can take new Klarna payments. Disabled: no new payment requests, but post-purchase operations still work."
        actions={
          canManage && product ? (
            <ProductDialog
              accountId={accountId}
              accountName={accountName}
              action={state === 'ENABLED' ? 'disable' : 'enable'}
              disabledReason={reason}
            />
          ) : undefined
        }
      />
      <CardBody className="grid gap-3">
        {state === 'TERMINATED' && (
          <Alert tone="danger" title="Terminated by Klarna">
            Klarna terminated this payment product, usually because of fraud. It cannot be enabled again from the
            dashboard.
          </Alert>
        )}
        {disabledByKlarna && (
          <Alert tone="warning" title="Disabled by Klarna">
            Klarna disabled this product; only Klarna can enable it again.
          </Alert>
        )}
        {canManage && reason && (
          <p id="product-disabled-reason" className="text-sm text-muted-foreground">
            {reason}
          </p>
        )}
        {product ? (
          <DetailList
            items={[
              ['State', <ProductStateBadge key="s" state={state} />],
              [
                'Product instance',
                <span key="id" className="font-mono text-xs">
                  {product.product_instance_id}
                </span>,
              ],
              ['Merchant category code', mccLabel(product.merchant_category_code)],
              [
                'Price plan',
                pricePlan ? (
                  pricePlan.name
                ) : product.price_plan_id ? (
                  <span className="font-mono text-xs">{product.price_plan_id}</span>
                ) : (
                  'Klarna’s default for this partner'
                ),
              ],
              [
                'Distribution profile',
                product.distribution_profile_id ? (
                  <span className="font-mono text-xs">{product.distribution_profile_id}</span>
                ) : (
                  '—'
                ),
              ],
              ['Last changed (UTC)', dateTime(product.updated_at)],
            ]}
          />
        ) : (
          <p className="text-sm text-muted-foreground">Klarna lists no payment product for this account.</p>
        )}
      </CardBody>
    </Card>
  );
}

function channelValues(c: Channel): ChannelValues {
  return {
    channel_id: c.channel_id,
    type: c.type,
    name: c.name ?? null,
    urls: c.urls ?? [],
    address: (c.address as Record<string, unknown> | null | undefined) ?? null,
    app_store_urls: c.app_store_urls ?? [],
    collection_reference: c.collection_reference ?? null,
  };
}

function ChannelsCard({
  accountId,
  channels,
  collections,
  canManage,
  blockReason,
}: {
  accountId: string;
  channels: Channel[];
  collections: ChannelCollection[];
  canManage: boolean;
  blockReason: string | null;
}) {
  const refs = collections.map((c) => c.collection_reference);
  const websiteTaken = channels.some((c) => c.type === 'WEBSITE');
  return (
    <Card>
      <CardHeader
        title="Channels"
        description="Where the merchant offers Klarna. At most one website per account; payment requests name the channel when there are several."
        actions={
          canManage ? (
            <ChannelDialog
              accountId={accountId}
              collections={refs}
              websiteTaken={websiteTaken}
              disabledReason={blockReason}
            />
          ) : undefined
        }
      />
      {canManage && blockReason && <p className="px-5 pt-3 text-xs text-muted-foreground">{blockReason}</p>}
      {channels.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-muted-foreground">
          No channels. Every account needs at least one: add a website, store or app.
        </p>
      ) : (
        <Table caption="Channels">
          <thead>
            <tr>
              <Th>Type</Th>
              <Th>Name</Th>
              <Th>Where</Th>
              <Th>Collection</Th>
              {canManage && <ActionsTh />}
            </tr>
          </thead>
          <tbody>
            {channels.map((c) => (
              <tr key={c.channel_id}>
                <Td className="whitespace-nowrap">{channelTypeLabel(c.type)}</Td>
                <Td>
                  <div>{c.name || <span className="text-muted-foreground">No name</span>}</div>
                  <MiddleEllipsis value={c.channel_id} copyLabel="channel id" className="text-muted-foreground" />
                </Td>
                <Td className="text-xs">
                  <ChannelWhere channel={c} />
                </Td>
                <Td className="font-mono text-xs">
                  {c.collection_reference || <span className="font-sans text-muted-foreground">None</span>}
                </Td>
                {canManage && (
                  <Td>
                    <div className="flex justify-end gap-2">
                      <ChannelDialog
                        accountId={accountId}
                        channel={channelValues(c)}
                        collections={refs}
                        websiteTaken={websiteTaken}
                        disabledReason={blockReason}
                      />
                      <DeleteChannelButton
                        accountId={accountId}
                        channelId={c.channel_id}
                        label={channelLabel(c)}
                        last={channels.length === 1}
                        disabledReason={blockReason}
                      />
                    </div>
                  </Td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

function ChannelWhere({ channel }: { channel: Channel }) {
  const links =
    channel.type === 'WEBSITE'
      ? (channel.urls ?? [])
      : channel.type === 'MOBILE_APP'
        ? (channel.app_store_urls ?? [])
        : [];
  if (channel.type === 'PHYSICAL_STORE') return <AddressLines value={channel.address} />;
  if (!links.length)
    return <span className="text-muted-foreground">{channel.type === 'MOBILE_APP' ? 'No store links' : '—'}</span>;
  return (
    <ul className="grid gap-0.5">
      {links.map((url) => (
        <li key={url} className="max-w-72 truncate font-mono" title={url}>
          {url}
        </li>
      ))}
    </ul>
  );
}

function collectionValues(c: ChannelCollection): CollectionValues {
  return {
    collection_reference: c.collection_reference,
    branding: (c.branding as Record<string, unknown> | null | undefined) ?? null,
    support: (c.support as Record<string, unknown> | null | undefined) ?? null,
    social_links: (c.social_links ?? []).map((l) => ({ platform: l.platform, url: l.url })),
  };
}

function CollectionsCard({
  accountId,
  channels,
  collections,
  canManage,
  blockReason,
}: {
  accountId: string;
  channels: Channel[];
  collections: ChannelCollection[];
  canManage: boolean;
  blockReason: string | null;
}) {
  return (
    <Card>
      <CardHeader
        title="Channel collections"
        description="Branding, support contacts and social links shared by the channels that use them, shown to shoppers in the Klarna app."
        actions={
          canManage ? (
            <CollectionDialog accountId={accountId} platforms={socialPlatforms} disabledReason={blockReason} />
          ) : undefined
        }
      />
      {canManage && blockReason && <p className="px-5 pt-3 text-xs text-muted-foreground">{blockReason}</p>}
      {collections.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-muted-foreground">
          No channel collections yet. Add one, then assign it to channels.
        </p>
      ) : (
        <Table caption="Channel collections">
          <thead>
            <tr>
              <Th>Reference</Th>
              <Th>Display name</Th>
              <Th>Support</Th>
              <Th>Social links</Th>
              <Th>Used by</Th>
              {canManage && <ActionsTh />}
            </tr>
          </thead>
          <tbody>
            {collections.map((c) => {
              const users = channels.filter((ch) => ch.collection_reference === c.collection_reference);
              const support = [c.support?.email, c.support?.phone, c.support?.url, c.support?.returns_url].filter(
                (v): v is string => Boolean(v),
              );
              const social = c.social_links?.length ?? 0;
              return (
                <tr key={c.collection_reference}>
                  <Td className="font-mono text-xs">{c.collection_reference}</Td>
                  <Td>
                    <span className="inline-flex items-center gap-2">
                      {c.branding?.brand_color && (
                        <span
                          aria-hidden
                          className="size-3 rounded-full border"
                          style={{ backgroundColor: c.branding.brand_color }}
                        />
                      )}
                      {c.branding?.display_name || <span className="text-muted-foreground">No branding</span>}
                    </span>
                  </Td>
                  <Td className="text-xs">
                    {support.length ? (
                      <ul className="grid gap-0.5">
                        {support.map((s) => (
                          <li key={s} className="max-w-56 truncate" title={s}>
                            {s}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span className="text-muted-foreground">None</span>
                    )}
                  </Td>
                  <Td className="whitespace-nowrap">
                    {social === 0 ? (
                      <span className="text-muted-foreground">None</span>
                    ) : (
                      `${social} link${social === 1 ? '' : 's'}`
                    )}
                  </Td>
                  <Td className="text-xs">
                    {users.length === 0 ? (
                      <span className="text-muted-foreground">No channel</span>
                    ) : (
                      <span title={users.map((u) => channelLabel(u)).join(', ')}>
                        {users.length} channel{users.length === 1 ? '' : 's'}:{' '}
                        {users.map((u) => channelLabel(u)).join(', ')}
                      </span>
                    )}
                  </Td>
                  {canManage && (
                    <Td>
                      <div className="flex justify-end gap-2">
                        <CollectionDialog
                          accountId={accountId}
                          collection={collectionValues(c)}
                          platforms={socialPlatforms}
                          disabledReason={blockReason}
                        />
                        <DeleteCollectionButton
                          accountId={accountId}
                          reference={c.collection_reference}
                          usedBy={users.length}
                          disabledReason={blockReason}
                        />
                      </div>
                    </Td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

const frequencyLabels: Record<string, string> = { DAILY: 'Daily', WEEKLY: 'Weekly', MONTHLY: 'Monthly' };

function ConfigurationCards({
  pricePlan,
  pricePlanId,
  settlement,
  settlementId,
}: {
  pricePlan: PricePlan | null;
  pricePlanId: string | null;
  settlement: SettlementConfiguration | null;
  settlementId: string | null;
}) {
  return (
    <>
      <Card>
        <CardHeader
          title="Price plan"
          description="What Klarna charges per transaction, by market and channel type. Set by Klarna; read-only."
        />
        {pricePlan ? (
          <>
            <CardBody>
              <DetailList
                items={[
                  ['Name', pricePlan.name],
                  [
                    'Price plan id',
                    <span key="id" className="font-mono text-xs">
                      {pricePlan.price_plan_id}
                    </span>,
                  ],
                ]}
              />
            </CardBody>
            {pricePlan.rates.length === 0 ? (
              <p className="px-5 pb-6 text-sm text-muted-foreground">This plan lists no rates.</p>
            ) : (
              <Table caption="Price plan rates">
                <thead>
                  <tr>
                    <Th>Market</Th>
                    <Th>Currency</Th>
                    <Th>Channel type</Th>
                    <Th className="text-right">Fixed fee</Th>
                    <Th className="text-right">Variable fee</Th>
                    <Th className="text-right">VAT on fees</Th>
                  </tr>
                </thead>
                <tbody>
                  {pricePlan.rates.map((r, i) => (
                    <tr key={`${r.market}-${r.currency}-${r.channel_type ?? 'any'}-${i}`}>
                      <Td>{r.market}</Td>
                      <Td>{r.currency}</Td>
                      <Td>
                        {r.channel_type ? (
                          channelTypeLabel(r.channel_type)
                        ) : (
                          <span className="text-muted-foreground">Any other</span>
                        )}
                      </Td>
                      <Td className="text-right tabular-nums">{formatMinorUnits(r.rate.fixed, r.currency)}</Td>
                      <Td className="text-right tabular-nums">{formatRatePercent(r.rate.variable)}</Td>
                      <Td className="text-right tabular-nums">
                        {r.rate.tax ? formatRatePercent(r.rate.tax.variable) : '—'}
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </>
        ) : (
          <CardBody>
            <p className="text-sm text-muted-foreground">
              {pricePlanId ? (
                <>
                  Klarna assigned price plan <span className="font-mono text-xs">{pricePlanId}</span>, which is not
                  among the plans Klarna lists for this partner.
                </>
              ) : (
                'Klarna’s default for this partner.'
              )}
            </p>
          </CardBody>
        )}
      </Card>
      <Card>
        <CardHeader
          title="Settlement configuration"
          description="How Klarna pays out this merchant’s funds to the partner. Set by Klarna; read-only."
        />
        <CardBody>
          {settlement ? (
            <DetailList
              items={[
                ['Name', settlement.name],
                [
                  'Configuration id',
                  <span key="id" className="font-mono text-xs">
                    {settlement.settlement_configuration_id}
                  </span>,
                ],
                [
                  'Payout schedule',
                  `${frequencyLabels[settlement.payout_schedule.frequency] ?? settlement.payout_schedule.frequency}, ${settlement.payout_schedule.delay_days} day${settlement.payout_schedule.delay_days === 1 ? '' : 's'} after capture`,
                ],
                ['Settling entity', settlement.settling_entity],
                [
                  'Bank account',
                  `${settlement.bank_account.holder}, IBAN ending ${settlement.bank_account.iban_last4}${settlement.bank_account.bic ? ` (BIC ${settlement.bank_account.bic})` : ''}`,
                ],
                ['Currencies', settlement.currencies.join(', ') || '—'],
                [
                  'Payout prefix',
                  <span key="p" className="font-mono text-xs">
                    {settlement.payout_prefix}
                  </span>,
                ],
              ]}
            />
          ) : (
            <p className="text-sm text-muted-foreground">
              {settlementId ? (
                <>
                  Klarna assigned settlement configuration <span className="font-mono text-xs">{settlementId}</span>,
                  which is not among the configurations Klarna lists for this partner.
                </>
              ) : (
                'Klarna’s default for this partner.'
              )}
            </p>
          )}
        </CardBody>
      </Card>
    </>
  );
}
