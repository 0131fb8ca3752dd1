import { describe, expect, it } from 'vitest';
import { generateKeySpec, needsReseal, openSecret, parseKeyring, SecretDecryptionError, sealSecret } from './secrets';

const keyring = parseKeyring(generateKeySpec('k1'));

describe('secrets at rest', () => {
  it('round-trips a secret and never stores the plaintext', () => {
    const sealed = sealSecret('klarna_test_api_abc123', keyring, 'credentials:1');
    expect(sealed).not.toContain('klarna_test_api');
    expect(sealed.startsWith('v1.k1.')).toBe(true);
    expect(openSecret(sealed, keyring, 'credentials:1')).toBe('klarna_test_api_abc123');
  });

  it('uses a fresh IV each time, so equal secrets do not look equal', () => {
    expect(sealSecret('same', keyring, 'c')).not.toBe(sealSecret('same', keyring, 'c'));
  });

  it('detects a tampered ciphertext, tag or IV', () => {
    const sealed = sealSecret('signing-key-value', keyring, 'ctx');
    const parts = sealed.split('.');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      const tampered = parts.map((p, i) => (i === index ? bytes.toString('base64url') : p)).join('.');
      expect(() => openSecret(tampered, keyring, 'ctx')).toThrow(SecretDecryptionError);
    }
  });

  it('refuses to open a value in another context (copied to another row)', () => {
    const sealed = sealSecret('seed', keyring, 'users.totp_secret:active:a');
    expect(() => openSecret(sealed, keyring, 'users.totp_secret:active:b')).toThrow(/failed authentication/);
  });

  it('opens values sealed with an older key after rotation, and flags them for resealing', () => {
    const old = parseKeyring(generateKeySpec('k1'));
    const sealed = sealSecret('secret', old, 'c');
    const rotated = parseKeyring(`${generateKeySpec('k2')},k1:${old.keys.get('k1')!.toString('base64')}`);
    expect(rotated.activeKeyId).toBe('k2');
    expect(openSecret(sealed, rotated, 'c')).toBe('secret');
    expect(needsReseal(sealed, rotated)).toBe(true);
    expect(needsReseal(sealSecret('secret', rotated, 'c'), rotated)).toBe(false);
  });

  it('names the missing key when a value was sealed with a key no longer configured', () => {
    const sealed = sealSecret('secret', parseKeyring(generateKeySpec('gone')), 'c');
    expect(() => openSecret(sealed, keyring, 'c')).toThrow(/"gone", which is not in the keyring/);
  });

  it('rejects malformed values and keyrings with a clear message', () => {
    expect(() => openSecret('plaintext', keyring, 'c')).toThrow(SecretDecryptionError);
    expect(() => parseKeyring('k1:short')).toThrow(/32 bytes/);
    expect(() => parseKeyring('nokey')).toThrow(/<keyId>:<base64 key>/);
    expect(() => parseKeyring(`${generateKeySpec('a')},${generateKeySpec('a')}`)).toThrow(/appears twice/);
    expect(() => parseKeyring('')).toThrow(/at least one key/);
  });
});
