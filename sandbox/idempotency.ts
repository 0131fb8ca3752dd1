import type { SandboxClock } from './clock';
import { sandboxErrors } from './errors';
import type { SandboxStore } from './state/store';

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export type OperationResult = { status: number; body?: unknown };

/**
 * `Klarna-Idempotency-Key` on POST and PATCH (seed, "Idempotency"): the first definitive
 * answer (2xx or 4xx) under a key is stored for 24 h of sandbox time, scoped to the partner
 * account, and a repeat gets that answer back, whatever its body says (klarna-api-notes.md).
 * 5xx and 429 answers are not stored, so a retry runs again. Two requests with the same key
 * at once never both run: the second waits for the first.
 */
export class IdempotencyStore {
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: SandboxStore,
    private readonly clock: SandboxClock,
  ) {}

  /** The header's value, or null when absent; 400 VALIDATION_ERROR when it is not 1–255 characters. */
  static readKey(raw: string | undefined): string | null {
    if (raw === undefined) return null;
    if (raw.length < 1 || raw.length > 255) {
      throw sandboxErrors.validation([
        { parameter: 'Klarna-Idempotency-Key', error_message: 'must be 1 to 255 characters' },
      ]);
    }
    return raw;
  }

  async run(
    key: string,
    request: { method: string; path: string },
    execute: () => Promise<OperationResult>,
  ): Promise<{ result: OperationResult; replayed: boolean }> {
    const scoped = `${this.store.partnerAccountId}:${key}`;
    for (;;) {
      const record = this.store.data.idempotency[scoped];
      if (record && record.expires_at_ms > this.clock.nowMs())
        return { result: { status: record.status, body: record.body }, replayed: true };
      if (record) delete this.store.data.idempotency[scoped];
      const other = this.running.get(scoped);
      if (!other) break;
      await other.catch(() => undefined);
    }

    const run = execute();
    this.running.set(scoped, run);
    try {
      const result = await run;
      if (result.status < 500 && result.status !== 429) {
        const now = this.clock.nowMs();
        this.store.data.idempotency[scoped] = {
          status: result.status,
          body: result.body,
          method: request.method,
          path: request.path,
          created_at_ms: now,
          expires_at_ms: now + IDEMPOTENCY_TTL_MS,
        };
        this.store.changed();
      }
      return { result, replayed: false };
    } finally {
      this.running.delete(scoped);
    }
  }
}
