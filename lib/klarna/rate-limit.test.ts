import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  KlarnaRateLimiter,
  parseRateLimitHeaders,
  seedRateLimits,
  TokenBucket,
  type Clock,
} from './rate-limit';

function fakeClock(): Clock & { t: number; slept: number[] } {
  const clock = {
    t: 0,
    slept: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

describe('token bucket pacing', () => {
  it('lets a burst of its capacity through at once, then paces at the rate', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 10, clock);
    const waits = Array.from({ length: 15 }, () => bucket.reserve());
    expect(waits.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(waits.slice(10).map(Math.round)).toEqual([100, 200, 300, 400, 500]);
  });

  it('refills with time, never above capacity', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(5, 5, clock);
    for (let i = 0; i < 5; i++) bucket.reserve();
    clock.t += 10_000;
    expect(Array.from({ length: 6 }, () => bucket.reserve()).map(Math.round)).toEqual([0, 0, 0, 0, 0, 200]);
  });

  it('holds 5,000 calls at 200/s to the ideal 25 s', async () => {
    const clock = fakeClock();
    const limiter = new KlarnaRateLimiter(
      { ...seedRateLimits.production, 'payment-transaction-capture': { partner: 0, acquiringPartner: 200 } },
      clock,
    );
    for (let i = 0; i < 5000; i++) await limiter.acquire('payment-transaction-capture');
    // The first second's burst is free, so 5,000 calls finish after 4,800 more tokens: 24 s.
    expect(clock.t / 1000).toBeCloseTo(24, 1);
  });

  it('applies the tighter of the acquiring-partner and the account limit', async () => {
    const clock = fakeClock();
    const limiter = new KlarnaRateLimiter(seedRateLimits.playground, clock);
    // Playground capture: 12/s per account, 50/s in all.
    for (let i = 0; i < 24; i++) await limiter.acquire('payment-transaction-capture', 'acct-1');
    expect(clock.t).toBeCloseTo(1000, 0);
    const before = clock.t;
    await limiter.acquire('payment-transaction-capture', 'acct-2');
    expect(clock.t).toBe(before);
  });
});

describe('rate-limit headers', () => {
  it("reads the seed's example", () => {
    const headers = new Headers({
      'X-Ratelimit-Limit':
        '40, 40;w=1;name="account_payment-request-capture",100;w=1;name="psp_payment-request-capture"',
      'X-Ratelimit-Remaining': '15',
      'X-Ratelimit-Reset': '1',
    });
    expect(parseRateLimitHeaders(headers)).toEqual({
      policies: [
        { quota: 40, windowSeconds: 1, name: 'account_payment-request-capture' },
        { quota: 100, windowSeconds: 1, name: 'psp_payment-request-capture' },
      ],
      remaining: 15,
      resetSeconds: 1,
    });
  });

  it('leaves out what it cannot read instead of failing', () => {
    expect(
      parseRateLimitHeaders(new Headers({ 'X-Ratelimit-Limit': 'garbage;;', 'X-Ratelimit-Remaining': 'n/a' })),
    ).toEqual({ policies: [], remaining: null, resetSeconds: null });
  });
});

describe('back-off', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    expect(backoffDelayMs(0, { random: () => 1 })).toBe(200);
    expect(backoffDelayMs(3, { random: () => 1 })).toBe(1600);
    expect(backoffDelayMs(30, { random: () => 1 })).toBe(20_000);
    expect(backoffDelayMs(3, { random: () => 0 })).toBe(0);
    expect(backoffDelayMs(3, { random: () => 0.5 })).toBe(800);
  });

  it('spreads retries over at least the reset window', () => {
    expect(backoffDelayMs(0, { random: () => 1, resetSeconds: 2 })).toBe(2000);
  });
});
