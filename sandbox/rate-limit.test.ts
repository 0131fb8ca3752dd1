import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders } from '../lib/klarna/rate-limit';
import { faultsFromEnv } from './faults';
import { SandboxRateLimiter } from './rate-limit';

describe('sandbox rate limiter', () => {
  it('holds one second of quota per level, refills with time, and names the level closest to exhaustion first', () => {
    let now = 0;
    const limiter = new SandboxRateLimiter('playground', () => now); // partner-management: 5/s per account, 12/s overall
    const verdicts = Array.from({ length: 6 }, () => limiter.check('partner-management', 'acct-1'));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, true, true, false]);
    expect(verdicts[0]!.headers).toEqual({
      'X-Ratelimit-Limit': '5, 12;w=1;name="psp_partner-management",5;w=1;name="account_partner-management"',
      'X-Ratelimit-Remaining': '4',
      'X-Ratelimit-Reset': '1',
    });
    expect(parseRateLimitHeaders(new Headers(verdicts[5]!.headers))).toMatchObject({ remaining: 0, resetSeconds: 1 });
    // Another account still has its own quota, within the acquiring partner's 12.
    expect(limiter.check('partner-management', 'acct-2').allowed).toBe(true);
    now += 200; // one more token for acct-1
    expect(limiter.check('partner-management', 'acct-1').allowed).toBe(true);
    expect(limiter.check('partner-management', 'acct-1').allowed).toBe(false);
  });

  it('skips a level whose limit is 0 and can be switched off', () => {
    const limiter = new SandboxRateLimiter('playground', () => 0);
    // settlement: partner 0, acquiring partner 37
    expect(limiter.check('settlement', 'acct-1').headers['X-Ratelimit-Limit']).toBe('37, 37;w=1;name="psp_settlement"');
    limiter.set({ profile: 'off' });
    expect(Array.from({ length: 100 }, () => limiter.check('settlement', null).allowed).every(Boolean)).toBe(true);
    expect(limiter.check('settlement', null).headers).toEqual({});
  });

  it('answers 429 during an injected burst without spending quota', () => {
    const limiter = new SandboxRateLimiter('playground', () => 0);
    expect(limiter.check('dispute', null, true)).toMatchObject({
      allowed: false,
      headers: { 'X-Ratelimit-Remaining': '0' },
    });
    expect(limiter.check('dispute', null).headers['X-Ratelimit-Remaining']).toBe('11');
  });
});

describe('fault settings from the environment', () => {
  it('reads the rates and rejects nonsense', () => {
    expect(
      faultsFromEnv({
        SANDBOX_LATENCY_MS: '25',
        SANDBOX_ERROR_RATE: '0.1',
        SANDBOX_DROP_RATE: '',
        SANDBOX_WEBHOOK_FAILURE_RATE: '0.5',
      }),
    ).toEqual({ latency_ms: 25, error_rate: 0.1, webhook_failure_rate: 0.5 });
    expect(() => faultsFromEnv({ SANDBOX_ERROR_RATE: 'lots' })).toThrow(/SANDBOX_ERROR_RATE/);
    expect(() => faultsFromEnv({ SANDBOX_DROP_RATE: '2' })).toThrow(/drop_rate/);
  });
});
