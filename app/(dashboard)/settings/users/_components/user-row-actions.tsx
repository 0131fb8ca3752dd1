'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { DropdownMenu } from 'radix-ui';
import { MoreHorizontal } from 'lucide-react';
import { ActionDialog, useActionDialog, useDoneDialog } from '@/components/forms/action-dialog';
import { errorsOf } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { roleLabels, type Role } from '@/lib/auth/roles';
import type { UserSummary } from '@/lib/users/service';
import {
  changeUserRoleAction,
  endAllUserSessionsAction,
  resetUserPasswordAction,
  resetUserTotpAction,
  setUserDisabledAction,
} from '../actions';
import { RoleField } from './role-field';

const itemClass =
  'flex cursor-pointer items-center rounded-sm px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted data-[disabled]:cursor-default data-[disabled]:opacity-50';

/** A user row's menu; each item opens its dialog (the destructive ones ask first). */
export function UserRowActions({ user, isSelf }: { user: UserSummary; isSelf: boolean }) {
  const [role, setRole] = useState<Role>(user.role);
  const roleDialog = useActionDialog(() => setRole(user.role));
  const disableDialog = useActionDialog();
  const passwordDialog = useDoneDialog<{ temporaryPassword: string }>(() => {});
  const totpDialog = useActionDialog();
  const sessionsDialog = useActionDialog();

  const changeRole = useAction(changeUserRoleAction, roleDialog.callbacks(`${user.email} is now ${roleLabels[role]}.`));
  const setDisabled = useAction(
    setUserDisabledAction,
    disableDialog.callbacks(
      user.disabled ? `${user.email} can sign in again.` : `${user.email} is disabled and signed out.`,
    ),
  );
  const resetPassword = useAction(
    resetUserPasswordAction,
    passwordDialog.doneCallbacks(() => `New one-time password issued for ${user.email}.`),
  );
  const resetTotp = useAction(resetUserTotpAction, totpDialog.callbacks(`Two-step sign-in removed for ${user.email}.`));
  const endSessions = useAction(endAllUserSessionsAction, {
    onSuccess: ({ data }) => {
      const ended = data?.ended ?? 0;
      sessionsDialog.succeed(
        ended === 0
          ? `${user.email} had no open sessions.`
          : `Ended ${ended} session${ended === 1 ? '' : 's'} of ${user.email}.`,
      );
    },
    onError: sessionsDialog.submission.onError,
  });

  return (
    <>
      <DropdownMenu.Root>
        <DropdownMenu.Trigger asChild>
          <Button variant="ghost" size="icon" aria-label={`Actions for ${user.email}`}>
            <MoreHorizontal aria-hidden />
          </Button>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content
            align="end"
            sideOffset={4}
            className="z-50 min-w-48 rounded-md border bg-card p-1 shadow-md"
          >
            <DropdownMenu.Item className={itemClass} onSelect={() => roleDialog.onOpenChange(true)}>
              Change role…
            </DropdownMenu.Item>
            <DropdownMenu.Item className={itemClass} onSelect={() => passwordDialog.onOpenChange(true)}>
              Reset password…
            </DropdownMenu.Item>
            <DropdownMenu.Item
              className={itemClass}
              disabled={!user.totpEnabled}
              onSelect={() => totpDialog.onOpenChange(true)}
            >
              Remove two-step sign-in…
            </DropdownMenu.Item>
            <DropdownMenu.Item
              className={itemClass}
              disabled={isSelf}
              onSelect={() => sessionsDialog.onOpenChange(true)}
            >
              End all sessions…
            </DropdownMenu.Item>
            <DropdownMenu.Separator className="my-1 h-px bg-border" />
            <DropdownMenu.Item
              className={`${itemClass} text-danger`}
              disabled={isSelf && !user.disabled}
              onSelect={() => disableDialog.onOpenChange(true)}
            >
              {user.disabled ? 'Enable…' : 'Disable…'}
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>

      <ActionDialog
        state={roleDialog}
        title={`Change role of ${user.name}`}
        description={user.email}
        shown={['role']}
        submitLabel="Save role"
        submitDisabled={role === user.role}
        pending={changeRole.isPending}
        onSubmit={() => changeRole.execute({ userId: user.id, role })}
      >
        <RoleField value={role} onChange={setRole} errors={errorsOf(roleDialog.submission.failure).role} />
      </ActionDialog>

      <ActionDialog
        state={disableDialog}
        title={user.disabled ? `Enable ${user.name}?` : `Disable ${user.name}?`}
        description={
          user.disabled
            ? `${user.email} will be able to sign in again.`
            : `${user.email} is signed out everywhere at once and cannot sign in until enabled again. Their audit history stays.`
        }
        submitLabel={user.disabled ? 'Enable user' : 'Disable user'}
        submitVariant={user.disabled ? 'primary' : 'danger'}
        pending={setDisabled.isPending}
        onSubmit={() => setDisabled.execute({ userId: user.id, disabled: !user.disabled })}
      />

      <ActionDialog
        state={passwordDialog}
        title={`Reset password of ${user.name}?`}
        description={`${user.email} is signed out everywhere and gets a one-time password; they choose a new one at their next sign-in.`}
        submitLabel="Reset password"
        submitVariant="danger"
        pending={resetPassword.isPending}
        onSubmit={() => resetPassword.execute({ userId: user.id })}
        done={
          passwordDialog.done && (
            <SecretReveal
              label="One-time password"
              value={passwordDialog.done.temporaryPassword}
              note="Give it to them through a private channel. It is shown only now."
            />
          )
        }
      />

      <ActionDialog
        state={totpDialog}
        title={`Remove two-step sign-in of ${user.name}?`}
        description={`For a lost phone: ${user.email} signs in with the password alone and can enrol a new device.`}
        submitLabel="Remove two-step sign-in"
        submitVariant="danger"
        pending={resetTotp.isPending}
        onSubmit={() => resetTotp.execute({ userId: user.id })}
      />

      <ActionDialog
        state={sessionsDialog}
        title={`End all sessions of ${user.name}?`}
        description={`Every browser signed in as ${user.email} is signed out at once; their password stays the same and they can sign in again.`}
        submitLabel="End all sessions"
        submitVariant="danger"
        pending={endSessions.isPending}
        onSubmit={() => endSessions.execute({ userId: user.id })}
      />
    </>
  );
}
