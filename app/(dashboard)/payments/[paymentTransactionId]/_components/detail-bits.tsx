import { Card, CardBody } from '@/components/ui/card';
import { formatDateTime } from '@/lib/ui/format';

export function dateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : formatDateTime(at);
}

export type Obj = Record<string, unknown>;
export const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function personName(p: Obj | null): string {
  return p ? [str(p.given_name), str(p.family_name)].filter(Boolean).join(' ') : '';
}

export function AddressLines({ value }: { value: unknown }) {
  const a = obj(value);
  if (!a) return <span className="text-muted-foreground">—</span>;
  const lines = [
    str(a.street_address),
    str(a.street_address2),
    [str(a.postal_code), str(a.city)].filter(Boolean).join(' '),
    [str(a.region), str(a.country)].filter(Boolean).join(', '),
  ].filter(Boolean);
  return (
    <span className="grid">
      {lines.map((l) => (
        <span key={l}>{l}</span>
      ))}
    </span>
  );
}

export function NoDetails() {
  return (
    <Card>
      <CardBody>
        <p className="text-sm text-muted-foreground">
          Not known yet: the dashboard has only the amounts from Klarna’s webhook. Refresh from Klarna to load the
          details.
        </p>
      </CardBody>
    </Card>
  );
}
