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

const accountAction = (name: string) => actionClient.metadata({ name, capability: 'account.manage-own' });

export const changeOwnPasswordAction = accountAction('changeOwnPassword')
  .inputSchema(changePasswordInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    await changeOwnPassword(ctx.db, ctx.actor, parsedInput, ctx);
    return { signedOut: true };
  });

export const beginTotpEnrolmentAction = accountAction('beginTotpEnrolment').action(async ({ ctx }) => beginTotpEnrolment(ctx.db, ctx.actor, ctx));

export const confirmTotpEnrolmentAction = accountAction('confirmTotpEnrolment')
  .inputSchema(totpCodeInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    await confirmTotpEnrolment(ctx.db, ctx.actor, parsedInput, ctx);
    revalidatePath('/account');
    return { enabled: true };
  });

export const disableOwnTotpAction = accountAction('disableOwnTotp')
  .inputSchema(passwordConfirmInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    await disableOwnTotp(ctx.db, ctx.actor, parsedInput, ctx);
    revalidatePath('/account');
    return { enabled: false };
  });
