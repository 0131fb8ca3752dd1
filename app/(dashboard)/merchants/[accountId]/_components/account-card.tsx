import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import type { MerchantAccountRow } from '@/db/schema';
import { mccLabel } from '@/lib/klarna/mcc';
import type { Account } from '@/lib/klarna/schemas/accounts';
import { formatDateTime } from '@/lib/ui/format';
import { AccountStateBadge } from '../../_components/state-badges';
import { AccountDialog } from './account-dialog';
import { klarnaDateTime } from './format';

export function AccountCard({
  accountId,
  account,
  product,
  cached,
  canEdit,
  blockReason,
}: {
  accountId: string;
  account: Account;
  product: Account['products'][number] | null;
  cached: MerchantAccountRow | null;
  /** The role may manage merchants and Klarna's current view is at hand. */
  canEdit: boolean;
  blockReason: string | null;
}) {
  const owner = account.account_owner;
  return (
    <Card>
      <CardHeader
        title="Account"
        description="The merchant as Klarna keeps it."
        actions={
          canEdit ? (
            <AccountDialog
              accountId={accountId}
              disabledReason={blockReason}
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
        {canEdit && blockReason && <p className="text-xs text-muted-foreground">{blockReason}</p>}
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
            ['Created at Klarna (UTC)', klarnaDateTime(account.created_at)],
            ['Last changed at Klarna (UTC)', klarnaDateTime(account.updated_at)],
            ['Last read from Klarna (UTC)', cached?.lastSyncedAt ? formatDateTime(cached.lastSyncedAt) : 'Never'],
          ]}
        />
      </CardBody>
    </Card>
  );
}
