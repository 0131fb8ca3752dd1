import { formatDateTime } from '@/lib/ui/format';

/** `LIMITED_LIABILITY_COMPANY` → `Limited liability company` (an unknown value reads the same way). */
export function enumLabel(value: string): string {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const channelTypeLabels: Record<string, string> = {
  WEBSITE: 'Website',
  PHYSICAL_STORE: 'Physical store',
  MOBILE_APP: 'Mobile app',
};

/** A channel type Klarna adds later shows as its raw name. */
export function channelTypeLabel(type: string): string {
  return channelTypeLabels[type] ?? type;
}

/** Klarna's ISO time in the dashboard's UTC format; a value that does not parse shows as Klarna sent it. */
export function klarnaDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : formatDateTime(at);
}
