'use client';

import { CircleAlert } from 'lucide-react';

/** The shopper never sees a stack trace: a plain message, and a reference the store can look up. */
export default function PaymentReturnError({ error }: { error: Error & { digest?: string } }) {
  return (
    <main className="grid min-h-dvh place-items-center px-4 py-10">
      <div className="grid w-full max-w-md justify-items-center gap-4 rounded-lg border bg-card p-8 text-center shadow-sm">
        <CircleAlert className="size-10 text-danger" aria-hidden />
        <h1 className="text-xl font-semibold">We could not confirm your payment just now</h1>
        <p className="text-sm text-muted-foreground" role="alert">
          Something went wrong on our side. Reload this page in a moment to try again; if it keeps failing, contact the
          store{error.digest ? ' and quote the reference below' : ''}.
        </p>
        {error.digest && <p className="text-xs text-muted-foreground">Reference: {error.digest}</p>}
      </div>
    </main>
  );
}
