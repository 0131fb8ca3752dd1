import { z } from 'zod';

/**
 * Injected faults, so tests and the dashboard meet what a real network and a real Klarna do.
 * An injected 500 comes either before the effect (nothing happened) or after it (the effect
 * applied and its idempotency record stored, but the answer replaced by a 500); a dropped
 * connection always comes after the effect. That is what makes retrying with the same
 * idempotency key meaningful.
 */
/**
 * A scripted fault: the next `times` API requests of one operation (and, with `path_contains`,
 * only those whose path contains it, e.g. a transaction id) meet `fault`, whatever the rates
 * say. Tests use it to lose the answer of one capture while every other request goes through.
 */
export const faultRuleSchema = z.strictObject({
  operation: z.string().min(1).max(100),
  path_contains: z.string().min(1).max(500).optional(),
  /** `unavailable`: 503 SERVICE_UNAVAILABLE before the effect (the Merchant Card Service lists 503). */
  fault: z.enum(['error-before', 'error-after', 'drop', 'unavailable']),
  times: z.number().int().min(1).max(1_000),
});
export type FaultRule = z.infer<typeof faultRuleSchema>;

export const faultConfigSchema = z.strictObject({
  /** Added to every API request before it is handled. */
  latency_ms: z.number().int().min(0).max(120_000),
  /** Share of API requests answered 500 INTERNAL_ERROR (half before, half after the effect). */
  error_rate: z.number().min(0).max(1),
  /** The next N API requests are answered 429 RATE_LIMITED, whatever the quota says. */
  rate_limit_burst: z.number().int().min(0),
  /** Share of API requests whose connection is destroyed without an answer (after the effect). */
  drop_rate: z.number().min(0).max(1),
  /** Share of webhook delivery attempts that fail without being sent. */
  webhook_failure_rate: z.number().min(0).max(1),
  /** Scripted faults, first match wins; each is dropped once used up. */
  rules: z.array(faultRuleSchema).max(100),
});
export type FaultConfig = z.infer<typeof faultConfigSchema>;

export const noFaults: FaultConfig = {
  latency_ms: 0,
  error_rate: 0,
  rate_limit_burst: 0,
  drop_rate: 0,
  webhook_failure_rate: 0,
  rules: [],
};

/** Reads SANDBOX_LATENCY_MS, SANDBOX_ERROR_RATE, SANDBOX_DROP_RATE, SANDBOX_WEBHOOK_FAILURE_RATE. */
export function faultsFromEnv(env: Record<string, string | undefined> = process.env): Partial<FaultConfig> {
  const out: Partial<FaultConfig> = {};
  const read = (name: string, key: Exclude<keyof FaultConfig, 'rules'>) => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
    out[key] = value;
  };
  read('SANDBOX_LATENCY_MS', 'latency_ms');
  read('SANDBOX_ERROR_RATE', 'error_rate');
  read('SANDBOX_DROP_RATE', 'drop_rate');
  read('SANDBOX_WEBHOOK_FAILURE_RATE', 'webhook_failure_rate');
  const parsed = faultConfigSchema.partial().safeParse(out);
  if (!parsed.success)
    throw new Error(
      `bad sandbox fault settings: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** What happens to one API request. */
export type FaultDecision = 'none' | 'error-before' | 'error-after' | 'drop' | 'unavailable';

export class Faults {
  private config: FaultConfig;

  constructor(
    initial: Partial<FaultConfig> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.config = faultConfigSchema.parse({ ...noFaults, ...initial });
  }

  get(): FaultConfig {
    return { ...this.config, rules: this.config.rules.map((r) => ({ ...r })) };
  }

  /** Appends a scripted fault (tests running side by side each add their own). */
  addRule(rule: FaultRule): FaultConfig {
    this.config = faultConfigSchema.parse({ ...this.config, rules: [...this.config.rules, rule] });
    return this.get();
  }

  /** Merges a partial change; throws a ZodError on bad values. */
  set(change: Partial<FaultConfig>): FaultConfig {
    this.config = faultConfigSchema.parse({ ...this.config, ...change });
    return this.get();
  }

  latency(): Promise<void> {
    const ms = this.config.latency_ms;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }

  /** Consumes one unit of an injected 429 burst, if any is left. */
  takeRateLimitBurst(): boolean {
    if (this.config.rate_limit_burst <= 0) return false;
    this.config.rate_limit_burst -= 1;
    return true;
  }

  /** What happens to one request of `operation` at `path`: a scripted rule first, else the rates. */
  decide(operation?: string, path?: string): FaultDecision {
    const index =
      operation === undefined
        ? -1
        : this.config.rules.findIndex(
            (r) =>
              r.operation === operation && (r.path_contains === undefined || (path ?? '').includes(r.path_contains)),
          );
    if (index >= 0) {
      const rule = this.config.rules[index]!;
      this.config.rules =
        rule.times > 1
          ? this.config.rules.map((r, i) => (i === index ? { ...r, times: r.times - 1 } : r))
          : this.config.rules.filter((_, i) => i !== index);
      return rule.fault;
    }
    const { error_rate, drop_rate } = this.config;
    if (error_rate === 0 && drop_rate === 0) return 'none';
    const r = this.random();
    if (r < error_rate) return r < error_rate / 2 ? 'error-before' : 'error-after';
    if (r < error_rate + drop_rate) return 'drop';
    return 'none';
  }

  webhookAttemptFails(): boolean {
    return this.config.webhook_failure_rate > 0 && this.random() < this.config.webhook_failure_rate;
  }
}
