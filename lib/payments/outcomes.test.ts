import { describe, expect, it } from 'vitest';
import type { PaymentTransaction } from '@/lib/klarna/schemas/payments';
import { baselineOf, intentDigest, intentPhrase, judge } from './outcomes';

function transaction(over: Partial<PaymentTransaction> = {}): PaymentTransaction {
  return {
    payment_transaction_id: 'tx',
    state: 'AUTHORIZED',
    currency: 'EUR',
    authorized_amount: 10_000,
    captured_amount: 0,
    refunded_amount: 0,
    remaining_authorized_amount: 10_000,
    captures: [],
    refunds: [],
    expires_at: '2026-12-30T00:00:00.000Z',
    created_at: '2026-12-01T00:00:00.000Z',
    updated_at: '2026-12-01T00:00:00.000Z',
    ...over,
  };
}
const capture = (id: string, amount: number, reference: string | null = null) => ({
  payment_capture_id: id,
  amount,
  refunded_amount: 0,
  capture_reference: reference,
  created_at: '2026-12-02T00:00:00.000Z',
});

describe('judging a lost intent from Klarna’s read', () => {
  const before = baselineOf(
    transaction({ captures: [capture('c-old', 1_000)], captured_amount: 1_000, remaining_authorized_amount: 9_000 }),
  );

  it('finds a capture only if it is new, unclaimed, and has the amount and reference sent', () => {
    const intent = { kind: 'capture' as const, request: { amount: 2_000, capture_reference: 'p-1' } };
    expect(judge(intent, before, transaction({ captures: [capture('c-old', 1_000)] }), new Set())).toEqual({
      made: false,
    });
    expect(
      judge(intent, before, transaction({ captures: [capture('c-old', 1_000), capture('c-new', 2_000)] }), new Set()),
    ).toEqual({ made: false });
    expect(
      judge(
        intent,
        before,
        transaction({ captures: [capture('c-old', 1_000), capture('c-new', 2_000, 'p-1')] }),
        new Set(['c-new']),
      ),
    ).toEqual({ made: false });
    expect(
      judge(
        intent,
        before,
        transaction({ captures: [capture('c-old', 1_000), capture('c-new', 2_000, 'p-1')] }),
        new Set(),
      ),
    ).toEqual({ made: true, operationId: 'c-new' });
    expect(
      judge(
        { kind: 'capture', request: { amount: 1_000 } },
        before,
        transaction({ captures: [capture('c-old', 1_000)] }),
        new Set(),
      ),
    ).toEqual({ made: false });
  });

  it('finds a capture or refund made when Klarna echoes an empty reference for one sent without (or the reverse)', () => {
    const echoed = transaction({ captures: [capture('c-old', 1_000), capture('c-new', 2_000, '')] });
    expect(judge({ kind: 'capture', request: { amount: 2_000 } }, before, echoed, new Set())).toEqual({
      made: true,
      operationId: 'c-new',
    });
    expect(
      judge(
        { kind: 'capture', request: { amount: 2_000, capture_reference: '' } },
        before,
        transaction({ captures: [capture('c-old', 1_000), capture('c-new', 2_000)] }),
        new Set(),
      ),
    ).toEqual({ made: true, operationId: 'c-new' });
    const refunded = transaction({
      refunds: [
        {
          payment_refund_id: 'r-1',
          amount: 500,
          payment_capture_id: 'c-old',
          refund_reference: '',
          created_at: '2026-12-03T00:00:00.000Z',
        },
      ],
    });
    expect(
      judge({ kind: 'refund', captureId: 'c-old', request: { amount: 500 } }, before, refunded, new Set()),
    ).toEqual({ made: true, operationId: 'r-1' });
  });

  it('finds a refund against the capture it named', () => {
    const refund = (id: string, captureId: string | null) => ({
      payment_refund_id: id,
      amount: 500,
      payment_capture_id: captureId,
      created_at: '2026-12-03T00:00:00.000Z',
    });
    const intent = { kind: 'refund' as const, captureId: 'c-old', request: { amount: 500 } };
    expect(judge(intent, before, transaction({ refunds: [refund('r-1', 'c-other')] }), new Set())).toEqual({
      made: false,
    });
    expect(
      judge(intent, before, transaction({ refunds: [refund('r-1', 'c-other'), refund('r-2', 'c-old')] }), new Set()),
    ).toEqual({ made: true, operationId: 'r-2' });
  });

  it('sees a release in Klarna’s released amount, else in an ended payment with nothing left', () => {
    const release = { kind: 'release' as const, request: {} };
    const withReleased = baselineOf(transaction({ released_amount: 0 } as Partial<PaymentTransaction>));
    expect(
      judge(release, withReleased, transaction({ released_amount: 0 } as Partial<PaymentTransaction>), new Set()),
    ).toEqual({ made: false });
    expect(
      judge(
        release,
        withReleased,
        transaction({
          state: 'CLOSED',
          remaining_authorized_amount: 0,
          released_amount: 10_000,
        } as Partial<PaymentTransaction>),
        new Set(),
      ),
    ).toEqual({ made: true, operationId: null });
    expect(
      judge(release, before, transaction({ state: 'COMPLETED', remaining_authorized_amount: 0 }), new Set()),
    ).toEqual({ made: true, operationId: null });
    expect(judge(release, before, transaction({ remaining_authorized_amount: 9_000 }), new Set())).toEqual({
      made: false,
    });
  });

  it('sees a reauthorization in a later expiry with the amount asked', () => {
    const expired = baselineOf(transaction({ state: 'EXPIRED' }));
    const intent = { kind: 'reauthorize' as const, request: { amount: 12_000 } };
    expect(judge(intent, expired, transaction({ state: 'EXPIRED' }), new Set())).toEqual({ made: false });
    expect(
      judge(
        intent,
        expired,
        transaction({ authorized_amount: 12_000, expires_at: '2027-01-30T00:00:00.000Z' }),
        new Set(),
      ),
    ).toEqual({ made: true, operationId: null });
    expect(
      judge(
        intent,
        expired,
        transaction({ authorized_amount: 11_000, expires_at: '2027-01-30T00:00:00.000Z' }),
        new Set(),
      ),
    ).toEqual({ made: false });
  });

  it('names the intent in major units with its currency', () => {
    expect(intentPhrase({ kind: 'capture', request: { amount: 10_000 } }, before, 'EUR')).toBe('capture of 100.00 EUR');
    expect(intentPhrase({ kind: 'release', request: {} }, before, 'JPY')).toBe('release of the remaining 9,000 JPY');
    expect(intentPhrase({ kind: 'reauthorize', request: {} }, before, 'EUR')).toBe('reauthorization');
  });

  it('digests the same intent the same however its body was built, and a different one differently', () => {
    const a = intentDigest('tx', {
      kind: 'capture',
      request: { amount: 100, shipping_info: [{ tracking_number: '1', shipping_company: 'DHL' }] },
    });
    const b = intentDigest('tx', {
      kind: 'capture',
      request: {
        shipping_info: [{ shipping_company: 'DHL', tracking_number: '1' }],
        amount: 100,
        capture_reference: undefined,
      },
    });
    expect(a).toBe(b);
    expect(intentDigest('tx', { kind: 'capture', request: { amount: 101 } })).not.toBe(
      intentDigest('tx', { kind: 'capture', request: { amount: 100 } }),
    );
    expect(intentDigest('tx', { kind: 'refund', captureId: 'c-1', request: { amount: 100 } })).not.toBe(
      intentDigest('tx', { kind: 'refund', captureId: 'c-2', request: { amount: 100 } }),
    );
  });
});
