/** Rate limits per category and level (seed, "Rate limiting"): token buckets keep 429s rare; a 429 backs off. */

export const apiCategories = [
  'account-onboarding',
  'payment-transaction-capture',
  'payment-transaction-management',
  'dispute',
  'settlement',
  'partner-management',
] as const;
export type ApiCategory = (typeof apiCategories)[number];

export type CategoryLimits = Record<ApiCategory, { partner: number; acquiringPartner: number }>;

/** Requests per second. A partner-level 0 means sub-partners cannot call that category at all. */
export const seedRateLimits: Record<'production' | 'playground', CategoryLimits> = {
  production: {
    'account-onboarding': { partner: 0, acquiringPartner: 10 },
    'payment-transaction-capture': { partner: 50, acquiringPartner: 200 },
    'payment-transaction-management': { partner: 200, acquiringPartner: 500 },
    dispute: { partner: 20, acquiringPartner: 50 },
    settlement: { partner: 0, acquiringPartner: 150 },
    'partner-management': { partner: 20, acquiringPartner: 50 },
  },
  playground: {
    'account-onboarding': { partner: 0, acquiringPartner: 5 },
    'payment-transaction-capture': { partner: 12, acquiringPartner: 50 },
    'payment-transaction-management': { partner: 50, acquiringPartner: 125 },
    dispute: { partner: 5, acquiringPartner: 12 },
    settlement: { partner: 0, acquiringPartner: 37 },
    'partner-management': { partner: 5, acquiringPartner: 12 },
  },
};

export type Clock = { now(): number; sleep(ms: number): Promise<void> };
export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A token bucket of reservations: take a token now (balance may go negative), wait until it refills. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number = ratePerSecond,
    private readonly clock: Clock = realClock,
  ) {
    if (!(ratePerSecond > 0)) throw new Error('rate must be above 0');
    this.tokens = capacity;
    this.last = clock.now();
  }

  reserve(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.ratePerSecond) * 1000;
  }
}

export class KlarnaRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limits: CategoryLimits,
    private readonly clock: Clock = realClock,
  ) {}

  async acquire(category: ApiCategory, accountId?: string | null): Promise<void> {
    const { partner, acquiringPartner } = this.limits[category];
    let wait = this.bucket(category, acquiringPartner).reserve();
    if (accountId && partner > 0) wait = Math.max(wait, this.bucket(`${category}:${accountId}`, partner).reserve());
    if (wait > 0) await this.clock.sleep(wait);
  }

  private bucket(key: string, rate: number): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(rate, rate, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

export type RateLimitPolicy = { quota: number; windowSeconds: number; name: string | null };
export type RateLimitInfo = { policies: RateLimitPolicy[]; remaining: number | null; resetSeconds: number | null };

/** Reads `X-Ratelimit-Limit`, `-Remaining` and `-Reset`; best-effort at Klarna, so unreadable values are dropped. */
export function parseRateLimitHeaders(headers: Pick<Headers, 'get'>): RateLimitInfo {
  const policies: RateLimitPolicy[] = [];
  for (const item of (headers.get('x-ratelimit-limit') ?? '').split(',')) {
    const [quotaPart, ...params] = item.trim().split(';');
    const quota = Number(quotaPart);
    if (!quotaPart || !Number.isFinite(quota) || params.length === 0) continue;
    const attrs = Object.fromEntries(params.map((p) => p.trim().split('=') as [string, string | undefined]));
    policies.push({ quota, windowSeconds: Number(attrs.w ?? 1) || 1, name: attrs.name?.replace(/^"|"$/g, '') ?? null });
  }
  const num = (name: string) => {
    const value = headers.get(name);
    return value !== null && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : null;
  };
  return { policies, remaining: num('x-ratelimit-remaining'), resetSeconds: num('x-ratelimit-reset') };
}

/** Full-jitter exponential back-off, spread over at least Klarna's reset window so retries do not land together. */
export function backoffDelayMs(
  attempt: number,
  options: { baseMs?: number; capMs?: number; resetSeconds?: number | null; random?: () => number } = {},
): number {
  const { baseMs = 200, capMs = 20_000, resetSeconds = null, random = Math.random } = options;
  const ceiling = Math.max(Math.min(capMs, baseMs * 2 ** attempt), (resetSeconds ?? 0) * 1000);
  return random() * ceiling;
}
