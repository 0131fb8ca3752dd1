import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { z } from 'zod';

export const PASSWORD_MIN_LENGTH = 14;
// Hashing cost grows with length; a cap keeps a huge "password" from being a cheap DoS.
export const PASSWORD_MAX_LENGTH = 256;

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const ARGON2ID = 2 as Algorithm;
const hashOptions = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Problems with a new password, as sentences; empty when it is acceptable. */
export function passwordProblems(password: string, context: { email?: string } = {}): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`Use at least ${PASSWORD_MIN_LENGTH} characters (this has ${length}).`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`Use at most ${PASSWORD_MAX_LENGTH} characters.`);
  if (length >= PASSWORD_MIN_LENGTH && new Set(password).size < 4) problems.push('Use more than three different characters.');
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && password.toLowerCase().includes(local)) {
    problems.push('Do not include your email address in the password.');
  }
  return problems;
}

/** zod schema for a new password; pass the email when known so it can be rejected inside it. */
export function newPasswordSchema(context: { email?: string } = {}) {
  return z.string().superRefine((password, ctx) => {
    for (const message of passwordProblems(password, context)) ctx.addIssue({ code: 'custom', message });
  });
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, hashOptions);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (password.length > PASSWORD_MAX_LENGTH * 4) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verified against when the email is unknown, so that "no such user" takes as long as "wrong password".
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('dummy-password-for-timing-equalisation');
  await verifyPassword(await dummyHash, password);
}

/** A random password that meets the policy, for admin-created users and resets (shown once). */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const limit = 256 - (256 % alphabet.length); // rejection sampling: no modulo bias
  let chars = '';
  while (chars.length < 20) {
    for (const b of crypto.getRandomValues(new Uint8Array(32))) {
      if (b < limit && chars.length < 20) chars += alphabet[b % alphabet.length];
    }
  }
  // Groups of five are easier to read out and type.
  return chars.match(/.{5}/g)!.join('-');
}
