import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, newPasswordSchema, passwordProblems, verifyPassword } from './password';

describe('password policy', () => {
  it('refuses fewer than 14 characters and says how many there are', () => {
    expect(passwordProblems('short-pass-13')).toEqual(['Use at least 14 characters (this has 13).']);
    expect(passwordProblems('fourteen-chars')).toEqual([]);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblems('🔒🔒🔒🔒🔒🔒🔒abcdef')).toEqual(['Use at least 14 characters (this has 13).']);
  });

  it('refuses a long run of one or two characters', () => {
    expect(passwordProblems('aaaaaaaaaaaaaaaa')).toContain('Use more than three different characters.');
  });

  it('refuses passwords over 256 characters', () => {
    expect(passwordProblems('ab1!'.repeat(65))).toContain('Use at most 256 characters.');
  });

  it('refuses a password that contains the email name', () => {
    expect(passwordProblems('my-name-is-jonas-ok', { email: 'jonas@example.com' })).toContain(
      'Do not include your email address in the password.',
    );
  });

  it('exposes the policy as a zod schema for forms', () => {
    const result = newPasswordSchema().safeParse('tiny');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/at least 14/);
  });

  it('generates passwords that pass the policy', () => {
    for (let i = 0; i < 50; i++) {
      const password = generatePassword();
      expect(password).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
      expect(passwordProblems(password)).toEqual([]);
    }
  });

  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('a long enough passphrase');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(hash, 'a long enough passphrase')).toBe(true);
    expect(await verifyPassword(hash, 'a long enough passphrasE')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
  });
});
