import { Alert } from '@/components/ui/alert';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import { enumLabel } from './format';

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

export function BusinessCard({
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

export function AddressLines({ value }: { value: unknown }) {
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
