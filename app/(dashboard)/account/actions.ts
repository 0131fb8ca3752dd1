'use server';

import { revalidatePath } from 'next/cache';
import { actionClient } from '@/lib/action';
import {
  beginTotpEnrolment,
  changeOwnPassword,
  changePasswordInputSchema,
  confirmTotpEnrolment,
  disableOwnTotp,
  passwordConfirmInputSchema,
  totpCodeInputSchema,
} from '@/lib/auth/account';
import { endOtherOwnSessions, endOwnSession, sessionIdInputSchema } from '@/lib/auth/sessions';

const accountAction = (name: string) => actionClient.metadata({ name, capability: 'account.manage-own' });

export const changeOwnPasswordAction = accountAction('changeOwnPassword')
  .inputSchema(changePasswordInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    await changeOwnPassword(ctx, parsedInput);
    return { signedOut: true };
  });

export const beginTotpEnrolmentAction = accountAction('beginTotpEnrolment').action(async ({ ctx }) =>
  beginTotpEnrolment(ctx),
);

export const confirmTotpEnrolmentAction = accountAction('confirmTotpEnrolment')
  .inputSchema(totpCodeInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    await confirmTotpEnrolment(ctx, parsedInput);
    revalidatePath('/account');
    return { enabled: true };
  });

export const disableOwnTotpAction = accountAction('disableOwnTotp')
  .inputSchema(passwordConfirmInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    await disableOwnTotp(ctx, parsedInput);
    revalidatePath('/account');
    return { enabled: false };
  });

export const endOwnSessionAction = accountAction('endOwnSession')
  .inputSchema(sessionIdInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await endOwnSession(ctx, parsedInput);
    revalidatePath('/account');
    return result;
  });

export const endOtherOwnSessionsAction = accountAction('endOtherOwnSessions').action(async ({ ctx }) => {
  const result = await endOtherOwnSessions(ctx);
  revalidatePath('/account');
  return result;
});
