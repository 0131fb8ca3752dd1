/** Money and Klarna rates as text without floats (design.md, "Money"): minor units, rates as percent × 1 000 000. */

const exponents = new Map<string, number>();

/** Digits after the decimal point in a currency's minor units (JPY 0, EUR 2, BHD 3); 2 for an unknown code. */
export function currencyExponent(currency: string): number {
  let digits = exponents.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en-GB', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    // Remembered per code (an Intl.NumberFormat costs ~20 µs; exports call this per cell).
    if (exponents.size < 1000) exponents.set(currency, digits);
  }
  return digits;
}

type MajorDecimal = (amount: number) => string;
const majorFormatters = new Map<string, MajorDecimal>();

/**
 * `formatMajorDecimal` for one currency, made once per code: the exponent and its power of ten
 * are read when it is made, so a call is integer arithmetic and the digits of its answer only
 * (the exports call it four times a row).
 */
export function majorDecimalFormatter(currency: string): MajorDecimal {
  let format = majorFormatters.get(currency);
  if (format) return format;
  const digits = currencyExponent(currency);
  const unit = 10 ** digits;
  const zeros = '0'.repeat(digits);
  format = (amount) => {
    const abs = Math.abs(Math.trunc(amount));
    const sign = amount < 0 && abs > 0 ? '-' : '';
    if (digits === 0) return sign + abs;
    const fraction = abs % unit;
    // Exact for every safe integer: the subtraction leaves a multiple of `unit`.
    const whole = (abs - fraction) / unit;
    const tail = String(fraction);
    return `${sign}${whole}.${tail.length < digits ? zeros.slice(tail.length) + tail : tail}`;
  };
  if (majorFormatters.size < 1000) majorFormatters.set(currency, format);
  return format;
}

/** Minor units as a plain decimal in major units, `12345` EUR → `123.45` (no grouping, no code: for CSV and inputs). */
export function formatMajorDecimal(amount: number, currency: string): string {
  return majorDecimalFormatter(currency)(amount);
}

const zeros = '000000000000000';
const threeDigits = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * Minor units in major units, grouped by thousands, with the code: `123456789` EUR → `1,234,567.89 EUR`.
 * Integer arithmetic group by group (no split, regex or array per call: the payout page and its
 * export explain every line with it); exact for every safe integer, as `formatMajorDecimal`.
 */
export function formatMinorUnits(amount: number, currency: string): string {
  const digits = currencyExponent(currency);
  const unit = 10 ** digits;
  const abs = Math.abs(Math.trunc(amount));
  const fraction = abs % unit;
  // Each division below is of a multiple of its divisor: exact, no float rounding.
  let whole = (abs - fraction) / unit;
  let group = 1;
  while (group * 1000 <= whole) group *= 1000;
  let rest = whole % group;
  let out = `${amount < 0 && abs > 0 ? '-' : ''}${(whole - rest) / group}`;
  whole = rest;
  while (group > 1) {
    group /= 1000;
    rest = whole % group;
    out += `,${threeDigits((whole - rest) / group)}`;
    whole = rest;
  }
  if (digits > 0) {
    const tail = `${fraction}`;
    out += `.${tail.length < digits ? zeros.slice(0, digits - tail.length) : ''}${tail}`;
  }
  return `${out} ${currency}`;
}

export type ParsedAmount = { ok: true; minor: number } | { ok: false; message: string };

/** Typed major units (`10.50`, `1,234.5`) to minor units by string maths: no float ever holds the amount. */
export function parseMajorAmount(text: string, currency?: string | null): ParsedAmount {
  const digits = currency ? currencyExponent(currency) : 2;
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return { ok: false, message: 'an amount such as 10.50' };
  const whole = match[1]!.replace(/,/g, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) {
    return {
      ok: false,
      message:
        digits === 0 ? `no decimals in ${currency}` : `at most ${digits} decimals${currency ? ` in ${currency}` : ''}`,
    };
  }
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: 'too large' };
  return { ok: true, minor: Number(minor) };
}

/** A Klarna rate percentage (percent × 1 000 000, the seed's unit) as "2.99 %" (up to 4 decimals, no float rounding). */
export function formatRatePercent(value: number): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(value));
  const whole = Math.floor(abs / 1_000_000);
  const fraction = String(abs % 1_000_000)
    .padStart(6, '0')
    .slice(0, 4)
    .replace(/0+$/, '')
    .padEnd(2, '0');
  return `${sign}${whole}.${fraction} %`;
}

// Audit details that hold an amount in minor units (lib/payments/service.ts writes them so).
const minorUnitDetailKeys = new Set([
  'amount',
  'released',
  'payment_amount',
  'captured_amount',
  'refunded_amount',
  'remaining_authorized_amount',
  'authorized_amount',
]);

/** Audit details as `key: value, …`; an amount without currency says `(minor units)`, never a bare number. */
export function summariseDetails(details: Record<string, unknown>): string {
  const currency =
    typeof details.currency === 'string' && /^[A-Z]{3}$/.test(details.currency) ? details.currency : null;
  return Object.entries(details)
    .map(([k, v]) => {
      if (minorUnitDetailKeys.has(k) && typeof v === 'number')
        return `${k}: ${currency ? formatMinorUnits(v, currency) : `${v} (minor units)`}`;
      return `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`;
    })
    .join(', ');
}
