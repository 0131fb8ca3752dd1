import { z } from 'zod';

/** The password rules, free of server-only code so forms can check them before sending. */

export const PASSWORD_MIN_LENGTH = 14;
// Hashing cost grows with length; a cap keeps a huge "password" from being a cheap DoS.
export const PASSWORD_MAX_LENGTH = 256;

/** Problems with a new password, as sentences; empty when it is acceptable. */
export function passwordProblems(password: string, context: { email?: string } = {}): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH)
    problems.push(`Use at least ${PASSWORD_MIN_LENGTH} characters (this has ${length}).`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`Use at most ${PASSWORD_MAX_LENGTH} characters.`);
  if (length >= PASSWORD_MIN_LENGTH && new Set(password).size < 4)
    problems.push('Use more than three different characters.');
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
