import type { Metadata } from 'next';
import Link from 'next/link';
import { FeeShareChart, MatchRateChart, PayoutsChart } from '@/components/settlements/overview-charts';
import { navGroups } from '@/components/shell/nav';
import { PageHeader } from '@/components/shell/page-header';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { pageContext } from '@/lib/auth/page';
import { can, roleLabels } from '@/lib/auth/roles';
import { promisesExpiringSoon } from '@/lib/cards/service';
import { feeShareByMerchant, matchRateOverTime, payoutsOverTime } from '@/lib/settlements/queries';
import { formatDateTime } from '@/lib/ui/format';

export const metadata: Metadata = { title: 'Overview' };
export const dynamic = 'force-dynamic';

// Sections still showing a "coming soon" panel are left out of the welcome list.
const notBuiltYet = new Set(['/']);

export default async function OverviewPage() {
  const { ctx } = await pageContext('dashboard.read');
  const { db, actor } = ctx;
  const available = navGroups
    .flatMap((g) => g.items)
    .filter((item) => !notBuiltYet.has(item.href) && can(actor.role, item.capability));
  // Aggregates over the payouts table (one row per payout) with LIMITs; the fee share is kept until a payout changes.
  const [payouts, matchRates, feeShares, expiring] = await Promise.all([
    payoutsOverTime(db, 365),
    matchRateOverTime(db, 90),
    feeShareByMerchant(db, { payouts: 24, limit: 10 }),
    promisesExpiringSoon(ctx),
  ]);
  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
      <PageHeader title="Overview" description="Your Klarna business at a glance." />
      <Card>
        <CardHeader
          title={`Welcome, ${actor.name}`}
          description={`You are signed in as ${actor.email} with the ${roleLabels[actor.role]} role.`}
        />
        <CardBody className="grid gap-3">
          <p className="text-sm text-muted-foreground">Available to you now:</p>
          <ul className="flex flex-wrap gap-2">
            {available.map(({ href, label, icon: Icon }) => (
              <li key={href}>
                <Link
                  href={href}
                  className="flex items-center gap-2 rounded-md border px-3 py-2 text-sm hover:bg-muted"
                >
                  <Icon className="size-4" aria-hidden /> {label}
                </Link>
              </li>
            ))}
          </ul>
        </CardBody>
      </Card>
      {expiring.length > 0 && (
        <Card>
          <CardHeader
            title="Card promises about to expire"
            description="Open virtual card promises that expire within 6 hours unless settled."
          />
          <CardBody>
            <ul className="grid gap-1 text-sm">
              {expiring.map((p) => (
                <li key={p.promiseId} className="flex flex-wrap gap-x-2">
                  <Link className="font-mono underline underline-offset-4" href="/virtual-cards?tab=promises">
                    {p.orderId}
                  </Link>
                  <span className="text-muted-foreground">
                    {p.cardCount} card{p.cardCount === 1 ? '' : 's'}, expires {formatDateTime(p.expiresAt)} UTC
                  </span>
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
      )}
      <PayoutsChart points={payouts} />
      <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
        <MatchRateChart points={matchRates} />
        <FeeShareChart rows={feeShares} />
      </div>
    </div>
  );
}
