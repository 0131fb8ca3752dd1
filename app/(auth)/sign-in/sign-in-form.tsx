'use client';

import { useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { signIn } from 'next-auth/react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { parseRefusal, refusalMessages, throttledMessage } from './refusal';

type Step = 'credentials' | 'totp' | 'new-password';

export function SignInForm({ callbackPath, initialError }: { callbackPath: string; initialError: string | null }) {
  const router = useRouter();
  const [step, setStep] = useState<Step>('credentials');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(initialError ? 'Sign-in failed. Try again.' : null);
  const [newPasswordProblems, setNewPasswordProblems] = useState<string[]>([]);
  const [throttledUntil, setThrottledUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const stepInput = useRef<HTMLInputElement>(null);

  const waitSeconds = throttledUntil ? Math.max(0, Math.ceil((throttledUntil - now) / 1000)) : 0;
  useEffect(() => {
    if (!throttledUntil) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [throttledUntil]);
  useEffect(() => {
    if (step !== 'credentials') stepInput.current?.focus();
  }, [step]);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    setNewPasswordProblems([]);
    try {
      const result = await signIn('credentials', {
        redirect: false,
        email,
        password,
        totp: step === 'totp' ? totp : '',
        newPassword: step === 'new-password' ? newPassword : '',
      });
      if (result?.ok && !result.error) {
        router.replace(callbackPath);
        router.refresh();
        return;
      }
      const refusal = result?.error ? parseRefusal(result.error) : null;
      switch (refusal?.code) {
        case 'INVALID_CREDENTIALS':
          setStep('credentials');
          setError(refusalMessages.INVALID_CREDENTIALS);
          break;
        case 'ACCOUNT_DISABLED':
          setError(refusalMessages.ACCOUNT_DISABLED);
          break;
        case 'TOTP_REQUIRED':
          setStep('totp');
          break;
        case 'TOTP_INVALID':
        case 'TOTP_REUSED':
          setTotp('');
          setError(refusalMessages[refusal.code]);
          break;
        case 'PASSWORD_CHANGE_REQUIRED':
          setStep('new-password');
          break;
        case 'NEW_PASSWORD_INVALID':
          setNewPasswordProblems(refusal.problems);
          break;
        case 'THROTTLED':
          setNow(Date.now());
          setThrottledUntil(Date.now() + refusal.retryAfterSeconds * 1000);
          setError(throttledMessage(refusal.retryAfterSeconds));
          break;
        default:
          setError('Sign-in failed for a reason we did not expect. Try again in a moment.');
      }
    } catch {
      setError('The dashboard could not be reached. Check your connection and try again.');
    } finally {
      setPending(false);
    }
  }

  const throttled = waitSeconds > 0;
  return (
    <form onSubmit={submit} className="grid gap-4" noValidate>
      {error && <Alert tone="danger">{throttled ? throttledMessage(waitSeconds) : error}</Alert>}
      {step === 'credentials' && (
        <>
          <Field label="Email">
            {(control) => (
              <Input
                {...control}
                type="email"
                name="email"
                autoComplete="username"
                required
                autoFocus
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            )}
          </Field>
          <Field label="Password">
            {(control) => (
              <Input
                {...control}
                type="password"
                name="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
        </>
      )}
      {step === 'totp' && (
        <Field
          label="Authentication code"
          hint="Open your authenticator app and enter the 6-digit code for this dashboard."
        >
          {(control) => (
            <Input
              {...control}
              ref={stepInput}
              name="totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              maxLength={7}
              required
              value={totp}
              onChange={(e) => setTotp(e.target.value)}
            />
          )}
        </Field>
      )}
      {step === 'new-password' && (
        <>
          <Alert tone="info" title="Choose your own password">
            Your password was set by an admin. Choose a new one to continue: at least 14 characters.
          </Alert>
          <Field label="New password" errors={newPasswordProblems}>
            {(control) => (
              <Input
                {...control}
                ref={stepInput}
                type="password"
                name="newPassword"
                autoComplete="new-password"
                required
                value={newPassword}
                onChange={(e) => setNewPassword(e.target.value)}
              />
            )}
          </Field>
        </>
      )}
      <Button type="submit" pending={pending} disabled={throttled}>
        {step === 'credentials' ? 'Sign in' : step === 'totp' ? 'Verify code' : 'Set password and sign in'}
      </Button>
      {step !== 'credentials' && (
        <Button
          type="button"
          variant="ghost"
          onClick={() => {
            setStep('credentials');
            setError(null);
          }}
        >
          Back
        </Button>
      )}
    </form>
  );
}
