'use server';

import { revalidatePath } from 'next/cache';
import { actionClient } from '@/lib/action';
import {
  changeRoleInputSchema,
  changeUserRole,
  createUser,
  createUserInputSchema,
  endAllUserSessions,
  resetUserPassword,
  resetUserTotp,
  setDisabledInputSchema,
  setUserDisabled,
  userIdSchema,
} from '@/lib/users/service';

const usersAction = (name: string) => actionClient.metadata({ name, capability: 'users.manage' });
const done = <T>(value: T) => {
  revalidatePath('/settings/users');
  return value;
};

export const createUserAction = usersAction('createUser')
  .inputSchema(createUserInputSchema)
  .action(async ({ parsedInput, ctx }) => done(await createUser(ctx, parsedInput)));

export const changeUserRoleAction = usersAction('changeUserRole')
  .inputSchema(changeRoleInputSchema)
  .action(async ({ parsedInput, ctx }) => done(await changeUserRole(ctx, parsedInput)));

export const setUserDisabledAction = usersAction('setUserDisabled')
  .inputSchema(setDisabledInputSchema)
  .action(async ({ parsedInput, ctx }) => done(await setUserDisabled(ctx, parsedInput)));

export const resetUserPasswordAction = usersAction('resetUserPassword')
  .inputSchema(userIdSchema)
  .action(async ({ parsedInput, ctx }) => done(await resetUserPassword(ctx, parsedInput)));

export const resetUserTotpAction = usersAction('resetUserTotp')
  .inputSchema(userIdSchema)
  .action(async ({ parsedInput, ctx }) => done(await resetUserTotp(ctx, parsedInput)));

export const endAllUserSessionsAction = usersAction('endAllUserSessions')
  .inputSchema(userIdSchema)
  .action(async ({ parsedInput, ctx }) => done(await endAllUserSessions(ctx, parsedInput)));
