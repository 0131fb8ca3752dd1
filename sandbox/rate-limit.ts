import { z } from 'zod';
import { apiCategories, seedRateLimits, type ApiCategory, type CategoryLimits } from '../lib/klarna/rate-limit';

/**
 * Klarna's rate limiting as the sandbox enforces it (seed, "Rate limiting"): a token bucket per
 * category at the acquiring-partner level (every call) and per category and
 * `Klarna-Partner-Account` at the partner level; a level whose limit is 0 is skipped. Each
 * bucket holds one second of quota. Buckets run on real time (advancing the sandbox clock does
 * not refill them).
 */
export const rateLimitProfiles = {
  playground: seedRateLimits.playground,
  production: seedRateLimits.production,
  /** Every level 0: nothing is limited. */
  off: Object.fromEntries(apiCategories.map((c) => [c, { partner: 0, acquiringPartner: 0 }])) as CategoryLimits,
} satisfies Record<string, CategoryLimits>;
export type RateLimitProfile = keyof typeof rateLimitProfiles;

const levelSchema = z.strictObject({ partner: z.number().min(0), acquiringPartner: z.number().min(0) });
export const categoryLimitsSchema = z.strictObject(
  Object.fromEntries(apiCategories.map((c) => [c, levelSchema.optional()])) as Record<
    ApiCategory,
    z.ZodOptional<typeof levelSchema>
  >,
);
export const rateLimitChangeSchema = z.union([
  z.strictObject({ profile: z.enum(Object.keys(rateLimitProfiles) as [RateLimitProfile, ...RateLimitProfile[]]) }),
  z.strictObject({ limits: categoryLimitsSchema }),
]);

class Bucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  constructor(
    readonly rate: number,
    now: number,
  ) {
    this.capacity = Math.max(1, rate);
    this.tokens = this.capacity;
    this.last = now;
  }
  refill(now: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    return this.tokens;
  }
  take(): void {
    this.tokens -= 1;
  }
}

export type RateLimitVerdict = { allowed: boolean; headers: Record<string, string> };

export class SandboxRateLimiter {
  private limits: CategoryLimits;
  private buckets = new Map<string, Bucket>();

  constructor(
    initial: CategoryLimits | RateLimitProfile = 'playground',
    private readonly now: () => number = () => performance.now(),
  ) {
    this.limits = structuredClone(typeof initial === 'string' ? rateLimitProfiles[initial] : initial);
  }

  get(): CategoryLimits {
    return structuredClone(this.limits);
  }

  /** A profile name, or a (partial) table merged over the current one. Buckets start afresh. */
  set(change: z.infer<typeof rateLimitChangeSchema>): CategoryLimits {
    this.limits =
      'profile' in change
        ? structuredClone(rateLimitProfiles[change.profile])
        : { ...this.limits, ...(change.limits as Partial<CategoryLimits>) };
    this.buckets.clear();
    return this.get();
  }

  reset(): void {
    this.buckets.clear();
  }

  /**
   * Checks one request and takes a token at every level when all have one. `forceLimited` (an
   * injected 429 burst) answers 429 without touching the buckets.
   */
  check(category: ApiCategory, accountId: string | null, forceLimited = false): RateLimitVerdict {
    const now = this.now();
    const { partner, acquiringPartner } = this.limits[category];
    const levels: { name: string; quota: number; bucket: Bucket }[] = [];
    if (acquiringPartner > 0)
      levels.push({
        name: `psp_${category}`,
        quota: acquiringPartner,
        bucket: this.bucket(`psp:${category}`, acquiringPartner, now),
      });
    if (accountId && partner > 0)
      levels.push({
        name: `account_${category}`,
        quota: partner,
        bucket: this.bucket(`account:${category}:${accountId}`, partner, now),
      });

    const available = levels.map((l) => l.bucket.refill(now));
    const allowed = !forceLimited && available.every((tokens) => tokens >= 1);
    if (allowed) levels.forEach((l) => l.bucket.take());
    if (levels.length === 0) return { allowed, headers: {} };

    // The first item is the quota closest to exhaustion (seed, "Rate limit quota policy").
    const remaining = levels.map((l, i) => Math.max(0, Math.floor(available[i]! - (allowed ? 1 : 0))));
    let closest = 0;
    remaining.forEach((r, i) => {
      if (r / levels[i]!.quota < remaining[closest]! / levels[closest]!.quota) closest = i;
    });
    const policies = levels.map((l) => `${l.quota};w=1;name="${l.name}"`).join(',');
    return {
      allowed,
      headers: {
        'X-Ratelimit-Limit': `${levels[closest]!.quota}, ${policies}`,
        'X-Ratelimit-Remaining': String(forceLimited ? 0 : remaining[closest]),
        'X-Ratelimit-Reset': '1',
      },
    };
  }

  private bucket(key: string, rate: number, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.rate !== rate) {
      bucket = new Bucket(rate, now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
