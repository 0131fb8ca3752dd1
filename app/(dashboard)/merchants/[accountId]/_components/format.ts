/**
 * Money and rates of Klarna's price plans, formatted without floating-point maths: fixed
 * fees are integers in the currency's minor units, variable fees are basis points.
 */

/** `0.30 USD`-style amounts in the currency's own exponent (JPY has none, BHD three). */
export function formatMinorUnits(amount: number, currency: string): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en-GB', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown currency code: shown with two decimals and its raw code.
  }
  const sign = amount < 0 ? '-' : '';
  const abs = String(Math.abs(Math.trunc(amount))).padStart(digits + 1, '0');
  const whole = abs.slice(0, abs.length - digits) || '0';
  const fraction = digits ? `.${abs.slice(abs.length - digits)}` : '';
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction} ${currency}`;
}

/** 249 basis points → `2.49 %`. */
export function formatBasisPoints(bps: number): string {
  const sign = bps < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(bps));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} %`;
}

/** Klarna ids are long URNs; the part after the last colon is what people compare. */
export function shortKrn(id: string): string {
  return id.includes(':') ? id.slice(id.lastIndexOf(':') + 1) : id;
}

/** `LIMITED_LIABILITY_COMPANY` → `Limited liability company` (an unknown value reads the same way). */
export function enumLabel(value: string): string {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const channelTypeLabels: Record<string, string> = { WEBSITE: 'Website', PHYSICAL_STORE: 'Physical store', MOBILE_APP: 'Mobile app' };

/** A channel type Klarna adds later shows as its raw name. */
export function channelTypeLabel(type: string): string {
  return channelTypeLabels[type] ?? type;
}
