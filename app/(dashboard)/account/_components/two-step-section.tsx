'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useAction } from 'next-safe-action/hooks';
import { toast } from 'sonner';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { failureFields, failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { beginTotpEnrolmentAction, confirmTotpEnrolmentAction, disableOwnTotpAction } from '../actions';

const failureOf = (result: object) =>
  'serverError' in result || 'validationErrors' in result ? (result as ActionFailure) : undefined;

export function TwoStepSection({ enabled }: { enabled: boolean }) {
  const router = useRouter();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const begin = useAction(beginTotpEnrolmentAction);
  const confirm = useAction(confirmTotpEnrolmentAction, {
    onSuccess: () => {
      toast.success('Two-step sign-in is on. You will be asked for a code at your next sign-in.');
      begin.reset();
      setCode('');
      router.refresh();
    },
  });
  const disable = useAction(disableOwnTotpAction, {
    onSuccess: () => {
      toast.success('Two-step sign-in is off.');
      setPassword('');
      router.refresh();
    },
  });

  if (enabled) {
    const failure = failureOf(disable.result);
    return (
      <form
        className="grid max-w-sm gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          disable.execute({ password });
        }}
      >
        <p className="text-sm text-muted-foreground">To turn it off, confirm with your password.</p>
        <Field label="Password" errors={failureFields(failure).password}>
          {(c) => (
            <Input
              {...c}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <div>
          <Button type="submit" variant="danger" pending={disable.isPending}>
            Turn off two-step sign-in
          </Button>
        </div>
      </form>
    );
  }

  const enrolment = begin.result.data;
  if (!enrolment) {
    const failure = failureOf(begin.result);
    return (
      <div className="grid gap-3">
        {failure && <Alert tone="danger">{failureMessage(failure)}</Alert>}
        <p className="text-sm text-muted-foreground">
          Use any authenticator app (1Password, Google Authenticator, Authy, …).
        </p>
        <div>
          <Button onClick={() => begin.execute()} pending={begin.isPending}>
            Set up two-step sign-in
          </Button>
        </div>
      </div>
    );
  }

  const failure = failureOf(confirm.result);
  return (
    <form
      className="grid gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        confirm.execute({ code });
      }}
    >
      <ol className="grid list-decimal gap-1 pl-5 text-sm">
        <li>Scan this code with your authenticator app.</li>
        <li>Enter the 6-digit code it shows to confirm.</li>
      </ol>
      <div className="flex flex-wrap items-start gap-4">
        {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL generated on the server */}
        <img
          src={enrolment.qrDataUrl}
          alt="QR code to add this dashboard to an authenticator app"
          width={176}
          height={176}
          className="rounded-md border bg-white p-1"
        />
        <div className="grid min-w-0 flex-1 gap-1 text-sm">
          <p className="text-muted-foreground">Cannot scan? Enter this key:</p>
          <code className="break-all rounded bg-muted px-2 py-1 font-mono text-xs" data-testid="totp-secret">
            {enrolment.secret}
          </code>
        </div>
      </div>
      {failure?.serverError && !failure.serverError.fields && <Alert tone="danger">{failureMessage(failure)}</Alert>}
      <Field label="Code from the app" errors={failureFields(failure).code}>
        {(c) => (
          <Input
            {...c}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            className="max-w-40"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        )}
      </Field>
      <div className="flex gap-2">
        <Button type="submit" pending={confirm.isPending}>
          Confirm and turn on
        </Button>
        <Button type="button" variant="ghost" onClick={() => begin.reset()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
