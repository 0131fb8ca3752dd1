import type { Metadata } from 'next';
import { CheckCircle2, CircleAlert, Clock } from 'lucide-react';
import { AppError, NotFoundError } from '@/lib/errors';
import { readPaymentLinkState, returnQuerySchema } from '@/lib/payments/links';
import { confirmPaymentLink } from '@/lib/payments/service';
import { publicContext } from '@/lib/context';
import { currentRequestId } from '@/lib/request';
import { formatMinorUnits } from '@/lib/ui/money';

/**
 * Where Klarna sends the shopper back after a payment link (the request's `redirect_url`,
 * lib/payments/links.ts). Public: no sign-in, no dashboard chrome, nothing internal beyond the
 * amount and the payment reference. With a confirmation token it confirms the payment at Klarna
 * (idempotent per token, so a reload shows the same confirmation); without one (declined, or the
 * shopper left Klarna's page) it says what happened from the request's state.
 */

export const metadata: Metadata = { title: { absolute: 'Your payment' } };
export const dynamic = 'force-dynamic';

type Outcome =
  | { kind: 'confirmed'; amount: string | null; reference: string | null }
  | { kind: 'problem' | 'waiting'; title: string; text: string; ref?: string };

const incomplete: Outcome = {
  kind: 'problem',
  title: 'This payment address is incomplete',
  text: 'It is missing the details Klarna adds when it sends you back from your payment. Open the payment link from the store again, or contact the store.',
};
const notFound: Outcome = {
  kind: 'problem',
  title: 'We could not find this payment',
  text: 'The address does not match a payment link from this store. Open the payment link from the store again, or contact the store.',
};

/** What to tell the shopper for a request in `state` that was not (or could not be) confirmed now. */
function fromState(state: string, amount: string | null, reference: string | null): Outcome {
  switch (state) {
    case 'AUTHORIZED':
      return { kind: 'confirmed', amount, reference };
    case 'DECLINED':
      return {
        kind: 'problem',
        title: 'Klarna could not approve this purchase',
        text: 'You have not been charged. Go back to the store and choose another payment method.',
      };
    case 'CANCELED':
      return {
        kind: 'problem',
        title: 'This payment was canceled',
        text: 'The store canceled this payment, so you have not been charged. Contact the store if you still want to buy.',
      };
    case 'EXPIRED':
      return {
        kind: 'problem',
        title: 'This payment has expired',
        text: 'Your approval was not confirmed in time (it is valid for 60 minutes), so you have not been charged. Go back to the store to pay again.',
      };
    case 'PENDING_CONFIRMATION':
      return {
        kind: 'waiting',
        title: 'Your payment is approved',
        text: 'The store is confirming it. Reload this page in a moment to see the confirmation.',
      };
    default:
      return {
        kind: 'waiting',
        title: 'Your payment is not complete',
        text: 'You left Klarna’s page before finishing. Open the payment link again to complete your payment.',
      };
  }
}

async function outcomeFor(query: Record<string, string | string[] | undefined>, ref: string): Promise<Outcome> {
  const parsed = returnQuerySchema.safeParse({
    payment_request_id: typeof query.payment_request_id === 'string' ? query.payment_request_id : undefined,
    token: typeof query.token === 'string' ? query.token : undefined,
  });
  if (!parsed.success) return incomplete;
  const { payment_request_id: paymentRequestId, token } = parsed.data;
  const ctx = publicContext(ref);
  const amountOf = (link: { paymentAmount: number | null; currency: string | null }) =>
    link.paymentAmount !== null && link.currency ? formatMinorUnits(link.paymentAmount, link.currency) : null;

  if (token) {
    try {
      const payment = await confirmPaymentLink(ctx, paymentRequestId, token);
      return {
        kind: 'confirmed',
        amount: formatMinorUnits(payment.authorizedAmount, payment.currency),
        reference: payment.paymentReference,
      };
    } catch (error) {
      if (error instanceof NotFoundError) return notFound;
      if (!(error instanceof AppError)) throw error;
      // Klarna refused (token expired, request canceled) or could not be reached: say why from the request's state.
      console.warn(`[pay-return ref=${ref}] confirming ${paymentRequestId} failed: ${error.message}`);
      const current = await readPaymentLinkState(ctx, paymentRequestId);
      if (!current) return notFound;
      if (
        current.state === 'PENDING_CONFIRMATION' ||
        current.state === 'IN_PROGRESS' ||
        current.state === 'SUBMITTED'
      ) {
        return {
          kind: 'problem',
          title: 'We could not confirm your payment just now',
          text: 'You have not been charged yet. Reload this page in a moment to try again; if it keeps failing, contact the store and quote the reference below.',
          ref,
        };
      }
      return fromState(current.state, amountOf(current.link), current.link.paymentReference);
    }
  }
  const current = await readPaymentLinkState(ctx, paymentRequestId);
  if (!current) return notFound;
  return fromState(current.state, amountOf(current.link), current.link.paymentReference);
}

export default async function PaymentReturnPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ref = await currentRequestId();
  let outcome: Outcome;
  try {
    outcome = await outcomeFor(await searchParams, ref);
  } catch (error) {
    console.error(`[pay-return ref=${ref}]`, error);
    outcome = {
      kind: 'problem',
      title: 'We could not confirm your payment just now',
      text: 'Something went wrong on our side. Reload this page in a moment to try again; if it keeps failing, contact the store and quote the reference below.',
      ref,
    };
  }

  return (
    <main className="grid min-h-dvh place-items-center bg-muted/40 px-4 py-10">
      <div className="grid w-full max-w-md justify-items-center gap-4 rounded-lg border bg-card p-8 text-center shadow-sm">
        {outcome.kind === 'confirmed' ? (
          <>
            <CheckCircle2 className="size-10 text-success" aria-hidden />
            <h1 className="text-xl font-semibold">Thank you – your payment is confirmed</h1>
            <dl className="grid w-full gap-1 text-sm sm:grid-cols-[max-content_1fr] sm:gap-x-4 sm:text-left">
              {outcome.amount && (
                <>
                  <dt className="text-muted-foreground">Amount</dt>
                  <dd className="font-medium tabular-nums" data-testid="confirmed-amount">
                    {outcome.amount}
                  </dd>
                </>
              )}
              {outcome.reference && (
                <>
                  <dt className="text-muted-foreground">Payment reference</dt>
                  <dd className="break-all" data-testid="confirmed-reference">
                    {outcome.reference}
                  </dd>
                </>
              )}
            </dl>
            <p className="text-sm text-muted-foreground">
              Klarna will send you the details of your purchase. You can close this page.
            </p>
          </>
        ) : (
          <>
            {outcome.kind === 'waiting' ? (
              <Clock className="size-10 text-muted-foreground" aria-hidden />
            ) : (
              <CircleAlert className="size-10 text-danger" aria-hidden />
            )}
            <h1 className="text-xl font-semibold">{outcome.title}</h1>
            <p className="text-sm text-muted-foreground" role={outcome.kind === 'problem' ? 'alert' : 'status'}>
              {outcome.text}
            </p>
            {outcome.ref && <p className="text-xs text-muted-foreground">Reference: {outcome.ref}</p>}
          </>
        )}
      </div>
    </main>
  );
}
