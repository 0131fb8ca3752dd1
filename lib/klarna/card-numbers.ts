/** Card numbers: the Luhn check and the brand a BIN names (used by the sandbox to issue, by the dashboard to show). */

/** True when the digits pass the Luhn (mod 10) check. */
export function luhnValid(pan: string): boolean {
  if (!/^\d{12,19}$/.test(pan)) return false;
  let sum = 0;
  for (let i = 0; i < pan.length; i++) {
    let digit = pan.charCodeAt(pan.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The check digit that makes `partial` + digit Luhn-valid. */
export function luhnCheckDigit(partial: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(partial + d)) return String(d);
  throw new Error('unreachable: one digit always completes a Luhn number');
}

/** The brand a card number's BIN names: Visa 4…, Mastercard 51–55 and 2221–2720; else null. */
export function brandOfPan(pan: string): 'VISA' | 'MASTERCARD' | null {
  if (/^4/.test(pan)) return 'VISA';
  if (/^5[1-5]/.test(pan)) return 'MASTERCARD';
  const four = Number(pan.slice(0, 4));
  if (four >= 2221 && four <= 2720) return 'MASTERCARD';
  return null;
}
