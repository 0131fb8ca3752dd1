'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { DropdownMenu } from 'radix-ui';
import { MoreHorizontal } from 'lucide-react';
import { toast } from 'sonner';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent } from '@/components/ui/dialog';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { roleLabels, type Role } from '@/lib/auth/roles';
import { failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import type { UserSummary } from '@/lib/users/service';
import {
  changeUserRoleAction,
  endAllUserSessionsAction,
  resetUserPasswordAction,
  resetUserTotpAction,
  setUserDisabledAction,
} from '../actions';
import { RoleField } from './role-field';

type DialogKind = 'role' | 'disable' | 'password' | 'totp' | 'sessions' | null;
const itemClass =
  'flex cursor-pointer items-center rounded-sm px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted data-[disabled]:cursor-default data-[disabled]:opacity-50';

export function UserRowActions({ user, isSelf }: { user: UserSummary; isSelf: boolean }) {
  const [dialog, setDialog] = useState<DialogKind>(null);
  const [role, setRole] = useState<Role>(user.role);
  const [error, setError] = useState<string | null>(null);
  const onError = ({ error }: { error: unknown }) => setError(failureMessage(error as ActionFailure));
  const closeOnSuccess = (message: string) => () => {
    toast.success(message);
    setDialog(null);
  };

  const changeRole = useAction(changeUserRoleAction, {
    onSuccess: closeOnSuccess(`${user.email} is now ${roleLabels[role]}.`),
    onError,
  });
  const setDisabled = useAction(setUserDisabledAction, {
    onSuccess: closeOnSuccess(
      user.disabled ? `${user.email} can sign in again.` : `${user.email} is disabled and signed out.`,
    ),
    onError,
  });
  const resetPassword = useAction(resetUserPasswordAction, {
    onSuccess: () => toast.success(`New one-time password issued for ${user.email}.`),
    onError,
  });
  const resetTotp = useAction(resetUserTotpAction, {
    onSuccess: closeOnSuccess(`Two-step sign-in removed for ${user.email}.`),
    onError,
  });
  const endSessions = useAction(endAllUserSessionsAction, {
    onSuccess: ({ data }) => {
      const ended = data?.ended ?? 0;
      toast.success(
        ended === 0
          ? `${user.email} had no open sessions.`
          : `Ended ${ended} session${ended === 1 ? '' : 's'} of ${user.email}.`,
      );
      setDialog(null);
    },
    onError,
  });

  function openDialog(kind: DialogKind) {
    setError(null);
    setRole(user.role);
    resetPassword.reset();
    setDialog(kind);
  }

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
            <DropdownMenu.Item className={itemClass} onSelect={() => openDialog('role')}>
              Change role…
            </DropdownMenu.Item>
            <DropdownMenu.Item className={itemClass} onSelect={() => openDialog('password')}>
              Reset password…
            </DropdownMenu.Item>
            <DropdownMenu.Item className={itemClass} disabled={!user.totpEnabled} onSelect={() => openDialog('totp')}>
              Remove two-step sign-in…
            </DropdownMenu.Item>
            <DropdownMenu.Item className={itemClass} disabled={isSelf} onSelect={() => openDialog('sessions')}>
              End all sessions…
            </DropdownMenu.Item>
            <DropdownMenu.Separator className="my-1 h-px bg-border" />
            <DropdownMenu.Item
              className={`${itemClass} text-danger`}
              disabled={isSelf && !user.disabled}
              onSelect={() => openDialog('disable')}
            >
              {user.disabled ? 'Enable…' : 'Disable…'}
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>

      <Dialog open={dialog !== null} onOpenChange={(open) => !open && setDialog(null)}>
        {dialog === 'role' && (
          <DialogContent title={`Change role of ${user.name}`} description={user.email}>
            <form
              className="grid gap-4"
              onSubmit={(e) => {
                e.preventDefault();
                changeRole.execute({ userId: user.id, role });
              }}
            >
              {error && <Alert tone="danger">{error}</Alert>}
              <RoleField value={role} onChange={setRole} />
              <DialogButtons
                pending={changeRole.isPending}
                confirm="Save role"
                disabled={role === user.role}
                onCancel={() => setDialog(null)}
              />
            </form>
          </DialogContent>
        )}
        {dialog === 'disable' && (
          <DialogContent
            title={user.disabled ? `Enable ${user.name}?` : `Disable ${user.name}?`}
            description={
              user.disabled
                ? `${user.email} will be able to sign in again.`
                : `${user.email} is signed out everywhere at once and cannot sign in until enabled again. Their audit history stays.`
            }
          >
            {error && <Alert tone="danger">{error}</Alert>}
            <DialogButtons
              pending={setDisabled.isPending}
              confirm={user.disabled ? 'Enable user' : 'Disable user'}
              danger={!user.disabled}
              onCancel={() => setDialog(null)}
              onConfirm={() => setDisabled.execute({ userId: user.id, disabled: !user.disabled })}
            />
          </DialogContent>
        )}
        {dialog === 'password' && (
          <DialogContent
            title={`Reset password of ${user.name}?`}
            description={
              resetPassword.result.data
                ? undefined
                : `${user.email} is signed out everywhere and gets a one-time password; they choose a new one at their next sign-in.`
            }
          >
            {resetPassword.result.data ? (
              <div className="grid gap-4">
                <SecretReveal
                  label="One-time password"
                  value={resetPassword.result.data.temporaryPassword}
                  note="Give it to them through a private channel. It is shown only now."
                />
                <Button onClick={() => setDialog(null)}>Done</Button>
              </div>
            ) : (
              <>
                {error && <Alert tone="danger">{error}</Alert>}
                <DialogButtons
                  pending={resetPassword.isPending}
                  confirm="Reset password"
                  danger
                  onCancel={() => setDialog(null)}
                  onConfirm={() => resetPassword.execute({ userId: user.id })}
                />
              </>
            )}
          </DialogContent>
        )}
        {dialog === 'totp' && (
          <DialogContent
            title={`Remove two-step sign-in of ${user.name}?`}
            description={`For a lost phone: ${user.email} signs in with the password alone and can enrol a new device.`}
          >
            {error && <Alert tone="danger">{error}</Alert>}
            <DialogButtons
              pending={resetTotp.isPending}
              confirm="Remove two-step sign-in"
              danger
              onCancel={() => setDialog(null)}
              onConfirm={() => resetTotp.execute({ userId: user.id })}
            />
          </DialogContent>
        )}
        {dialog === 'sessions' && (
          <DialogContent
            title={`End all sessions of ${user.name}?`}
            description={`Every browser signed in as ${user.email} is signed out at once; their password stays the same and they can sign in again.`}
          >
            {error && <Alert tone="danger">{error}</Alert>}
            <DialogButtons
              pending={endSessions.isPending}
              confirm="End all sessions"
              danger
              onCancel={() => setDialog(null)}
              onConfirm={() => endSessions.execute({ userId: user.id })}
            />
          </DialogContent>
        )}
      </Dialog>
    </>
  );
}

function DialogButtons(props: {
  pending: boolean;
  confirm: string;
  danger?: boolean;
  disabled?: boolean;
  onCancel: () => void;
  onConfirm?: () => void;
}) {
  return (
    <div className="flex justify-end gap-2">
      <Button type="button" variant="secondary" onClick={props.onCancel}>
        Cancel
      </Button>
      <Button
        type={props.onConfirm ? 'button' : 'submit'}
        variant={props.danger ? 'danger' : 'primary'}
        pending={props.pending}
        disabled={props.disabled}
        onClick={props.onConfirm}
      >
        {props.confirm}
      </Button>
    </div>
  );
}
