/**
 * Money and Klarna rates as text, without floating-point maths (design.md, "Money"): amounts
 * are integers in the currency's minor units, rate percentages are percent × 1 000 000 (the
 * seed's `payment_pricing.rate.variable`).
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

/** A Klarna rate percentage (percent × 1 000 000, the seed's unit) as "2.99 %" (up to 4 decimals, no float rounding). */
export function formatRatePercent(value: number): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(value));
  const whole = Math.floor(abs / 1_000_000);
  const fraction = String(abs % 1_000_000).padStart(6, '0').slice(0, 4).replace(/0+$/, '').padEnd(2, '0');
  return `${sign}${whole}.${fraction} %`;
}

