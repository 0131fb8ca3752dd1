import type { Metadata } from 'next';
import { Forbidden } from '@/components/shell/forbidden';
import { Logo } from '@/components/shell/logo';
import { Button } from '@/components/ui/button';
import { forbiddenMessage } from '@/lib/auth/page';

export const metadata: Metadata = { title: 'No access' };

/** The 403 answer for a dashboard page the role may not open (lib/auth/page.ts layoutActor). */
export default async function ForbiddenPage() {
  const message = (await forbiddenMessage()) ?? 'Your role may not open this page.';
  return (
    <main className="grid min-h-dvh place-items-center px-4 py-10">
      <div className="grid w-full max-w-lg gap-6">
        <Logo />
        <Forbidden message={message} />
        <div className="flex justify-center">
          {/* A full load: the dashboard's layout never rendered here, so a client-side navigation would keep this page. */}
          <Button asChild variant="secondary">
            {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
            <a href="/">Back to the overview</a>
          </Button>
        </div>
      </div>
    </main>
  );
}
