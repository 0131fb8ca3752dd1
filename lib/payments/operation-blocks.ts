import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';

/** What the seed allows per transaction state ("Read payment transaction"; sandbox/README.md "Payments"), as a
 * reason per operation or null. No update once voided (seed, "Void payment transaction"). Klarna still decides:
 * these only keep the buttons honest. */

export const operations = ['capture', 'refund', 'release', 'update', 'reauthorize'] as const;
export type Operation = (typeof operations)[number];
export type OperationBlocks = Record<Operation, string | null>;

/** Seed: an expired transaction can be reauthorized within 7 days of expiry. */
const GRACE_MS = 7 * 24 * 3600 * 1000;

export type PaymentFacts = {
  state: string;
  currency: string;
  authorized: number;
  captured: number;
  refunded: number;
  remaining: number;
  expiresAt: Date | null;
  /** False when the dashboard holds only a webhook's amounts, not Klarna's full transaction. */
  detailsKnown: boolean;
  /** When the remaining authorization was voided (seed: no further updates after a void). */
  voidedAt?: Date | null;
};

const all = (reason: string): OperationBlocks => ({
  capture: reason,
  refund: reason,
  release: reason,
  update: reason,
  reauthorize: reason,
});

export function graceEndsAt(expiresAt: Date | null): Date | null {
  return expiresAt ? new Date(expiresAt.getTime() + GRACE_MS) : null;
}

export function operationBlocks(p: PaymentFacts, now: Date): OperationBlocks {
  if (!p.detailsKnown)
    return all(
      'The dashboard has only the amounts from Klarna’s webhook; refresh from Klarna to operate this payment.',
    );
  const refundable = p.captured - p.refunded;
  const refund =
    p.captured === 0
      ? 'Nothing has been captured yet, so there is nothing to refund.'
      : refundable <= 0
        ? `Everything captured (${formatMinorUnits(p.captured, p.currency)}) has already been refunded.`
        : null;
  switch (p.state) {
    case 'AUTHORIZED':
      return {
        capture: p.remaining > 0 ? null : 'Nothing is left to capture.',
        refund,
        release: p.remaining > 0 ? null : 'No authorization is left to release.',
        update: null,
        reauthorize: null,
      };
    case 'EXPIRED': {
      const grace = graceEndsAt(p.expiresAt);
      const expired = `The authorization expired${p.expiresAt ? ` on ${formatDateTime(p.expiresAt)} UTC` : ''}`;
      const graceOver = grace !== null && grace.getTime() <= now.getTime();
      const onlyReauthorize = graceOver
        ? `${expired} and the 7 days to reauthorize it are over; Klarna will close or complete it.`
        : `${expired}; only a reauthorization is possible${grace ? `, until ${formatDateTime(grace)} UTC` : ''}.`;
      return { ...all(onlyReauthorize), reauthorize: graceOver ? onlyReauthorize : null };
    }
    case 'COMPLETED':
      return {
        capture: 'The payment is completed: nothing is left to capture.',
        refund,
        release: 'The payment is completed: no authorization is left to release.',
        update: p.voidedAt
          ? `The rest of the authorization was released (voided) on ${formatDateTime(p.voidedAt)} UTC: Klarna accepts no further updates.`
          : null,
        reauthorize: 'A completed payment cannot be reauthorized.',
      };
    case 'CLOSED':
      return all('The payment is closed: Klarna allows no further operations.');
    default:
      return all(
        `Klarna reports this payment as ${p.state}, a state this dashboard does not know; refresh from Klarna or ask Klarna.`,
      );
  }
}
