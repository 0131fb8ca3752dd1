/** What the request log may store of a body: secrets and card data replaced, personal data masked, the rest kept. */
const SECRET_KEY =
  /(api_?key|signing_?key|secret|password|authorization|card_?number|^pan$|cvv|cvc|security_?code|private_?key|pci_?data|aes_?key)/i;
const CARD_NUMBER = /\b(\d[ -]?){12,18}\d\b/g;

/** The personal fields masked, and how; `maskedFieldsSentence` says the same to the user. */
const PERSONAL: Record<string, (value: string) => string> = {
  email: maskEmail,
  phone: maskPhone,
  given_name: maskName,
  family_name: maskName,
  date_of_birth: () => '****-**-**',
  street_address: maskName,
  street_address2: maskName,
};

/** What the request log's pages say is masked (kept in step with `PERSONAL` by redact.test.ts). */
export const maskedFieldsSentence =
  'Secrets, card numbers and encrypted card data are replaced. Personal data is masked: email addresses (j***@example.com), phone numbers (+46 *** ** 12), given and family names (J*** D***), dates of birth and street addresses.';

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (SECRET_KEY.test(k) && v != null) return [k, '[redacted]'];
        const mask = PERSONAL[k.toLowerCase()];
        if (mask && typeof v === 'string' && v !== '') return [k, mask(v)];
        return [k, redact(v)];
      }),
    );
  }
  if (typeof value === 'string')
    return value.replace(CARD_NUMBER, (digits) => `[card …${digits.replace(/\D/g, '').slice(-4)}]`);
  return value;
}

/** `john.doe@example.com` → `j***@example.com`; no `@`: `***`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${[...email][0]}***${email.slice(at)}`;
}

/** `+46701234512` → `+46 *** ** 12`: the first two and last two digits; fewer than six digits: `***`. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 6) return '***';
  return `${phone.trim().startsWith('+') ? '+' : ''}${digits.slice(0, 2)} *** ** ${digits.slice(-2)}`;
}

/** `John` → `J***`. */
export function maskName(name: string): string {
  const first = [...name.trim()][0];
  return first ? `${first.toUpperCase()}***` : '***';
}
