import { Alert } from '@/components/ui/alert';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import { mccLabel } from '@/lib/klarna/mcc';
import type { Account, PricePlan } from '@/lib/klarna/schemas/accounts';
import { ProductStateBadge } from '../../_components/state-badges';
import { klarnaDateTime } from './format';
import { ProductDialog } from './product-dialog';

export function ProductCard({
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
              ['Last changed (UTC)', klarnaDateTime(product.updated_at)],
            ]}
          />
        ) : (
          <p className="text-sm text-muted-foreground">Klarna lists no payment product for this account.</p>
        )}
      </CardBody>
    </Card>
  );
}
