import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { EnvironmentBadge } from '@/components/shell/environment-badge';
import { Logo } from '@/components/shell/logo';
import { safeCallbackPath } from '@/lib/auth/callback';
import { getActor } from '@/lib/auth/session';
import { env } from '@/lib/env';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackPath = safeCallbackPath(
    typeof params.callbackUrl === 'string' ? params.callbackUrl : null,
    env().APP_URL,
  );
  if (await getActor()) redirect(callbackPath);
  return (
    <main className="grid min-h-dvh place-items-center px-4 py-10">
      <div className="grid w-full max-w-sm gap-6">
        <div className="flex items-center justify-between">
          <Logo />
          <EnvironmentBadge environment={env().KLARNA_ENVIRONMENT} />
        </div>
        <div className="rounded-lg border bg-card p-6 shadow-sm">
          <h1 className="mb-1 text-xl font-semibold">Sign in</h1>
          <p className="mb-5 text-sm text-muted-foreground">Use the email and password your admin gave you.</p>
          <SignInForm
            callbackPath={callbackPath}
            initialError={typeof params.error === 'string' ? params.error : null}
          />
        </div>
      </div>
    </main>
  );
}
