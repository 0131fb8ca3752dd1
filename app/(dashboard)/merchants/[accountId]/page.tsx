import { TimelineCard } from '@/components/ui/timeline-card';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Forbidden } from '@/components/shell/forbidden';
import { Alert } from '@/components/ui/alert';
import { LiveRefresh } from '@/components/ui/live-refresh';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import { NotFoundError } from '@/lib/errors';
import { accountSchema, businessEntityTypes, type Account } from '@/lib/klarna/schemas/accounts';
import { listTimeline, merchantsVersion } from '@/lib/merchants/cache';
import { loadMerchantDetail } from '@/lib/merchants/service';
import { formatDateTime } from '@/lib/ui/format';
import { decodeSegment, firstValues } from '@/lib/ui/search-params';
import { AccountStateBadge, ProductStateBadge } from '../_components/state-badges';
import { AccountCard } from './_components/account-card';
import { BusinessCard } from './_components/business-card';
import { BusinessDialog } from './_components/business-dialog';
import { ChannelsCard } from './_components/channels-card';
import { CollectionsCard } from './_components/collections-card';
import { ConfigurationCards } from './_components/configuration-cards';
import { CopyButton } from '@/components/forms/copy-button';
import { UrlTabs } from '@/components/ui/url-tabs';
import { PortalButton } from './_components/portal-button';
import { ProductCard } from './_components/product-card';
import { RereadWhileSettingUp } from './_components/reread-while-setting-up';

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
  // What the channels and collections tabs both show.
  const channelProps = { accountId, channels, collections, canManage, blockReason: manageBlock };
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
          <AccountCard
            accountId={accountId}
            account={account}
            product={product}
            cached={cached}
            canEdit={canManage && Boolean(live)}
            blockReason={manageBlock}
          />
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
      content: live ? <ChannelsCard {...channelProps} /> : stale,
    },
    {
      id: 'collections',
      label: 'Channel collections',
      content: live ? <CollectionsCard {...channelProps} /> : stale,
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
