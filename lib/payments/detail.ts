import 'server-only';
import type { PaymentTransactionRow } from '@/db/schema';
import type { ServiceContext } from '@/lib/context';
import { klarnaFor } from '@/lib/credentials/connection';
import { AppError } from '@/lib/errors';
import { paymentTransactionSchema, type PaymentTransaction } from '@/lib/klarna/schemas/payments';
import { refreshPayment } from './service';

export type PaymentDetail = {
  row: PaymentTransactionRow;
  /** Klarna's full transaction, or null when only the cached amounts are known. */
  transaction: PaymentTransaction | null;
  /** Why Klarna could not be read just now (a known AppError's message); the cache is shown meanwhile. */
  readError: string | null;
};

function parseTransaction(value: unknown): PaymentTransaction | null {
  return value ? (paymentTransactionSchema.safeParse(value).data ?? null) : null;
}

/** Whether a webhook (which carries only state and amounts) moved the cache past the stored full transaction. */
function isStale(row: PaymentTransactionRow, t: PaymentTransaction): boolean {
  if (
    t.state !== row.state ||
    t.authorized_amount !== row.authorizedAmount ||
    t.captured_amount !== row.capturedAmount ||
    t.refunded_amount !== row.refundedAmount ||
    t.remaining_authorized_amount !== row.remainingAuthorizedAmount
  )
    return true;
  // A webhook's time is when Klarna sent it, a moment after the change it reports.
  return row.klarnaUpdatedAt.getTime() - Date.parse(t.updated_at) > 2_000;
}

function withTransaction(row: PaymentTransactionRow, t: PaymentTransaction): PaymentTransactionRow {
  return {
    ...row,
    state: t.state,
    authorizedAmount: t.authorized_amount,
    capturedAmount: t.captured_amount,
    refundedAmount: t.refunded_amount,
    remainingAuthorizedAmount: t.remaining_authorized_amount,
    merchantReference: t.merchant_reference ?? null,
    paymentReference: t.payment_reference ?? null,
    expiresAt: t.expires_at ? new Date(t.expires_at) : row.expiresAt,
  };
}

export async function readPaymentDetail(ctx: ServiceContext, cached: PaymentTransactionRow): Promise<PaymentDetail> {
  let row = cached;
  let transaction = parseTransaction(row.klarna);
  if (transaction && !isStale(row, transaction)) return { row, transaction, readError: null };
  try {
    const target = { accountId: cached.accountId, paymentTransactionId: cached.paymentTransactionId };
    row = await refreshPayment(ctx, target);
    transaction = parseTransaction(row.klarna);
    if (!transaction || isStale(row, transaction)) {
      // The cache deems a webhook newer than Klarna's answer: show what Klarna just said.
      const api = await klarnaFor(ctx.db, ctx.settings);
      transaction = await api.paymentTransactions.get(target.accountId, target.paymentTransactionId);
      row = withTransaction(row, transaction);
    }
    return { row, transaction, readError: null };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { row, transaction, readError: error.message };
  }
}
