'use client';

import { useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Copy } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList } from '@/components/ui/detail-list';
import { LiveRefresh } from '@/components/ui/live-refresh';
import { nextAccountForBusiness, type OnboardingForm } from '@/lib/merchants/onboarding-form';
import { failureMessage } from '@/lib/ui/action-result';
import { AccountStateBadge } from '../../_components/state-badges';
import { saveDraftAction } from '../../actions';

/**
 * What an onboarded draft shows: the account Klarna created and its state, kept current
 * (Klarna finishes setting an account up on its own and says so by webhook), and the way to
 * onboard the next account of the same business (seed, "Franchising").
 */
export function OnboardedPanel({
  accountId,
  state,
  form,
}: {
  accountId: string;
  state: string | null;
  form: OnboardingForm;
}) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onboardAnother() {
    setPending(true);
    setError(null);
    try {
      const result = await saveDraftAction({ data: nextAccountForBusiness(form), step: 0 });
      if (result?.data) {
        router.push(`/merchants/onboard?draft=${result.data.id}`);
        return;
      }
      setError(failureMessage(result ?? {}));
    } catch {
      setError('The server could not be reached, so no new draft was made. Check your connection and try again.');
    }
    setPending(false);
  }

  return (
    <Card>
      <CardHeader
        title={<span className="break-all">Klarna created account {accountId}</span>}
        description="The merchant is onboarded. Klarna finishes setting the account up on its own and tells this dashboard by webhook; this page follows."
        actions={
          <LiveRefresh
            url={`/api/merchants/version?account=${encodeURIComponent(accountId)}`}
            fast={!state || state === 'PARTIALLY_OPERATIONAL'}
            label="Updates live"
          />
        }
      />
      <CardBody className="grid gap-5">
        <DetailList
          items={[
            ['Account', `${form.account_name.trim() || '–'} (reference ${form.account_reference.trim() || '–'})`],
            [
              'State',
              state ? (
                <AccountStateBadge key="state" state={state} />
              ) : (
                <span key="state" className="text-muted-foreground">
                  Not read from Klarna yet
                </span>
              ),
            ],
            [
              'Account id',
              <code key="id" className="font-mono text-xs">
                {accountId}
              </code>,
            ],
          ]}
        />
        {error && <Alert tone="danger">{error}</Alert>}
        <div className="flex flex-wrap gap-2">
          <Button asChild variant="secondary">
            <Link href="/merchants">Open merchants list</Link>
          </Button>
          <Button asChild variant="secondary">
            <Link href={`/merchants/${encodeURIComponent(accountId)}`}>Open this account</Link>
          </Button>
          <Button onClick={onboardAnother} pending={pending}>
            <Copy aria-hidden /> Onboard another account for this business
          </Button>
        </div>
        <p className="text-xs text-muted-foreground">
          Another account starts with the same owner, business information, payment product and settlement choice; you
          give it its own name, reference and channels, as for each franchisee of a franchise.
        </p>
      </CardBody>
    </Card>
  );
}
