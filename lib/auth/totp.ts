import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

/** RFC 6238 codes as authenticator apps make them: SHA-1, 6 digits, 30 s steps. */
const PERIOD = 30;
const ISSUER = 'Klarna Partner Dashboard';

function totpFor(secretBase32: string, label = ''): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secretBase32),
  });
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

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'invalid' | 'reused' };

/** Checks a code with one step of drift; a code at or before `lastUsedStep` is `reused` (wait, rather than wrong). */
export function checkTotp(
  secretBase32: string,
  code: string,
  options: { lastUsedStep?: number | null; timestamp?: number } = {},
): TotpCheck {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return { ok: false, reason: 'invalid' };
  const timestamp = options.timestamp ?? Date.now();
  const totp = totpFor(secretBase32);
  const delta = totp.validate({ token, timestamp, window: 1 });
  if (delta === null) return { ok: false, reason: 'invalid' };
  const step = totp.counter({ timestamp }) + delta;
  if (options.lastUsedStep != null && step <= options.lastUsedStep) return { ok: false, reason: 'reused' };
  return { ok: true, step };
}

export function verifyTotp(
  secretBase32: string,
  code: string,
  options: { lastUsedStep?: number | null; timestamp?: number } = {},
): number | null {
  const result = checkTotp(secretBase32, code, options);
  return result.ok ? result.step : null;
}
