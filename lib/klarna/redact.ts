/**
 * What the API request log may store of a body: secrets and card data are replaced, the rest
 * kept so an operator can see what was sent.
 */
const SECRET_KEY = /(api_?key|signing_?key|secret|password|authorization|card_?number|^pan$|cvv|cvc|security_?code|private_?key)/i;
const CARD_NUMBER = /\b(\d[ -]?){12,18}\d\b/g;

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && v != null ? '[redacted]' : redact(v)]));
  }
  if (typeof value === 'string') return value.replace(CARD_NUMBER, (digits) => `[card …${digits.replace(/\D/g, '').slice(-4)}]`);
  return value;
}
