import type { Metadata } from 'next';
import Link from 'next/link';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { pageContext } from '@/lib/auth/page';
import { AppError } from '@/lib/errors';
import { getCachedMerchant } from '@/lib/merchants/cache';
import { getDraft } from '@/lib/merchants/drafts';
import { formFromDraft } from '@/lib/merchants/onboarding-form';
import { onboardingOptions } from '@/lib/merchants/service';
import { firstValues } from '@/lib/ui/search-params';
import { OnboardedPanel } from './_components/onboarded-panel';
import { OnboardingWizard } from './_components/onboarding-wizard';
import type { OnboardingOptions } from './_components/wizard-context';

export const metadata: Metadata = { title: 'Onboard a merchant' };
export const dynamic = 'force-dynamic';

const link = 'underline underline-offset-4';

export default async function OnboardMerchantPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('merchants.onboard');
  const { db } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const { draft: draftId } = firstValues(await searchParams);

  const header = (
    <PageHeader
      title="Onboard a merchant"
      description="Creates the merchant’s account at Klarna: its owner, business, payment product, channels and settlement. Your progress is kept as a draft as you go."
      actions={
        <Button asChild variant="secondary">
          <Link href="/merchants">Merchants</Link>
        </Button>
      }
    />
  );

  const draft = draftId ? await getDraft(ctx, draftId) : null;
  if (draftId && !draft) {
    return (
      <>
        {header}
        <Alert tone="danger" title="This onboarding draft does not exist">
          It may have been deleted, or the link is incomplete.{' '}
          <Link className={link} href="/merchants/onboard">
            Start a new onboarding
          </Link>{' '}
          or{' '}
          <Link className={link} href="/merchants">
            open the merchants list
          </Link>
          , which lists the open drafts.
        </Alert>
      </>
    );
  }
  if (draft?.accountId) {
    const cached = await getCachedMerchant(db, draft.accountId);
    return (
      <>
        {header}
        <OnboardedPanel accountId={draft.accountId} state={cached?.state ?? null} form={formFromDraft(draft.data)} />
      </>
    );
  }

  const loaded = await onboardingOptions(ctx).then(
    (value) => ({ value, error: null }),
    (error: unknown) => {
      if (error instanceof AppError) return { value: null, error: error.message };
      throw error;
    },
  );
  if (!loaded.value) {
    return (
      <>
        {header}
        <Alert tone="danger" title="Klarna cannot be asked for this partner’s onboarding options">
          {loaded.error} Check the active key under{' '}
          <Link className={link} href="/settings/api-credentials">
            Settings → API credentials
          </Link>
          , then{' '}
          <Link className={link} href={draft ? `/merchants/onboard?draft=${draft.id}` : '/merchants/onboard'}>
            try again
          </Link>
          .{draft ? ' The draft is kept.' : ''}
        </Alert>
      </>
    );
  }

  const options: OnboardingOptions = {
    distributionProfiles: loaded.value.distributionProfiles.map((p) => ({
      id: p.distribution_profile_id,
      name: p.name,
    })),
    pricePlans: loaded.value.pricePlans.map((p) => ({
      id: p.price_plan_id,
      name: p.name,
      merchantCategoryCodes: p.merchant_category_codes,
    })),
    settlementConfigurations: loaded.value.settlementConfigurations.map((c) => ({
      id: c.settlement_configuration_id,
      name: c.name,
      payoutFrequency: String(c.payout_schedule.frequency),
      payoutDelayDays: c.payout_schedule.delay_days,
      settlingEntity: c.settling_entity,
      bankAccount: `${c.bank_account.holder}, IBAN ending ${c.bank_account.iban_last4}${c.bank_account.bic ? `, BIC ${c.bank_account.bic}` : ''}`,
      currencies: c.currencies,
    })),
  };

  return (
    <>
      {header}
      <OnboardingWizard
        key={draft?.id ?? 'new'}
        draft={
          draft ? { id: draft.id, data: draft.data, step: draft.step, updatedAt: draft.updatedAt.toISOString() } : null
        }
        options={options}
      />
    </>
  );
}
