'use client';

import { useState } from 'react';
import { Dialog as D } from 'radix-ui';
import { Menu, X } from 'lucide-react';
import type { Role } from '@/lib/auth/roles';
import { Logo } from './logo';
import { SidebarNav } from './sidebar-nav';

/** Below the large breakpoint the sidebar becomes a sheet behind a menu button. */
export function MobileNav({ role }: { role: Role }) {
  const [open, setOpen] = useState(false);
  return (
    <D.Root open={open} onOpenChange={setOpen}>
      <D.Trigger className="rounded-md p-2 hover:bg-muted lg:hidden" aria-label="Open navigation">
        <Menu className="size-5" aria-hidden />
      </D.Trigger>
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <D.Content className="fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] flex-col gap-6 overflow-y-auto border-r bg-card p-4 shadow-lg">
          <div className="flex items-center justify-between">
            <D.Title asChild>
              <div>
                <Logo />
              </div>
            </D.Title>
            <D.Close className="rounded-md p-2 hover:bg-muted" aria-label="Close navigation">
              <X className="size-4" aria-hidden />
            </D.Close>
          </div>
          <D.Description className="sr-only">Sections of the dashboard</D.Description>
          <SidebarNav role={role} onNavigate={() => setOpen(false)} />
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
