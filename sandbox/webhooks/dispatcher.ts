import { signWebhookBody } from '../../lib/klarna/signature';
import type { SandboxClock } from '../clock';
import type { Faults } from '../faults';
import type { SandboxStore } from '../state/store';
import type { DeliveryRecord } from '../state/types';

/**
 * Klarna's retries (seed 002 l. 588–600): 10 s after the first failure, 2 min after that, 15 min
 * after that, then at 3 h, 6 h and finally 12 h, which "can extend up to 12 hours" in all: the
 * last three are times since the first failure, so the whole schedule ends 12 h after it. Each
 * entry is the gap before the next attempt, in seconds; they add up to exactly 12 h.
 */
const RETRY_AT_SECONDS = [10, 10 + 120, 10 + 120 + 15 * 60, 3 * 3600, 6 * 3600, 12 * 3600] as const;
export const RETRY_DELAYS_SECONDS = RETRY_AT_SECONDS.map((at, i) => at - (i === 0 ? 0 : RETRY_AT_SECONDS[i - 1]!));
const DELIVERED_STATUSES = new Set([200, 201, 202, 204]);
const PUMP_INTERVAL_MS = 20;

export type DispatcherOptions = {
  /** Retry delays are divided by this (10 → the 2 min retry comes after 12 s). */
  timeScale?: number;
  /** A receiver that has not answered after this long has failed the attempt. */
  attemptTimeoutMs?: number;
  fetch?: typeof fetch;
};

/**
 * Sends queued webhook deliveries: a pump (an unref'd timer) runs every attempt whose time has
 * come by the sandbox clock, so advancing the clock makes retries due. Every attempt is
 * recorded on its delivery; pending deliveries live in the persisted state and resume after a
 * restart (one interrupted mid-flight is attempted again).
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Map<string, Promise<void>>();
  private stopping = new AbortController();
  private scale: number;
  private readonly attemptTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(
    private readonly store: SandboxStore,
    private readonly clock: SandboxClock,
    private readonly faults: Faults,
    options: DispatcherOptions = {},
  ) {
    this.scale = validScale(options.timeScale ?? 1);
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  get timeScale(): number {
    return this.scale;
  }

  setTimeScale(scale: number): void {
    this.scale = validScale(scale);
  }

  start(): void {
    if (this.timer) return;
    this.stopping = new AbortController();
    for (const delivery of Object.values(this.store.data.deliveries)) {
      if (delivery.state === 'in_flight') delivery.state = 'pending';
    }
    this.timer = setInterval(() => this.pump(), PUMP_INTERVAL_MS);
    this.timer.unref();
    this.pump();
  }

  /** Runs due attempts now rather than at the next tick (after an emit or a clock change). */
  kick(): void {
    if (this.timer) setImmediate(() => this.pump());
  }

  /** Stops the pump and abandons attempts under way; they stay pending and run again after a restart. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Forgets attempts under way (after a reset their deliveries no longer exist). */
  async reset(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight.values()]);
    this.stopping = new AbortController();
  }

  private pump(): void {
    if (!this.timer) return;
    const now = this.clock.nowMs();
    for (const delivery of Object.values(this.store.data.deliveries)) {
      if (delivery.state !== 'pending' || delivery.next_attempt_at_ms === null || delivery.next_attempt_at_ms > now)
        continue;
      if (this.inFlight.has(delivery.delivery_id)) continue;
      const run = this.attempt(delivery).finally(() => this.inFlight.delete(delivery.delivery_id));
      this.inFlight.set(delivery.delivery_id, run);
    }
  }

  private async attempt(delivery: DeliveryRecord): Promise<void> {
    const stopSignal = this.stopping.signal;
    delivery.state = 'in_flight';
    const attemptedAt = this.clock.iso();
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;

    if (this.faults.webhookAttemptFails()) {
      error = 'injected failure (webhook_failure_rate)';
    } else {
      try {
        const response = await this.fetchImpl(delivery.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Klarna-Signature': signWebhookBody(delivery.body, delivery.signing_key),
            'Klarna-Signing-Key-Id': delivery.signing_key_id,
            'User-Agent': 'klarna-sandbox-webhooks/1',
          },
          body: delivery.body,
          redirect: 'manual',
          signal: AbortSignal.any([AbortSignal.timeout(this.attemptTimeoutMs), stopSignal]),
        });
        status = response.status;
        await response.arrayBuffer().catch(() => undefined);
      } catch (e) {
        const err = e as Error & { cause?: { code?: string; message?: string } };
        error =
          err.name === 'TimeoutError'
            ? `no answer within ${this.attemptTimeoutMs} ms`
            : (err.cause?.code ?? err.cause?.message ?? err.message);
      }
    }

    if (stopSignal.aborted) {
      // Stopped or reset mid-attempt: not counted; runs again when the sandbox next starts.
      if (delivery.state === 'in_flight') delivery.state = 'pending';
      return;
    }

    const number = delivery.attempts.length + 1;
    const delivered = status !== null && DELIVERED_STATUSES.has(status);
    const delay = delivered ? null : (RETRY_DELAYS_SECONDS[number - 1] ?? null);
    const nextAt = delay === null ? null : this.clock.nowMs() + (delay * 1000) / this.scale;
    delivery.state = delivered ? 'delivered' : delay === null ? 'failed' : 'pending';
    delivery.next_attempt_at_ms = nextAt;
    delivery.attempts.push({
      attempt: number,
      attempted_at: attemptedAt,
      status,
      error: error ?? (delivered ? null : `receiver answered ${status}`),
      duration_ms: Math.round(performance.now() - started),
      retry_delay_seconds: delay,
      next_attempt_at: nextAt === null ? null : new Date(nextAt).toISOString(),
      state: delivery.state,
    });
    this.store.changed();
  }
}

function validScale(scale: number): number {
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError('webhook time scale must be a number above 0');
  return scale;
}
