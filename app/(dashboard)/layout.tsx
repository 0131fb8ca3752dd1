import { EnvironmentBadge } from '@/components/shell/environment-badge';
import { Logo } from '@/components/shell/logo';
import { MobileNav } from '@/components/shell/mobile-nav';
import { SidebarNav } from '@/components/shell/sidebar-nav';
import { ThemeToggle } from '@/components/shell/theme-toggle';
import { UserMenu } from '@/components/shell/user-menu';
import { layoutActor } from '@/lib/auth/page';
import { env } from '@/lib/env';

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  // Redirects to sign-in without a session; answers 403 for a page the role may not see.
  // Each page still checks its own capability (a client-side navigation skips this layout).
  const actor = await layoutActor();
  const environment = env().KLARNA_ENVIRONMENT;
  return (
    <div className="min-h-dvh lg:grid lg:grid-cols-[15rem_minmax(0,1fr)]">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-card px-3 py-2 focus:not-sr-only focus:fixed focus:left-3 focus:top-3"
      >
        Skip to content
      </a>
      <aside className="sticky top-0 hidden h-dvh flex-col gap-6 overflow-y-auto border-r bg-card px-3 py-4 lg:flex">
        <div className="px-2">
          <Logo />
        </div>
        <SidebarNav role={actor.role} />
      </aside>
      <div className="flex min-w-0 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b bg-background/85 px-3 backdrop-blur sm:px-6">
          <MobileNav role={actor.role} />
          <div className="lg:hidden">
            <Logo />
          </div>
          <div className="ml-auto flex items-center gap-1 sm:gap-2">
            <EnvironmentBadge environment={environment} />
            <ThemeToggle />
            <UserMenu name={actor.name} email={actor.email} role={actor.role} />
          </div>
        </header>
        <main
          id="main"
          tabIndex={-1}
          className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 outline-none sm:px-6 lg:px-8 lg:py-8"
        >
          {children}
        </main>
      </div>
    </div>
  );
}
