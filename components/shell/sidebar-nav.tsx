'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { can, type Role } from '@/lib/auth/roles';
import { cn } from '@/lib/ui/cn';
import { navGroups } from './nav';

export function SidebarNav({ role, onNavigate }: { role: Role; onNavigate?: () => void }) {
  const pathname = usePathname();
  const matches = (href: string) =>
    href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
  // The most specific item wins: on /webhooks/events only "Event log" is current, not "/webhooks".
  const current = navGroups
    .flatMap((g) => g.items.map((i) => i.href))
    .filter(matches)
    .sort((a, b) => b.length - a.length)[0];
  const isActive = (href: string) => href === current;
  return (
    <nav aria-label="Main" className="grid gap-5">
      {navGroups.map((group, index) => {
        const items = group.items.filter((item) => can(role, item.capability));
        if (!items.length) return null;
        return (
          <div key={group.label ?? index} className="grid gap-1">
            {group.label && (
              <p className="px-3 pb-1 text-xs font-medium uppercase tracking-wide text-muted-foreground">
                {group.label}
              </p>
            )}
            <ul className="grid gap-0.5">
              {items.map(({ href, label, icon: Icon }) => (
                <li key={href}>
                  <Link
                    href={href}
                    onClick={onNavigate}
                    aria-current={isActive(href) ? 'page' : undefined}
                    className={cn(
                      'flex items-center gap-2.5 rounded-md px-3 py-1.5 text-sm text-muted-foreground transition-colors hover:bg-muted hover:text-foreground',
                      isActive(href) && 'bg-muted font-medium text-foreground',
                    )}
                  >
                    <Icon className="size-4" aria-hidden />
                    {label}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}
