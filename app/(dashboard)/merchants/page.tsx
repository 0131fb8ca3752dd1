import type { Metadata } from 'next';
import Link from 'next/link';
import { Plus } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { ChoiceFilter, FilterForm, IgnoredFilters } from '@/components/lists/filter-form';
import { readListSearch } from '@/components/lists/list-search';
import { Input } from '@/components/ui/input';
import { KeysetPager } from '@/components/ui/keyset-pager';
import { LiveRefresh } from '@/components/ui/live-refresh';
import { Table, Td, Th } from '@/components/ui/table';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import { accountStates, productStates } from '@/lib/klarna/schemas/accounts';
import { isKnownMcc, mccLabel, merchantCategoryCodes } from '@/lib/klarna/mcc';
import { listMerchants, merchantFilterSchema, merchantsVersion } from '@/lib/merchants/cache';
import { listOpenDrafts } from '@/lib/merchants/drafts';
import { formatDateTime } from '@/lib/ui/format';
import { AccountStateBadge, ProductStateBadge } from './_components/state-badges';
import { SyncButton } from './_components/sync-button';

export const metadata: Metadata = { title: 'Merchants' };

const filterNames = ['q', 'state', 'product'] as const;
const accountStateLabels: Record<string, string> = {
  OPERATIONAL: 'Operational',
  PARTIALLY_OPERATIONAL: 'Setting up',
  DISABLED: 'Disabled',
};
const productStateLabels: Record<string, string> = {
  ENABLED: 'Enabled',
  DISABLED: 'Disabled',
  TERMINATED: 'Terminated',
};

export default async function MerchantsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('dashboard.read');
  const { db, actor } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const { raw, filter, invalid, current } = readListSearch(await searchParams, filterNames, merchantFilterSchema);
  const canOnboard = can(actor.role, 'merchants.onboard');
  // The fingerprint first: a webhook landing while the page renders makes the next poll refresh it.
  const version = await merchantsVersion(db);
  const [page, drafts] = await Promise.all([
    listMerchants(db, filter),
    canOnboard ? listOpenDrafts(ctx) : Promise.resolve([]),
  ]);
  const settingUp = page.rows.some((r) => r.state === 'PARTIALLY_OPERATIONAL');
  const filtered = Boolean(raw.q || raw.state || raw.product);

  return (
    <>
      <PageHeader
        title="Merchants"
        description="Merchant accounts at Klarna: their state, payment product and channels. The list is this dashboard's copy, kept current by Klarna's webhooks."
        actions={
          <div className="flex flex-wrap items-center gap-3">
            <LiveRefresh
              url="/api/merchants/version"
              version={version}
              fast={settingUp}
              label="Live: Klarna's webhooks update this list"
            />
            {can(actor.role, 'merchants.manage') && <SyncButton />}
            {canOnboard && (
              <Button asChild>
                <Link href="/merchants/onboard">
                  <Plus aria-hidden /> Onboard merchant
                </Link>
              </Button>
            )}
          </div>
        }
      />
      {drafts.length > 0 && (
        <Card className="mb-4 p-4">
          <h2 className="mb-2 text-sm font-semibold">Onboarding drafts</h2>
          <ul className="grid gap-1 text-sm">
            {drafts.map((d) => (
              <li key={d.id} className="flex flex-wrap items-center gap-2">
                <Link className="underline underline-offset-4" href={`/merchants/onboard?draft=${d.id}`}>
                  {d.label}
                </Link>
                <span className="text-xs text-muted-foreground">
                  step {d.step + 1}, saved {formatDateTime(d.updatedAt)} UTC
                </span>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <FilterForm label="Filter merchants" clearHref="/merchants">
        <Field label="Search" hint="Name, reference or account id">
          {(c) => <Input {...c} name="q" defaultValue={raw.q ?? ''} />}
        </Field>
        <ChoiceFilter
          label="Account state"
          name="state"
          value={raw.state}
          any="Any state"
          choices={accountStates.map((s) => ({ value: s, label: accountStateLabels[s] ?? s }))}
        />
        <ChoiceFilter
          label="Payment product"
          name="product"
          value={raw.product}
          any="Any product state"
          choices={productStates.map((s) => ({ value: s, label: productStateLabels[s] ?? s }))}
        />
      </FilterForm>
      <IgnoredFilters names={invalid} />
      <Card>
        {page.rows.length === 0 ? (
          <p className="px-5 py-12 text-center text-sm text-muted-foreground">
            {filtered
              ? 'No merchant matches these filters.'
              : canOnboard
                ? 'No merchants yet. Onboard one, or sync the accounts Klarna already has for you.'
                : 'No merchants yet. An admin onboards them; an operator can sync the accounts Klarna already has.'}
          </p>
        ) : (
          <Table caption="Merchant accounts">
            <thead>
              <tr>
                <Th>Merchant</Th>
                <Th>Account state</Th>
                <Th>Payment product</Th>
                <Th>MCC</Th>
                <Th>Channels</Th>
                <Th>Synced (UTC)</Th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => (
                <tr key={row.accountId}>
                  <Td>
                    <Link
                      className="font-medium underline-offset-4 hover:underline"
                      href={`/merchants/${encodeURIComponent(row.accountId)}`}
                    >
                      {row.accountName}
                    </Link>
                    {row.accountReference && (
                      <div className="text-xs text-muted-foreground">{row.accountReference}</div>
                    )}
                    <div className="max-w-64 break-all font-mono text-xs text-muted-foreground">{row.accountId}</div>
                  </Td>
                  <Td>
                    <AccountStateBadge state={row.state} />
                  </Td>
                  <Td>
                    <ProductStateBadge state={row.productState} />
                  </Td>
                  <Td className="text-xs" title={row.mcc ? mccLabel(row.mcc) : undefined}>
                    {row.mcc ? (
                      <>
                        <span className="font-mono">{row.mcc}</span>
                        {isKnownMcc(row.mcc) && (
                          <div className="max-w-40 truncate text-muted-foreground">
                            {merchantCategoryCodes[row.mcc]}
                          </div>
                        )}
                      </>
                    ) : (
                      '—'
                    )}
                  </Td>
                  <Td className="tabular-nums">{row.channelsCount ?? '—'}</Td>
                  <Td className="whitespace-nowrap text-muted-foreground">
                    {row.lastSyncedAt ? formatDateTime(row.lastSyncedAt) : 'Not yet – known from a webhook'}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {(page.nextCursor || raw.cursor) && (
          <KeysetPager label="Merchant pages" filters={current} cursor={raw.cursor} nextCursor={page.nextCursor} />
        )}
      </Card>
    </>
  );
}
