import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

/** RFC 6238 codes as authenticator apps make them: SHA-1, 6 digits, 30 s steps. */
const PERIOD = 30;
const ISSUER = 'Klarna Partner Dashboard';

function totpFor(secretBase32: string, label = ''): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secretBase32) });
}

export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secretBase32: string, email: string): string {
  return totpFor(secretBase32, email).toString();
}

export function totpQrDataUrl(secretBase32: string, email: string): Promise<string> {
  return QRCode.toDataURL(totpUri(secretBase32, email), { errorCorrectionLevel: 'M', margin: 1, width: 220 });
}

/** The code an app shows at `timestamp` (tests and the enrolment self-check use it). */
export function totpCode(secretBase32: string, timestamp = Date.now()): string {
  return totpFor(secretBase32).generate({ timestamp });
}

/**
 * Checks a code with one step of clock drift either way. Returns the time step it matched,
 * or null. A step at or before `lastUsedStep` is refused, so a code cannot be used twice.
 */
export function verifyTotp(
  secretBase32: string,
  code: string,
  options: { lastUsedStep?: number | null; timestamp?: number } = {},
): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const timestamp = options.timestamp ?? Date.now();
  const totp = totpFor(secretBase32);
  const delta = totp.validate({ token, timestamp, window: 1 });
  if (delta === null) return null;
  const step = totp.counter({ timestamp }) + delta;
  if (options.lastUsedStep != null && step <= options.lastUsedStep) return null;
  return step;
}
