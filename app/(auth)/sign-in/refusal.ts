import { z } from 'zod';

// The server's refusal, as authorize() threw it (see lib/auth/sign-in.ts).
const refusalSchema = z.discriminatedUnion('code', [
  z.object({ code: z.literal('THROTTLED'), retryAfterSeconds: z.number() }),
  z.object({ code: z.literal('NEW_PASSWORD_INVALID'), problems: z.array(z.string()) }),
  z.object({
    code: z.enum([
      'INVALID_CREDENTIALS',
      'ACCOUNT_DISABLED',
      'TOTP_REQUIRED',
      'TOTP_INVALID',
      'TOTP_REUSED',
      'PASSWORD_CHANGE_REQUIRED',
    ]),
  }),
]);
export type Refusal = z.infer<typeof refusalSchema>;

export function parseRefusal(error: string): Refusal | null {
  try {
    const parsed = refusalSchema.safeParse(JSON.parse(error));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** What the form says for a refusal that is only a message (the others change the step). */
export const refusalMessages = {
  INVALID_CREDENTIALS: 'Wrong email or password.',
  ACCOUNT_DISABLED: 'This account is disabled. Ask an admin to enable it again.',
  TOTP_INVALID: 'That code is not valid. Enter the current 6-digit code from your authenticator app.',
  // A right code whose time step was used already: waiting for the next code is the fix, not retyping.
  TOTP_REUSED: 'This code was just used; wait for the next one to appear in your authenticator app.',
} as const;

export function throttledMessage(seconds: number): string {
  return `Too many attempts, try again in ${seconds} s.`;
}
