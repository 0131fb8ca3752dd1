import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import type { PaymentTransaction } from '@/lib/klarna/schemas/payments';
import { formatMinorUnits, formatRatePercent } from '@/lib/ui/money';
import { NoDetails } from './detail-bits';

export function PricingCard({
  transaction: t,
  currency,
}: {
  transaction: PaymentTransaction | null;
  currency: string;
}) {
  if (!t) return <NoDetails />;
  const pricing = t.payment_pricing;
  return (
    <Card>
      <CardHeader
        title="Pricing"
        description="The rate Klarna promised when the payment was confirmed. Provisional: the fixed and variable fees apply per capture, and the settlement file holds the fees charged. Not a final amount to quote to the merchant."
      />
      <CardBody>
        {pricing ? (
          <DetailList
            items={[
              [
                'Price plan',
                pricing.price_plan_id ? (
                  <span key="p" className="font-mono text-xs">
                    {pricing.price_plan_id}
                  </span>
                ) : (
                  'Klarna’s default for this partner'
                ),
              ],
              ['Fixed fee per capture', formatMinorUnits(pricing.rate.fixed, currency)],
              ['Variable fee', formatRatePercent(pricing.rate.variable)],
              [
                'VAT on fees',
                pricing.rate.tax
                  ? `${formatRatePercent(pricing.rate.tax.variable)}${pricing.rate.tax.fixed ? ` + ${formatMinorUnits(pricing.rate.tax.fixed, currency)}` : ''}`
                  : '—',
              ],
            ]}
          />
        ) : (
          <p className="text-sm text-muted-foreground">Klarna gave no pricing for this payment.</p>
        )}
      </CardBody>
    </Card>
  );
}
