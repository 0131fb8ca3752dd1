import type { Metadata } from 'next';
import Link from 'next/link';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { Button } from '@/components/ui/button';
import { pageContext } from '@/lib/auth/page';
import { env } from '@/lib/env';
import { merchantById } from '@/lib/merchants/names';
import { anyMerchantCanTakePayments, paymentBlockReason, paymentLinkReturnUrl } from '@/lib/payments/links';
import { firstValues } from '@/lib/ui/search-params';
import { PaymentLinkForm } from '../_components/payment-link-form';

export const metadata: Metadata = { title: 'Create a payment link' };
export const dynamic = 'force-dynamic';

export default async function NewPaymentLinkPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('payments.operate');
  const { db } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const { merchant } = firstValues(await searchParams);
  const [asked, anyEligible] = await Promise.all([
    merchant ? merchantById(db, merchant) : null,
    anyMerchantCanTakePayments(db),
  ]);
  // `?merchant=` (from a merchant's page) is chosen only when that merchant can take payments.
  const initialMerchant =
    asked && !paymentBlockReason(asked)
      ? { accountId: asked.accountId, name: asked.accountName, reference: asked.accountReference, blockedReason: null }
      : null;
  return (
    <>
      <PageHeader
        title="Create a payment link"
        description="A payment request at Klarna for one of your merchants. Klarna answers with a link (and QR code) the shopper pays through; the shopper then comes back to this dashboard, which confirms the payment."
        actions={
          <Button asChild variant="secondary">
            <Link href="/payments/links">Payment links</Link>
          </Button>
        }
      />
      <PaymentLinkForm
        initialMerchant={initialMerchant}
        anyEligible={anyEligible}
        redirectUrl={paymentLinkReturnUrl(env().APP_URL)}
      />
    </>
  );
}
