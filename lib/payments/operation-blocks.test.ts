import { describe, expect, it } from 'vitest';
import { operationBlocks, type PaymentFacts } from './operation-blocks';

const now = new Date('2026-03-10T12:00:00Z');
const base: PaymentFacts = {
  state: 'AUTHORIZED',
  currency: 'EUR',
  authorized: 10000,
  captured: 0,
  refunded: 0,
  remaining: 10000,
  expiresAt: new Date('2026-04-01T00:00:00Z'),
  detailsKnown: true,
};
const allowed = (facts: Partial<PaymentFacts>) =>
  Object.entries(operationBlocks({ ...base, ...facts }, now))
    .filter(([, reason]) => reason === null)
    .map(([op]) => op);

describe('what each transaction state allows (seed, "Read payment transaction")', () => {
  it('AUTHORIZED: everything, but no refund before a capture', () => {
    expect(allowed({})).toEqual(['capture', 'release', 'update', 'reauthorize']);
    expect(allowed({ captured: 4000, remaining: 6000 })).toEqual([
      'capture',
      'refund',
      'release',
      'update',
      'reauthorize',
    ]);
    expect(operationBlocks({ ...base, captured: 4000, refunded: 4000, remaining: 6000 }, now).refund).toBe(
      'Everything captured (40.00 EUR) has already been refunded.',
    );
  });

  it('EXPIRED: only reauthorize, and only within 7 days of expiry', () => {
    const expired = { state: 'EXPIRED', expiresAt: new Date('2026-03-05T00:00:00Z') };
    expect(allowed(expired)).toEqual(['reauthorize']);
    expect(operationBlocks({ ...base, ...expired }, now).capture).toContain('until 12 Mar 2026');
    expect(allowed({ state: 'EXPIRED', expiresAt: new Date('2026-03-01T00:00:00Z') })).toEqual([]);
  });

  it('COMPLETED: refunds and update; CLOSED and unknown states: nothing', () => {
    expect(allowed({ state: 'COMPLETED', captured: 10000, remaining: 0 })).toEqual(['refund', 'update']);
    expect(allowed({ state: 'COMPLETED', captured: 10000, refunded: 10000, remaining: 0 })).toEqual(['update']);
    expect(allowed({ state: 'CLOSED', captured: 10000, remaining: 0 })).toEqual([]);
    expect(operationBlocks({ ...base, state: 'DISPUTED' }, now).capture).toContain('DISPUTED');
  });

  it('COMPLETED by a void (seed, "Void payment transaction"): refunds still, but no update', () => {
    const voided = { state: 'COMPLETED', captured: 4000, remaining: 0, voidedAt: new Date('2026-03-09T08:30:00Z') };
    expect(allowed(voided)).toEqual(['refund']);
    expect(operationBlocks({ ...base, ...voided }, now).update).toBe(
      'The rest of the authorization was released (voided) on 09 Mar 2026, 08:30:00 UTC: Klarna accepts no further updates.',
    );
  });

  it('nothing without Klarna’s full transaction', () => {
    expect(allowed({ detailsKnown: false })).toEqual([]);
  });
});
