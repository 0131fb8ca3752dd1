import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ComingSoon } from '@/components/shell/coming-soon';
import { navGroups } from '@/components/shell/nav';
import { PageHeader } from '@/components/shell/page-header';
import { pageActor } from '@/lib/auth/page';
import { can, roleLabels } from '@/lib/auth/roles';

export const metadata: Metadata = { title: 'Overview' };

// Sections that work today; the rest of the sidebar shows "coming soon" panels.
const builtSections = new Set(['/settings/users', '/settings/audit', '/account']);

export default async function OverviewPage() {
  const { actor } = await pageActor('dashboard.read');
  const available = navGroups.flatMap((g) => g.items).filter((item) => builtSections.has(item.href) && can(actor.role, item.capability));
  return (
    <div className="grid gap-6">
      <PageHeader title="Overview" description="Your Klarna business at a glance." />
      <Card>
        <CardHeader title={`Welcome, ${actor.name}`} description={`You are signed in as ${actor.email} with the ${roleLabels[actor.role]} role.`} />
        <CardBody className="grid gap-3">
          <p className="text-sm text-muted-foreground">Available to you now:</p>
          <ul className="flex flex-wrap gap-2">
            {available.map(({ href, label, icon: Icon }) => (
              <li key={href}>
                <Link href={href} className="flex items-center gap-2 rounded-md border px-3 py-2 text-sm hover:bg-muted">
                  <Icon className="size-4" aria-hidden /> {label}
                </Link>
              </li>
            ))}
          </ul>
        </CardBody>
      </Card>
      <ComingSoon
        title="Overview"
        summary="Your Klarna business at a glance."
        withHeader={false}
        planned={[
          'See authorised, captured and refunded volume per merchant and currency',
          'Spot payments close to authorisation expiry',
          'Follow the latest payout and its reconciliation match rate',
          'Watch webhook delivery health',
        ]}
      />
    </div>
  );
}
