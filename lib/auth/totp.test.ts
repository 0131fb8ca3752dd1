import { describe, expect, it } from 'vitest';
import { checkTotp, generateTotpSecret, totpCode, totpUri, verifyTotp } from './totp';

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

  it('tells a reused code (right, but its step already used) from a wrong one', () => {
    const step = Math.floor(t0 / 30_000);
    expect(checkTotp(secret, totpCode(secret, t0), { timestamp: t0, lastUsedStep: step })).toEqual({
      ok: false,
      reason: 'reused',
    });
    // An older step inside the drift window is a reuse too.
    expect(checkTotp(secret, totpCode(secret, t0 - 30_000), { timestamp: t0, lastUsedStep: step })).toEqual({
      ok: false,
      reason: 'reused',
    });
    expect(checkTotp(secret, totpCode(secret, t0 + 30_000), { timestamp: t0, lastUsedStep: step })).toEqual({
      ok: true,
      step: step + 1,
    });
    const wrong = totpCode(secret, t0) === '000000' ? '111111' : '000000';
    expect(checkTotp(secret, wrong, { timestamp: t0, lastUsedStep: step })).toEqual({ ok: false, reason: 'invalid' });
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
