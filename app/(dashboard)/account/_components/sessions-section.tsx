'use client';

import { Badge } from '@/components/ui/badge';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { endOtherOwnSessionsAction, endOwnSessionAction } from '../actions';

/** A session as the account page shows it (times already formatted, in UTC). */
export type SessionView = {
  id: string;
  current: boolean;
  device: string;
  ip: string | null;
  signedInAt: string;
  lastSeenAt: string;
};

export function SessionsSection({ sessions }: { sessions: SessionView[] }) {
  const others = sessions.filter((s) => !s.current).length;
  return (
    <div className="grid gap-4">
      <ul className="grid divide-y rounded-md border" aria-label="Active sessions">
        {sessions.map((session) => (
          <li
            key={session.id}
            className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3"
            data-testid="session-row"
          >
            <div className="grid min-w-0 gap-0.5">
              <div className="flex flex-wrap items-center gap-2 font-medium">
                {session.device}
                {session.current && <Badge tone="success">This browser</Badge>}
              </div>
              <div className="text-xs text-muted-foreground">
                {session.ip ?? 'IP unknown'} · signed in {session.signedInAt} · last seen {session.lastSeenAt} (UTC)
              </div>
            </div>
            {!session.current && (
              <ConfirmButton
                label="Sign out"
                title={`Sign out ${session.device}?`}
                description={`The browser (${session.device}, ${session.ip ?? 'IP unknown'}, last seen ${session.lastSeenAt} UTC) is signed out at once; it has to sign in again.`}
                confirmLabel="Sign out that session"
                successMessage={`Signed out ${session.device}.`}
                run={() => endOwnSessionAction({ sessionId: session.id })}
              />
            )}
          </li>
        ))}
      </ul>
      <div>
        <ConfirmButton
          label="Sign out other sessions"
          title="Sign out all your other sessions?"
          description={`Every other browser signed in as you (${others} now) is signed out at once. This browser stays signed in.`}
          confirmLabel="Sign out other sessions"
          successMessage="Your other sessions are signed out."
          disabled={others === 0}
          disabledReason="This is your only session."
          run={() => endOtherOwnSessionsAction()}
        />
      </div>
    </div>
  );
}
