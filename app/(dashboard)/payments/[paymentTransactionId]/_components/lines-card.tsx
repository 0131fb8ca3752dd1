import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import type { PaymentTransaction } from '@/lib/klarna/schemas/payments';
import { formatMinorUnits } from '@/lib/ui/money';
import { NoDetails } from './detail-bits';
import { isReducingLine, lineKey, lineTypeLabel, quantitiesByKey, toWireLines } from '@/lib/payments/lines';

export function LinesCard({ transaction: t, currency }: { transaction: PaymentTransaction | null; currency: string }) {
  if (!t) return <NoDetails />;
  const lines = toWireLines(t.line_items);
  const money = (v: number) => formatMinorUnits(v, currency);
  const total = lines.reduce((s, l) => s + l.total_line_amount, 0);
  // Everything captured means every line was, whether or not each capture named its lines.
  const allCaptured = total > 0 && t.captured_amount >= total;
  const capturesKnown = allCaptured || t.captures.every((c) => Boolean(c.line_items));
  const captured = quantitiesByKey(allCaptured ? [lines] : t.captures.map((c) => toWireLines(c.line_items)));
  const refunded = quantitiesByKey(t.refunds.map((r) => toWireLines(r.line_items)));
  return (
    <Card>
      <CardHeader
        title="Line items"
        description={
          capturesKnown
            ? 'What the shopper bought, and how much of each line was captured and refunded by line.'
            : 'What the shopper bought. Some captures named no lines, so captured quantities are not known per line.'
        }
      />
      {lines.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-muted-foreground">
          Klarna lists no line items for this payment.
        </p>
      ) : (
        <Table caption="Line items">
          <thead>
            <tr>
              <Th>Item</Th>
              <Th>Type</Th>
              <Th className="text-right">Quantity</Th>
              <Th className="text-right">Unit price</Th>
              <Th className="text-right">Discount</Th>
              <Th className="text-right">Tax</Th>
              <Th className="text-right">Total</Th>
              <Th className="text-right">Captured</Th>
              <Th className="text-right">Refunded</Th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              <tr key={`${lineKey(l)}-${i}`}>
                <Td>
                  <div className="font-medium">{l.name}</div>
                  {l.reference && <div className="font-mono text-xs text-muted-foreground">{l.reference}</div>}
                </Td>
                <Td>
                  {isReducingLine(l) ? <Badge tone="warning">{lineTypeLabel(l.type)}</Badge> : lineTypeLabel(l.type)}
                </Td>
                <Td className="text-right tabular-nums">{l.quantity}</Td>
                <Td className="text-right tabular-nums whitespace-nowrap">{money(l.unit_price)}</Td>
                <Td className="text-right tabular-nums whitespace-nowrap">
                  {l.total_discount_amount ? money(l.total_discount_amount) : '—'}
                </Td>
                <Td className="text-right tabular-nums whitespace-nowrap">
                  {l.total_tax_amount !== undefined ? money(l.total_tax_amount) : '—'}
                  {l.tax_rate !== undefined && (
                    <div className="text-xs text-muted-foreground">{formatTaxRate(l.tax_rate)}</div>
                  )}
                </Td>
                <Td className="text-right font-medium tabular-nums whitespace-nowrap">{money(l.total_line_amount)}</Td>
                <Td className="text-right tabular-nums">{capturesKnown ? (captured.get(lineKey(l)) ?? 0) : '?'}</Td>
                <Td className="text-right tabular-nums">{refunded.get(lineKey(l)) ?? 0}</Td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <Td colSpan={6} className="text-right font-medium">
                Total
              </Td>
              <Td className="text-right font-semibold tabular-nums whitespace-nowrap" data-testid="lines-total">
                {money(total)}
              </Td>
              <Td colSpan={2} />
            </tr>
          </tfoot>
        </Table>
      )}
    </Card>
  );
}

/** Klarna's order-line tax rate is percent × 100 (25 % = 2500). */
function formatTaxRate(rate: number): string {
  return `${Math.floor(rate / 100)}.${String(rate % 100).padStart(2, '0')} %`;
}
