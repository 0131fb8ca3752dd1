import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import { Table, Td, Th } from '@/components/ui/table';
import type { PricePlan, SettlementConfiguration } from '@/lib/klarna/schemas/accounts';
import { formatMinorUnits, formatRatePercent } from '@/lib/ui/money';
import { channelTypeLabel } from './format';

const frequencyLabels: Record<string, string> = { DAILY: 'Daily', WEEKLY: 'Weekly', MONTHLY: 'Monthly' };

export function ConfigurationCards({
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
