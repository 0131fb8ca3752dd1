import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import { Table, Td, Th } from '@/components/ui/table';
import type { Capture, PaymentTransaction, Refund } from '@/lib/klarna/schemas/payments';
import { formatMinorUnits } from '@/lib/ui/money';
import { dateTime, NoDetails, type Obj } from './detail-bits';
import { toWireLines, type WireLine } from '@/lib/payments/lines';
import { RefundDialog } from './refund-dialog';
import { captureLabel, shipmentsOf, type PaymentView } from './view';

function RefundsTable({
  refunds,
  captures,
  currency,
  caption,
  ofCapture = false,
}: {
  refunds: Refund[];
  captures: Capture[];
  currency: string;
  caption: string;
  ofCapture?: boolean;
}) {
  const captureName = (id: string) => {
    const i = captures.findIndex((c) => c.payment_capture_id === id);
    return i >= 0 ? `capture ${i + 1}` : id;
  };
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          <Th>Refund</Th>
          <Th>Reference</Th>
          <Th>Lines</Th>
          <Th>Created (UTC)</Th>
          <Th className="text-right">Amount</Th>
        </tr>
      </thead>
      <tbody>
        {refunds.map((r) => (
          <tr key={r.payment_refund_id}>
            <Td>
              <span className="font-mono text-xs break-all">{r.payment_refund_id}</span>
              {ofCapture && !r.payment_capture_id && (
                <div className="text-xs text-muted-foreground">
                  A refund of the whole payment, partly or wholly from this capture
                </div>
              )}
              {!r.payment_capture_id && r.allocations && r.allocations.length > 0 && (
                <div className="text-xs text-muted-foreground">
                  Allocated:{' '}
                  {r.allocations
                    .map((a) => `${captureName(a.payment_capture_id)} ${formatMinorUnits(a.amount, currency)}`)
                    .join(', ')}
                </div>
              )}
              {r.description && <div className="text-xs text-muted-foreground">{r.description}</div>}
            </Td>
            <Td>{r.refund_reference || '—'}</Td>
            <Td className="text-xs">{linesText(toWireLines(r.line_items))}</Td>
            <Td className="whitespace-nowrap text-muted-foreground">{dateTime(r.created_at)}</Td>
            <Td className="text-right font-medium tabular-nums whitespace-nowrap">
              {formatMinorUnits(r.amount, currency)}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function linesText(lines: WireLine[]): string {
  return lines.length ? lines.map((l) => `${l.quantity} × ${l.name}`).join(', ') : '—';
}

export function CapturesCards({
  transaction: t,
  view,
  canOperate,
  refundBlock,
}: {
  transaction: PaymentTransaction | null;
  view: PaymentView;
  canOperate: boolean;
  refundBlock: string | null;
}) {
  if (!t) return <NoDetails />;
  const { currency } = view;
  const money = (v: number) => formatMinorUnits(v, currency);
  const transactionRefunds = t.refunds.filter((r) => !r.payment_capture_id);
  if (t.captures.length === 0) {
    return (
      <Card>
        <CardBody>
          <p className="py-6 text-center text-sm text-muted-foreground">
            Nothing captured yet. Capture when the goods ship; {money(view.remaining)} remains authorized.
          </p>
        </CardBody>
      </Card>
    );
  }
  return (
    <>
      {t.captures.map((c, i) => {
        const label = captureLabel({ number: i + 1, reference: c.capture_reference ?? null });
        const refundable = c.amount - c.refunded_amount;
        const tracking = shipmentsOf(c.shipping_info as Obj[] | null | undefined);
        const refunds = c.refunds ?? t.refunds.filter((r) => r.payment_capture_id === c.payment_capture_id);
        return (
          <Card key={c.payment_capture_id} aria-label={label}>
            <CardHeader
              title={
                <span className="inline-flex flex-wrap items-baseline gap-2">
                  {label}
                  <span className="tabular-nums">{money(c.amount)}</span>
                </span>
              }
              description={`Captured ${dateTime(c.created_at)} UTC`}
              actions={
                canOperate ? (
                  <RefundDialog
                    payment={view}
                    captureId={c.payment_capture_id}
                    triggerLabel="Refund…"
                    triggerAriaLabel={`Refund ${label.toLowerCase()}`}
                    disabledReason={
                      refundBlock ?? (refundable <= 0 ? 'Everything captured here has been refunded.' : null)
                    }
                  />
                ) : undefined
              }
            />
            <CardBody>
              <DetailList
                items={[
                  [
                    'Capture id',
                    <span key="id" className="font-mono text-xs">
                      {c.payment_capture_id}
                    </span>,
                  ],
                  ['Capture reference', c.capture_reference || '—'],
                  ['Amount', money(c.amount)],
                  ['Refunded', money(c.refunded_amount)],
                  ['Refundable', money(refundable)],
                  ['Lines', c.line_items ? linesText(toWireLines(c.line_items)) : 'Captured by amount'],
                  [
                    'Tracking',
                    tracking.length
                      ? tracking
                          .map((s) =>
                            [s.shipping_company, s.tracking_number, s.tracking_url].filter(Boolean).join(' · '),
                          )
                          .join('; ')
                      : '—',
                  ],
                ]}
              />
            </CardBody>
            {refunds.length > 0 && (
              <RefundsTable
                refunds={refunds}
                captures={t.captures}
                currency={currency}
                caption={`Refunds of ${label.toLowerCase()}`}
                ofCapture
              />
            )}
          </Card>
        );
      })}
      {transactionRefunds.length > 0 && (
        <Card aria-label="Refunds of the whole payment">
          <CardHeader
            title="Refunds of the whole payment"
            description="Refunds made against the payment rather than one capture, while it had a single capture; a payment captured more than once is refunded per capture."
          />
          <RefundsTable
            refunds={transactionRefunds}
            captures={t.captures}
            currency={currency}
            caption="Refunds of the whole payment"
          />
        </Card>
      )}
    </>
  );
}
