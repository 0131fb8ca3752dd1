import { describe, expect, it } from 'vitest';
import { paymentDisplayState } from './display-state';

describe('the state the dashboard shows', () => {
  const expiresAt = new Date('2026-02-01T00:00:00Z');
  it('is Klarna’s, except a transaction released before any capture and before expiry, which the seed’s test case 6 calls Canceled', () => {
    expect(
      paymentDisplayState({
        state: 'CLOSED',
        capturedAmount: 0,
        expiresAt,
        klarnaUpdatedAt: new Date('2026-01-02T00:00:00Z'),
      }),
    ).toBe('CANCELED');
    // Closed after its expiry and grace: not canceled by anyone.
    expect(
      paymentDisplayState({
        state: 'CLOSED',
        capturedAmount: 0,
        expiresAt,
        klarnaUpdatedAt: new Date('2026-02-08T00:00:00Z'),
      }),
    ).toBe('CLOSED');
    // Something was captured: a release completes it; closed three years later.
    expect(
      paymentDisplayState({
        state: 'CLOSED',
        capturedAmount: 100,
        expiresAt,
        klarnaUpdatedAt: new Date('2026-01-02T00:00:00Z'),
      }),
    ).toBe('CLOSED');
    expect(
      paymentDisplayState({
        state: 'CLOSED',
        capturedAmount: 0,
        expiresAt: null,
        klarnaUpdatedAt: new Date('2026-01-02T00:00:00Z'),
      }),
    ).toBe('CLOSED');
    for (const state of ['AUTHORIZED', 'COMPLETED', 'EXPIRED', 'SOMETHING_NEW'])
      expect(
        paymentDisplayState({ state, capturedAmount: 0, expiresAt, klarnaUpdatedAt: new Date('2026-01-02T00:00:00Z') }),
      ).toBe(state);
  });
});
