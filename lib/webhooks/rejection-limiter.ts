import 'server-only';
import type { Db } from '@/db/client';
import { webhookEvents } from '@/db/schema';
import { formatDateTime } from '@/lib/ui/format';

/** Token buckets per source and overall (X-Forwarded-For can be forged); valid deliveries never touch them. */
export type RejectionLimits = {
  perSourcePerMinute: number;
  perSourceBurst: number;
  overallPerMinute: number;
  overallBurst: number;
};

export const defaultRejectionLimits: RejectionLimits = {
  perSourcePerMinute: 30,
  perSourceBurst: 30,
  overallPerMinute: 300,
  overallBurst: 300,
};

/** Distinct addresses counted between two flushes; later new ones are counted together. */
const MAX_COUNTED_SOURCES = 1000;
const OTHER_SOURCES = '\u0000others';
const UNKNOWN_SOURCE = '\u0000unknown';

type Bucket = { tokens: number; at: number };
type NotStored = { count: number; first: number; last: number; sources: Set<string> | null };

/** Stores or only counts a rejected delivery; in memory per instance, so N instances store up to N times the limits. */
export class RejectionLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private overall: Bucket;
  private notStored = new Map<string, NotStored>();

  constructor(
    readonly limits: RejectionLimits = defaultRejectionLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.overall = { tokens: limits.overallBurst, at: now() };
  }

  take(source: string | null): boolean {
    const key = source ?? UNKNOWN_SOURCE;
    const t = this.now();
    const mine = this.buckets.get(key) ?? { tokens: this.limits.perSourceBurst, at: t };
    refill(mine, t, this.limits.perSourcePerMinute, this.limits.perSourceBurst);
    refill(this.overall, t, this.limits.overallPerMinute, this.limits.overallBurst);
    if (mine.tokens < 1 || this.overall.tokens < 1) {
      this.remember(key, mine);
      return false;
    }
    mine.tokens -= 1;
    this.overall.tokens -= 1;
    this.remember(key, mine);
    return true;
  }

  countNotStored(source: string | null): void {
    const t = this.now();
    let key = source ?? UNKNOWN_SOURCE;
    if (!this.notStored.has(key) && this.notStored.size >= MAX_COUNTED_SOURCES) key = OTHER_SOURCES;
    const entry = this.notStored.get(key) ?? {
      count: 0,
      first: t,
      last: t,
      sources: key === OTHER_SOURCES ? new Set<string>() : null,
    };
    entry.count += 1;
    entry.last = t;
    if (entry.sources && entry.sources.size < 100_000) entry.sources.add(source ?? 'unknown');
    this.notStored.set(key, entry);
  }

  pendingCount(): number {
    let n = 0;
    for (const entry of this.notStored.values()) n += entry.count;
    return n;
  }

  /** Writes one summary row per address; a failed write keeps the counts for the next flush. */
  async flush(db: Db): Promise<number> {
    if (this.notStored.size === 0) return 0;
    const taken = this.notStored;
    this.notStored = new Map();
    const rows = [...taken].map(([key, entry]) => {
      const from =
        key === OTHER_SOURCES
          ? `${entry.sources!.size.toLocaleString('en-GB')} other addresses`
          : key === UNKNOWN_SOURCE
            ? 'an unknown address'
            : key;
      const deliveries = `${entry.count.toLocaleString('en-GB')} more rejected deliver${entry.count === 1 ? 'y' : 'ies'}`;
      const span =
        entry.first === entry.last
          ? `at ${formatDateTime(new Date(entry.first))} UTC`
          : `from ${formatDateTime(new Date(entry.first))} to ${formatDateTime(new Date(entry.last))} UTC`;
      return {
        verdict: 'rejected' as const,
        status: 'rejected' as const,
        rejectReason: `${deliveries} from ${from} not stored (over ${this.limits.perSourcePerMinute} stored per minute from one address, ${this.limits.overallPerMinute} from all), ${span}`,
        sourceIp: key === OTHER_SOURCES || key === UNKNOWN_SOURCE ? null : key,
        headers: {},
        rawBody: '',
        notStoredCount: entry.count,
      };
    });
    try {
      await db.insert(webhookEvents).values(rows);
    } catch (error) {
      for (const [key, entry] of taken) {
        const now = this.notStored.get(key);
        this.notStored.set(
          key,
          now ? { ...now, count: now.count + entry.count, first: Math.min(now.first, entry.first) } : entry,
        );
      }
      throw error;
    }
    return rows.length;
  }

  private remember(key: string, bucket: Bucket) {
    this.buckets.set(key, bucket);
    // Addresses whose bucket is full again carry no state worth keeping.
    if (this.buckets.size > 10_000) {
      const t = this.now();
      for (const [k, b] of this.buckets) {
        refill(b, t, this.limits.perSourcePerMinute, this.limits.perSourceBurst);
        if (b.tokens >= this.limits.perSourceBurst) this.buckets.delete(k);
      }
    }
  }
}

function refill(bucket: Bucket, t: number, perMinute: number, burst: number) {
  bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 60_000) * perMinute);
  bucket.at = t;
}

const globalForLimiter = globalThis as unknown as { __webhookRejectionLimiter?: RejectionLimiter };

/** The process's limiter (module graphs of Next.js and the production server share it). */
export function appRejectionLimiter(): RejectionLimiter {
  globalForLimiter.__webhookRejectionLimiter ??= new RejectionLimiter();
  return globalForLimiter.__webhookRejectionLimiter;
}
