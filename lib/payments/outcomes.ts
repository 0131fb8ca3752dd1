import 'server-only';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { PaymentTransaction } from '@/lib/klarna/schemas/payments';
import { type KlarnaApiError, KlarnaNetworkError } from '@/lib/klarna/errors';
import { formatMinorUnits } from '@/lib/ui/money';

/** What a money operation did when Klarna's answer was lost (design.md, "Idempotency"); pure, so testable alone. */

export const pendingKinds = ['capture', 'refund', 'release', 'reauthorize'] as const;
export type PendingKind = (typeof pendingKinds)[number];

export const baselineSchema = z.object({
  captureIds: z.array(z.string()),
  refundIds: z.array(z.string()),
  state: z.string(),
  authorized: z.number().int(),
  remaining: z.number().int(),
  /** Klarna's `released_amount` (a field of ours on the transaction), null when Klarna does not send it. */
  released: z.number().int().nullable(),
  expiresAt: z.string().nullable(),
});
export type Baseline = z.infer<typeof baselineSchema>;

export function baselineOf(t: PaymentTransaction): Baseline {
  const released = (t as Record<string, unknown>).released_amount;
  return {
    captureIds: t.captures.map((c) => c.payment_capture_id),
    refundIds: t.refunds.map((r) => r.payment_refund_id),
    state: t.state,
    authorized: t.authorized_amount,
    remaining: t.remaining_authorized_amount,
    released: typeof released === 'number' ? released : null,
    expiresAt: t.expires_at ?? null,
  };
}

export type Intent = { kind: PendingKind; captureId?: string | null; request: Record<string, unknown> };

/** Stable JSON (keys sorted at every depth), so the same body digests the same however it was built. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}

export function intentDigest(paymentTransactionId: string, intent: Intent): string {
  return createHash('sha256')
    .update(JSON.stringify([intent.kind, paymentTransactionId, intent.captureId ?? null, canonical(intent.request)]))
    .digest('base64url');
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export type Judgement = { made: true; operationId: string | null } | { made: false };

/** Made: a capture or refund new since the baseline, not claimed by an answered operation, with the intent's
 * amount, reference and capture (absent, null, "" equal). */
export function judge(
  intent: Intent,
  baseline: Baseline,
  t: PaymentTransaction,
  claimed: ReadonlySet<string>,
): Judgement {
  const r = intent.request;
  switch (intent.kind) {
    case 'capture': {
      const found = t.captures.find(
        (c) =>
          !baseline.captureIds.includes(c.payment_capture_id) &&
          !claimed.has(c.payment_capture_id) &&
          c.amount === num(r.amount) &&
          str(c.capture_reference) === str(r.capture_reference),
      );
      return found ? { made: true, operationId: found.payment_capture_id } : { made: false };
    }
    case 'refund': {
      const found = t.refunds.find(
        (f) =>
          !baseline.refundIds.includes(f.payment_refund_id) &&
          !claimed.has(f.payment_refund_id) &&
          f.amount === num(r.amount) &&
          (intent.captureId ? f.payment_capture_id === intent.captureId : true) &&
          str(f.refund_reference) === str(r.refund_reference),
      );
      return found ? { made: true, operationId: found.payment_refund_id } : { made: false };
    }
    case 'release': {
      const released = num((t as Record<string, unknown>).released_amount);
      if (released !== null && baseline.released !== null)
        return released > baseline.released ? { made: true, operationId: null } : { made: false };
      // Without Klarna's released amount: nothing left authorized and the payment ended.
      return baseline.remaining > 0 &&
        t.remaining_authorized_amount === 0 &&
        (t.state === 'COMPLETED' || t.state === 'CLOSED')
        ? { made: true, operationId: null }
        : { made: false };
    }
    case 'reauthorize': {
      const renewed =
        t.expires_at && baseline.expiresAt
          ? Date.parse(t.expires_at) > Date.parse(baseline.expiresAt)
          : t.state === 'AUTHORIZED' && baseline.state !== 'AUTHORIZED';
      const amount = num(r.amount);
      return renewed && t.state === 'AUTHORIZED' && (amount === null || t.authorized_amount === amount)
        ? { made: true, operationId: null }
        : { made: false };
    }
  }
}

export function intentPhrase(intent: Intent, baseline: Baseline, currency: string): string {
  const amount = num(intent.request.amount);
  const money = (v: number) => formatMinorUnits(v, currency);
  switch (intent.kind) {
    case 'capture':
      return `capture of ${money(amount ?? 0)}`;
    case 'refund':
      return `refund of ${money(amount ?? 0)}`;
    case 'release':
      return `release of the remaining ${money(baseline.remaining)}`;
    case 'reauthorize':
      return amount === null ? 'reauthorization' : `reauthorization for ${money(amount)}`;
  }
}

export function causeSentence(error: KlarnaApiError | KlarnaNetworkError): string {
  if (error instanceof KlarnaNetworkError)
    return error.kind === 'timeout'
      ? 'Klarna did not answer in time.'
      : 'The connection to Klarna broke before its answer came.';
  return `Klarna answered with an error (HTTP ${error.status}${error.errorCode ? ` ${error.errorCode}` : ''}${error.errorId ? `, error id ${error.errorId}` : ''}) that does not say whether it acted.`;
}

export function resolvedSentence(cause: string, phrase: string, made: boolean): string {
  return `${cause} Reading the payment from Klarna shows the ${phrase} was ${made ? 'made' : 'not made; you can try again'}.`;
}

export function earlierResolvedSentence(phrase: string, by: string | null, at: Date, made: boolean): string {
  return `An earlier ${phrase} (${by ?? 'someone'}, ${formatUtc(at)}) got no clear answer from Klarna. Reading the payment from Klarna shows it was ${made ? 'made' : 'not made'}. Nothing was sent now: look at the payment again before you act.`;
}

export function stillUnknownSentence(cause: string, phrase: string): string {
  return `${cause} Reading the payment from Klarna failed too, so whether the ${phrase} was made is not known yet. Nothing more can be done on this payment until it is: check again in a moment (that reads Klarna first and never acts twice).`;
}

function formatUtc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
