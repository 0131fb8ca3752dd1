import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import { Table, Td, Th } from '@/components/ui/table';
import type { PaymentTransaction } from '@/lib/klarna/schemas/payments';
import { AddressLines, NoDetails, obj, personName, str, type Obj } from './detail-bits';
import { captureLabel, shipmentsOf } from './view';

function sameAddress(a: unknown, b: unknown): boolean {
  return JSON.stringify(obj(a) ?? null) === JSON.stringify(obj(b) ?? null);
}

export function ShippingCards({ transaction: t }: { transaction: PaymentTransaction | null }) {
  if (!t) return <NoDetails />;
  const customer = obj(t.customer);
  const shipping = obj(t.shipping);
  const recipient = obj(shipping?.recipient);
  const differs = Boolean(
    shipping &&
    customer &&
    (!sameAddress(shipping.address, customer.address) || (recipient && personName(recipient) !== personName(customer))),
  );
  const tracking = [
    ...shipmentsOf(t.shipping_info as Obj[] | null | undefined).map((s, i) => ({
      key: `t${i}`,
      where: `Payment, shipment ${i + 1}`,
      ...s,
    })),
    ...t.captures.flatMap((c, ci) =>
      shipmentsOf(c.shipping_info as Obj[] | null | undefined).map((s, i) => ({
        key: `c${ci}-${i}`,
        where: captureLabel({ number: ci + 1, reference: c.capture_reference ?? null }),
        ...s,
      })),
    ),
  ];
  return (
    <>
      <div className="grid gap-4 md:grid-cols-2">
        <Card aria-label="Customer">
          <CardHeader title="Customer" description="Who bought, as the shopper gave it to Klarna." />
          <CardBody>
            <DetailList
              items={[
                ['Name', personName(customer) || '—'],
                ['Email', str(customer?.email) || '—'],
                ['Phone', str(customer?.phone) || '—'],
                ['Address', <AddressLines key="a" value={customer?.address} />],
              ]}
            />
          </CardBody>
        </Card>
        <Card aria-label="Shipping address">
          <CardHeader
            title="Shipping"
            description={differs ? 'Shipped to someone or somewhere other than the customer.' : 'Where the goods go.'}
          />
          <CardBody>
            {shipping ? (
              <DetailList
                items={[
                  ['Recipient', personName(recipient) || '—'],
                  ['Recipient email', str(recipient?.email) || '—'],
                  ['Recipient phone', str(recipient?.phone) || '—'],
                  ['Address', <AddressLines key="a" value={shipping.address} />],
                  ['Shipping method', str(shipping.shipping_method) || '—'],
                ]}
              />
            ) : (
              <p className="text-sm text-muted-foreground">No shipping details: Klarna has only the customer’s.</p>
            )}
          </CardBody>
        </Card>
      </div>
      <Card>
        <CardHeader
          title="Tracking"
          description="Shipments on the payment (changed with Update) and those sent with each capture."
        />
        {tracking.length === 0 ? (
          <p className="px-5 py-8 text-center text-sm text-muted-foreground">
            No tracking yet. Add it when capturing, or with Update references and tracking.
          </p>
        ) : (
          <Table caption="Tracking">
            <thead>
              <tr>
                <Th>Shipment</Th>
                <Th>Shipping company</Th>
                <Th>Tracking number</Th>
                <Th>Tracking URL</Th>
              </tr>
            </thead>
            <tbody>
              {tracking.map((s) => (
                <tr key={s.key}>
                  <Td>{s.where}</Td>
                  <Td>{s.shipping_company || '—'}</Td>
                  <Td className="font-mono text-xs">{s.tracking_number || '—'}</Td>
                  <Td className="max-w-72 truncate text-xs">
                    {s.tracking_url ? (
                      <a
                        className="underline underline-offset-4"
                        href={s.tracking_url}
                        target="_blank"
                        rel="noopener noreferrer"
                      >
                        {s.tracking_url}
                      </a>
                    ) : (
                      '—'
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
