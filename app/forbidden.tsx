import type { Metadata } from 'next';
import Link from 'next/link';
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
          <Button asChild variant="secondary">
            <Link href="/">Back to the overview</Link>
          </Button>
        </div>
      </div>
    </main>
  );
}
