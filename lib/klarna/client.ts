import type { z } from 'zod';
import { KlarnaApiError, KlarnaNetworkError } from './errors';
import {
  backoffDelayMs,
  parseRateLimitHeaders,
  realClock,
  type ApiCategory,
  type Clock,
  type KlarnaRateLimiter,
} from './rate-limit';
import { redact } from './redact';

export type KlarnaRequest<T> = {
  operation: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  category: ApiCategory;
  /** Acting for a sub-partner: sent as `Klarna-Partner-Account`, and paced by its own limit. */
  accountId?: string | null;
  body?: unknown;
  /** Required on POST and PATCH: see lib/klarna/idempotency.ts. */
  idempotencyKey?: string;
  correlationId?: string;
  /** Headers an operation needs besides ours (the Merchant Card Service's `KeyId`). */
  headers?: Record<string, string>;
  /** Schema of a 2xx body; unknown fields should be kept (`.loose()`). Omit for 204 answers. */
  response?: z.ZodType<T>;
};

export type KlarnaStreamRequest = Pick<
  KlarnaRequest<never>,
  'operation' | 'path' | 'category' | 'accountId' | 'correlationId'
> & {
  accept: string;
  signal?: AbortSignal;
};

export type KlarnaAttempt = {
  operation: string;
  method: string;
  path: string;
  accountId: string | null;
  attempt: number;
  status: number | null;
  durationMs: number;
  errorCode: string | null;
  errorId: string | null;
  idempotencyKey: string | null;
  correlationId: string | null;
  requestBody: unknown;
  responseBody: unknown;
};

export type KlarnaClientOptions = {
  baseUrl: string;
  apiKey: string;
  limiter: KlarnaRateLimiter;
  /** Klarna answers a request that ran 59 s with a TIMEOUT error; wait a little longer than that. */
  timeoutMs?: number;
  maxAttempts?: number;
  clock?: Clock;
  fetch?: typeof fetch;
  /** Called for every attempt; a failure to record never fails the call. */
  record?: (attempt: KlarnaAttempt) => void | Promise<void>;
  integration?: { name: string; version: string };
};

export class KlarnaResponseShapeError extends Error {
  override name = 'KlarnaResponseShapeError';
}

const IDEMPOTENT_METHODS = new Set(['GET', 'DELETE']);

export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * The only way to talk to Klarna: paced by the rate limiter, 429s retried with back-off, 5xx and
 * network failures retried only when repeating cannot act twice (GET/DELETE or an idempotency key).
 */
export class KlarnaClient {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly clock: Clock;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: KlarnaClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 65_000;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.clock = options.clock ?? realClock;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async request<T = undefined>(req: KlarnaRequest<T>): Promise<T> {
    const mutating = req.method === 'POST' || req.method === 'PATCH';
    if (mutating && !req.idempotencyKey) throw new Error(`${req.operation}: POST and PATCH need an idempotency key`);
    const canRepeat = IDEMPOTENT_METHODS.has(req.method) || Boolean(req.idempotencyKey);
    const url = new URL(req.path, this.options.baseUrl).toString();
    const headers: Record<string, string> = {
      ...req.headers,
      Authorization: `Basic ${this.options.apiKey}`,
      Accept: 'application/json',
      ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(req.idempotencyKey ? { 'Klarna-Idempotency-Key': req.idempotencyKey } : {}),
      ...(req.accountId ? { 'Klarna-Partner-Account': req.accountId } : {}),
      ...(req.correlationId ? { 'Partner-Correlation-Id': req.correlationId } : {}),
      ...(this.options.integration ? { 'Klarna-Integration-Metadata': JSON.stringify(this.options.integration) } : {}),
    };
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);

    for (let attempt = 1; ; attempt++) {
      await this.options.limiter.acquire(req.category, req.accountId);
      const started = this.clock.now();
      let outcome: { response: Response; text: string } | KlarnaNetworkError;
      try {
        const response = await this.fetchImpl(url, {
          method: req.method,
          headers,
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        outcome = { response, text: await response.text() };
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        outcome = new KlarnaNetworkError(
          timedOut ? 'timeout' : 'network',
          `${req.operation}: ${timedOut ? `no answer within ${this.timeoutMs} ms` : (error as Error).message}`,
          req.idempotencyKey ?? null,
        );
      }
      const durationMs = this.clock.now() - started;

      if (outcome instanceof KlarnaNetworkError) {
        await this.recordAttempt(req, attempt, { status: null, durationMs, body: null, error: null });
        if (!canRepeat || attempt >= this.maxAttempts)
          throw new KlarnaNetworkError(
            outcome.kind,
            outcome.message,
            outcome.idempotencyKey,
            req.method !== 'GET',
            attempt,
          );
        await this.clock.sleep(backoffDelayMs(attempt));
        continue;
      }

      const { response, text } = outcome;
      const json = parseJson(text);
      if (response.ok) {
        await this.recordAttempt(req, attempt, { status: response.status, durationMs, body: json, error: null });
        if (!req.response) return undefined as T;
        const parsed = req.response.safeParse(json);
        if (!parsed.success)
          throw new KlarnaResponseShapeError(
            `${req.operation}: unexpected answer from Klarna: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`,
          );
        return parsed.data;
      }

      // A 5xx to a request that changes things may come after Klarna acted (design.md, "Idempotency").
      const outcomeUnknown = req.method !== 'GET' && response.status >= 500;
      const error = KlarnaApiError.fromResponse(response.status, text, {
        idempotencyKey: req.idempotencyKey ?? null,
        operation: req.operation,
        outcomeUnknown,
        attempts: attempt,
      });
      await this.recordAttempt(req, attempt, { status: response.status, durationMs, body: json, error });
      const retry = response.status === 429 || (response.status >= 500 && canRepeat);
      if (!retry || attempt >= this.maxAttempts) throw error;
      const { resetSeconds } = parseRateLimitHeaders(response.headers);
      await this.clock.sleep(backoffDelayMs(attempt, { resetSeconds: response.status === 429 ? resetSeconds : null }));
    }
  }

  /** A settlement CSV can be large: a stream. The timeout bounds the wait for headers; `signal` aborts the download. */
  async stream(req: KlarnaStreamRequest): Promise<Response> {
    const url = new URL(req.path, this.options.baseUrl).toString();
    const logged = { ...req, method: 'GET' as const };
    const headers: Record<string, string> = {
      Authorization: `Basic ${this.options.apiKey}`,
      Accept: req.accept,
      ...(req.accountId ? { 'Klarna-Partner-Account': req.accountId } : {}),
      ...(req.correlationId ? { 'Partner-Correlation-Id': req.correlationId } : {}),
      ...(this.options.integration ? { 'Klarna-Integration-Metadata': JSON.stringify(this.options.integration) } : {}),
    };

    for (let attempt = 1; ; attempt++) {
      await this.options.limiter.acquire(req.category, req.accountId);
      const started = this.clock.now();
      const headersTimeout = new AbortController();
      const timer = setTimeout(
        () => headersTimeout.abort(new DOMException('no answer in time', 'TimeoutError')),
        this.timeoutMs,
      );
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method: 'GET',
          headers,
          signal: req.signal ? AbortSignal.any([req.signal, headersTimeout.signal]) : headersTimeout.signal,
        });
      } catch (error) {
        if (req.signal?.aborted) throw error;
        const timedOut = headersTimeout.signal.aborted;
        const failure = new KlarnaNetworkError(
          timedOut ? 'timeout' : 'network',
          `${req.operation}: ${timedOut ? `no answer within ${this.timeoutMs} ms` : (error as Error).message}`,
        );
        await this.recordAttempt(logged, attempt, {
          status: null,
          durationMs: this.clock.now() - started,
          body: null,
          error: null,
        });
        if (attempt >= this.maxAttempts) throw failure;
        await this.clock.sleep(backoffDelayMs(attempt));
        continue;
      } finally {
        clearTimeout(timer);
      }

      if (response.ok) {
        await this.recordAttempt(logged, attempt, {
          status: response.status,
          durationMs: this.clock.now() - started,
          body: null,
          error: null,
        });
        return response;
      }
      const text = await response.text().catch(() => '');
      const error = KlarnaApiError.fromResponse(response.status, text, { operation: req.operation });
      await this.recordAttempt(logged, attempt, {
        status: response.status,
        durationMs: this.clock.now() - started,
        body: parseJson(text),
        error,
      });
      if (!(response.status === 429 || response.status >= 500) || attempt >= this.maxAttempts) throw error;
      const { resetSeconds } = parseRateLimitHeaders(response.headers);
      await this.clock.sleep(backoffDelayMs(attempt, { resetSeconds: response.status === 429 ? resetSeconds : null }));
    }
  }

  private async recordAttempt(
    req: KlarnaRequest<unknown>,
    attempt: number,
    result: { status: number | null; durationMs: number; body: unknown; error: KlarnaApiError | null },
  ) {
    if (!this.options.record) return;
    try {
      await this.options.record({
        operation: req.operation,
        method: req.method,
        path: req.path,
        accountId: req.accountId ?? null,
        attempt,
        status: result.status,
        durationMs: Math.round(result.durationMs),
        errorCode: result.error?.errorCode ?? null,
        errorId: result.error?.errorId ?? null,
        idempotencyKey: req.idempotencyKey ?? null,
        correlationId: req.correlationId ?? null,
        requestBody: req.body === undefined ? null : redact(req.body),
        responseBody: redact(result.body),
      });
    } catch (error) {
      console.error(`recording the Klarna call ${req.operation} failed`, error);
    }
  }
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
