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
