import { SandboxClock } from './clock';
import { Faults, type FaultConfig } from './faults';
import { IdempotencyStore } from './idempotency';
import { SandboxRateLimiter, type RateLimitProfile } from './rate-limit';
import { activateDueAccounts, clampPendingActivations } from './state/accounts';
import { expireDuePayments } from './state/payments';
import { queueEvent, type EmitEventInput, type EmittedEvent } from './state/events';
import type { SandboxHost } from './state/host';
import { closeDueSettlements } from './state/settlements';
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
  /** How long a newly onboarded account stays PARTIALLY_OPERATIONAL, in ms of sandbox time (default 2000). */
  accountActivationMs?: number;
};

export const DEFAULT_ACCOUNT_ACTIVATION_MS = 2000;
/** How often due account activations are looked for (real time). */
const ACTIVATION_TICK_MS = 200;

function validActivationMs(ms: number): number {
  if (!Number.isInteger(ms) || ms < 0)
    throw new RangeError('the account activation delay must be a whole number of milliseconds ≥ 0');
  return ms;
}

/** Everything a sandbox instance holds; route handlers get it as `ctx.sandbox`. */
export class SandboxRuntime implements SandboxHost {
  private activationTimer: NodeJS.Timeout | null = null;
  private activationMs = DEFAULT_ACCOUNT_ACTIVATION_MS;

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
    const dispatcher = new WebhookDispatcher(store, clock, faults, {
      timeScale: options.webhookTimeScale,
      attemptTimeoutMs: options.webhookTimeoutMs,
    });
    const runtime = new SandboxRuntime(
      clock,
      store,
      faults,
      rateLimiter,
      new IdempotencyStore(store, clock),
      dispatcher,
    );
    runtime.setAccountActivationMs(options.accountActivationMs ?? DEFAULT_ACCOUNT_ACTIVATION_MS);
    return runtime;
  }

  /** The delay given to accounts onboarded from now on (pending ones keep their due time). */
  get accountActivationMs(): number {
    return this.activationMs;
  }

  setAccountActivationMs(ms: number): void {
    this.activationMs = validActivationMs(ms);
  }

  /**
   * Makes every onboarded account whose activation is due by the sandbox clock OPERATIONAL
   * (emitting its webhook). A ticker calls it; the control API calls it after moving the clock.
   */
  activateDueAccounts(): number {
    return activateDueAccounts(this);
  }

  /** After the clock moved back: accounts being set up are due within the activation delay of the new time. */
  clampPendingActivations(): number {
    return clampPendingActivations(this);
  }

  /**
   * Applies the sandbox clock to payments: requests past 48 h (or their token's 60 min) expire,
   * authorizations expire, the 7-day grace ends, completed transactions reach end of life.
   * The ticker calls it; the control API calls it after moving the clock.
   */
  expireDuePayments(): void {
    expireDuePayments(this);
  }

  /**
   * Closes every settlement period that has ended by the sandbox clock (DAILY: the UTC day,
   * WEEKLY: the ISO week), creating its reports and `settlement.report.created` webhooks.
   * The ticker calls it; the control API calls it after moving the clock.
   */
  closeDueSettlements(): number {
    return closeDueSettlements(this).length;
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

  /** Clears all state (a new partner account, the clock back to real time); keeps faults, limits, time scale and activation delay. */
  async reset(): Promise<void> {
    await this.dispatcher.reset();
    this.store.reset();
    this.rateLimiter.reset();
  }

  start(): void {
    this.dispatcher.start();
    if (!this.activationTimer) {
      // Pending activations live in the state, so they also complete after a restart.
      this.activationTimer = setInterval(() => this.tick(), ACTIVATION_TICK_MS);
      this.activationTimer.unref();
      this.tick();
    }
  }

  private tick(): void {
    try {
      this.activateDueAccounts();
    } catch (error) {
      console.error('sandbox: activating accounts failed', error);
    }
    try {
      this.expireDuePayments();
    } catch (error) {
      console.error('sandbox: expiring payments failed', error);
    }
    try {
      this.closeDueSettlements();
    } catch (error) {
      console.error('sandbox: closing settlement periods failed', error);
    }
  }

  async stop(): Promise<void> {
    if (this.activationTimer) clearInterval(this.activationTimer);
    this.activationTimer = null;
    await this.dispatcher.stop();
    await this.store.flush();
  }
}
