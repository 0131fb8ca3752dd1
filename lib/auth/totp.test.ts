import { describe, expect, it } from 'vitest';
import { generateTotpSecret, totpCode, totpUri, verifyTotp } from './totp';

describe('TOTP', () => {
  const secret = generateTotpSecret();
  const t0 = Date.UTC(2026, 10, 24, 12, 0, 0);

  it('accepts the current code and returns its time step', () => {
    expect(verifyTotp(secret, totpCode(secret, t0), { timestamp: t0 })).toBe(Math.floor(t0 / 30_000));
  });

  it('tolerates one step of clock drift, not two', () => {
    expect(verifyTotp(secret, totpCode(secret, t0 - 30_000), { timestamp: t0 })).not.toBeNull();
    expect(verifyTotp(secret, totpCode(secret, t0 + 30_000), { timestamp: t0 })).not.toBeNull();
    expect(verifyTotp(secret, totpCode(secret, t0 - 90_000), { timestamp: t0 })).toBeNull();
  });

  it('refuses a code whose step was already used (replay)', () => {
    const step = verifyTotp(secret, totpCode(secret, t0), { timestamp: t0 })!;
    expect(verifyTotp(secret, totpCode(secret, t0), { timestamp: t0, lastUsedStep: step })).toBeNull();
  });

  it('refuses malformed codes and accepts spaces inside', () => {
    expect(verifyTotp(secret, 'abcdef', { timestamp: t0 })).toBeNull();
    expect(verifyTotp(secret, '12345', { timestamp: t0 })).toBeNull();
    const code = totpCode(secret, t0);
    expect(verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, { timestamp: t0 })).not.toBeNull();
  });

  it('makes an otpauth URI that authenticator apps read', () => {
    const uri = totpUri(secret, 'ops@example.com');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Klarna%20Partner%20Dashboard:ops%40example\.com\?/);
    expect(uri).toContain(`secret=${secret}`);
  });
});
