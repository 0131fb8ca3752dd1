import { SandboxClock } from './clock';
import { Faults, type FaultConfig } from './faults';
import { IdempotencyStore } from './idempotency';
import { SandboxRateLimiter, type RateLimitProfile } from './rate-limit';
import { queueEvent, type EmitEventInput, type EmittedEvent } from './state/events';
import { SandboxStore } from './state/store';
import { WebhookDispatcher } from './webhooks/dispatcher';
import type { CategoryLimits } from '../lib/klarna/rate-limit';

export type SandboxRuntimeOptions = {
  /** Where state.json lives; null keeps everything in memory. */
  dataDir?: string | null;
  faults?: Partial<FaultConfig>;
  /** A table, or a profile: `playground` (default, the seed's numbers), `production`, `off`. */
  rateLimits?: CategoryLimits | RateLimitProfile;
  webhookTimeScale?: number;
  webhookTimeoutMs?: number;
};

/** Everything a sandbox instance holds; route handlers get it as `ctx.sandbox`. */
export class SandboxRuntime {
  private constructor(
    readonly clock: SandboxClock,
    readonly store: SandboxStore,
    readonly faults: Faults,
    readonly rateLimiter: SandboxRateLimiter,
    readonly idempotency: IdempotencyStore,
    readonly dispatcher: WebhookDispatcher,
  ) {}

  static async create(options: SandboxRuntimeOptions = {}): Promise<SandboxRuntime> {
    const clock = new SandboxClock();
    const store = await SandboxStore.open(options.dataDir ?? null, clock);
    const faults = new Faults(options.faults);
    const rateLimiter = new SandboxRateLimiter(options.rateLimits ?? 'playground');
    const dispatcher = new WebhookDispatcher(store, clock, faults, { timeScale: options.webhookTimeScale, attemptTimeoutMs: options.webhookTimeoutMs });
    return new SandboxRuntime(clock, store, faults, rateLimiter, new IdempotencyStore(store, clock), dispatcher);
  }

  /**
   * Sends an event to every ENABLED webhook whose patterns match it (or to `webhookId` only).
   * The other API groups (payments, accounts, settlements) call this when something happens.
   */
  emitEvent(input: EmitEventInput, options: { webhookId?: string } = {}): EmittedEvent {
    const emitted = queueEvent(this.store, this.clock, input, options);
    this.dispatcher.kick();
    return emitted;
  }

  /** Clears all state (a new partner account, the clock back to real time); keeps faults, limits and time scale. */
  async reset(): Promise<void> {
    await this.dispatcher.reset();
    this.store.reset();
    this.rateLimiter.reset();
  }

  start(): void {
    this.dispatcher.start();
  }

  async stop(): Promise<void> {
    await this.dispatcher.stop();
    await this.store.flush();
  }
}
