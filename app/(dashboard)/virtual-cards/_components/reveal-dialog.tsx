'use client';

import { useEffect, useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { Eye } from 'lucide-react';
import { FailureAlert, useSubmission } from '@/components/forms/form-kit';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { revealCardAction, stepUpAction } from '../actions';

/** How long a revealed number stays on screen. */
const SHOWN_SECONDS = 60;

type Revealed = { pan: string; cvv: string; expiryDate: string };

/**
 * Reveal one card: the server refuses without a step-up (password or authenticator code within
 * 5 minutes); the number and CVV are shown for 60 seconds, then hidden and forgotten.
 */
export function RevealCardDialog({ cardId, label }: { cardId: string; label: string }) {
  const [open, setOpen] = useState(false);
  const [needStepUp, setNeedStepUp] = useState(false);
  const [secret, setSecret] = useState('');
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [left, setLeft] = useState(SHOWN_SECONDS);
  const submission = useSubmission();

  const reveal = useAction(revealCardAction, {
    onSuccess: ({ data }) => {
      setRevealed({ pan: data.pan, cvv: data.cvv, expiryDate: data.expiryDate });
      setLeft(SHOWN_SECONDS);
      setNeedStepUp(false);
    },
    onError: (result) => {
      if (result.error.serverError?.code === 'STEP_UP_REQUIRED') setNeedStepUp(true);
      else submission.onError(result);
    },
  });
  const stepUp = useAction(stepUpAction, {
    onSuccess: () => {
      setSecret('');
      submission.begin();
      reveal.execute({ cardId });
    },
    onError: submission.onError,
  });

  useEffect(() => {
    if (!revealed) return;
    // Counts down once a second; at zero the number is hidden and forgotten.
    const timer = setTimeout(() => {
      if (left <= 1) setRevealed(null);
      else setLeft(left - 1);
    }, 1000);
    return () => clearTimeout(timer);
  }, [revealed, left]);

  const onOpenChange = (next: boolean) => {
    setOpen(next);
    setRevealed(null);
    setSecret('');
    setNeedStepUp(false);
    if (next) {
      submission.begin();
      reveal.execute({ cardId });
    }
  };
  const isCode = /^\d{6}$/.test(secret.trim());

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button size="sm" variant="ghost" aria-label={`Reveal card ${label}`}>
          <Eye aria-hidden /> Reveal
        </Button>
      </DialogTrigger>
      <DialogContent
        title={`Reveal card ${label}`}
        description="The full number and CVV are decrypted for you now, shown for 60 seconds, and never stored. This is recorded in the audit log."
      >
        <div className="grid gap-4">
          <FailureAlert failure={submission.failure} shown={['password', 'code']} />
          {revealed ? (
            <div className="grid gap-2 rounded-md border bg-muted p-4" data-testid="revealed-card">
              <p className="font-mono text-lg tracking-wider" aria-label="Card number">
                {revealed.pan.replace(/(\d{4})(?=\d)/g, '$1 ')}
              </p>
              <p className="text-sm">
                Expiry <span className="font-mono">{revealed.expiryDate}</span> · CVV{' '}
                <span className="font-mono" aria-label="CVV">
                  {revealed.cvv}
                </span>
              </p>
              <p className="text-xs text-muted-foreground" role="timer">
                Hidden in {left} s
              </p>
            </div>
          ) : needStepUp ? (
            <form
              className="grid gap-3"
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                stepUp.execute(isCode ? { code: secret.trim() } : { password: secret });
              }}
            >
              <Field
                label="Password or authenticator code"
                hint="Confirm it is you; this counts for 5 minutes."
                errors={
                  submission.failure?.serverError?.fields?.password ?? submission.failure?.serverError?.fields?.code
                }
              >
                {(c) => (
                  <Input
                    {...c}
                    type="password"
                    autoComplete="current-password"
                    value={secret}
                    onChange={(e) => setSecret(e.target.value)}
                  />
                )}
              </Field>
              <div className="flex justify-end gap-2">
                <Button type="button" variant="secondary" onClick={() => onOpenChange(false)}>
                  Cancel
                </Button>
                <Button type="submit" pending={stepUp.isPending || reveal.isPending}>
                  Confirm and reveal
                </Button>
              </div>
            </form>
          ) : (
            <p className="text-sm text-muted-foreground" role="status">
              {reveal.isPending ? 'Decrypting…' : ' '}
            </p>
          )}
        </div>
      </DialogContent>
    </Dialog>
  );
}
