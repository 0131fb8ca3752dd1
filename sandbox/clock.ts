/**
 * Sandbox time: real time plus an offset that tests move forward (`POST /_sandbox/clock`).
 * Everything with a date in the sandbox reads it from here: created_at, idempotency expiry,
 * webhook retry due times. Rate-limit buckets use real time, so advancing the clock never
 * refills a quota.
 */
export class SandboxClock {
  constructor(private offsetMs = 0) {}

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  iso(): string {
    return this.now().toISOString();
  }

  get offset(): number {
    return this.offsetMs;
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('advance_seconds must be a number ≥ 0');
    this.offsetMs += seconds * 1000;
  }

  /** Jumps to an instant; going backwards is allowed (tests may want it) but rarely wise. */
  set(instant: Date): void {
    if (Number.isNaN(instant.getTime())) throw new RangeError('now must be an ISO 8601 instant');
    this.offsetMs = instant.getTime() - Date.now();
  }

  reset(offsetMs = 0): void {
    this.offsetMs = offsetMs;
  }
}
