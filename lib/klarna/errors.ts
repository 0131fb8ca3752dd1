import { klarnaErrorBodySchema, type KlarnaErrorBody } from './schemas/error';

/** Seed 002 l. 4021–4035; the table's first NOT_FOUND row has no type printed: it belongs to the ACCESS_ERROR block. */
export const seedErrorTypes: Readonly<
  Record<string, 'ACCESS_ERROR' | 'RESOURCE_ERROR' | 'INPUT_ERROR' | 'TECHNICAL_ERROR'>
> = {
  NOT_FOUND: 'ACCESS_ERROR',
  UNAUTHORIZED: 'ACCESS_ERROR',
  RESOURCE_NOT_FOUND: 'RESOURCE_ERROR',
  RESOURCE_CONFLICT: 'RESOURCE_ERROR',
  OPERATION_FORBIDDEN: 'RESOURCE_ERROR',
  VALIDATION_ERROR: 'INPUT_ERROR',
  INVALID_CONTENT_TYPE: 'INPUT_ERROR',
  INTERNAL_ERROR: 'TECHNICAL_ERROR',
  TIMEOUT: 'TECHNICAL_ERROR',
};

export type KlarnaParameterError = { parameter: string | null; message: string; docUrl: string | null };

export class KlarnaApiError extends Error {
  override name = 'KlarnaApiError';
  readonly status: number;
  readonly errorId: string | null;
  readonly errorType: string | null;
  readonly errorCode: string | null;
  readonly errors: KlarnaParameterError[];
  readonly errorMessage: string | null;
  readonly idempotencyKey: string | null;
  /** A non-GET request ended on a 5xx after every attempt: Klarna may have acted, so only a read tells. */
  readonly outcomeUnknown: boolean;
  readonly attempts: number;

  constructor(init: {
    status: number;
    body: KlarnaErrorBody | null;
    idempotencyKey?: string | null;
    operation?: string;
    outcomeUnknown?: boolean;
    attempts?: number;
  }) {
    const body = init.body ?? {};
    super(
      `${init.operation ?? 'Klarna request'} failed: ${init.status} ${body.error_code ?? 'no error code'}${body.error_id ? ` (error_id ${body.error_id})` : ''}`,
    );
    this.status = init.status;
    this.errorId = body.error_id ?? null;
    // Klarna's own type when it sends one; else the seed's table by code (RATE_LIMITED is in two blocks, so it stays unknown).
    this.errorType = body.error_type ?? (body.error_code ? (seedErrorTypes[body.error_code] ?? null) : null);
    this.errorCode = body.error_code ?? null;
    this.errorMessage = body.error_message ?? null;
    this.errors = [...(body.errors ?? []), ...(body.validation_errors ?? [])].map((e) => ({
      parameter: e.parameter ?? null,
      message: e.error_message ?? e.reason ?? 'invalid',
      docUrl: e.doc_url ?? null,
    }));
    this.idempotencyKey = init.idempotencyKey ?? null;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    this.attempts = init.attempts ?? 1;
  }

  /** Builds the error from a response body that may be empty or not JSON at all (a 403 from the DDoS rules has none). */
  static fromResponse(
    status: number,
    text: string,
    extra: { idempotencyKey?: string | null; operation?: string; outcomeUnknown?: boolean; attempts?: number } = {},
  ): KlarnaApiError {
    let body: KlarnaErrorBody | null = null;
    try {
      const parsed = klarnaErrorBodySchema.safeParse(JSON.parse(text));
      if (parsed.success) body = parsed.data;
    } catch {
      body = null;
    }
    return new KlarnaApiError({ status, body, ...extra });
  }

  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** No answer (connection failed or timed out): the outcome is unknown, so a retry must reuse the idempotency key. */
export class KlarnaNetworkError extends Error {
  override name = 'KlarnaNetworkError';
  constructor(
    readonly kind: 'timeout' | 'network',
    message: string,
    readonly idempotencyKey: string | null = null,
    /** The request could have changed something (not a GET): see `KlarnaApiError.outcomeUnknown`. */
    readonly outcomeUnknown: boolean = false,
    readonly attempts: number = 1,
  ) {
    super(message);
  }
}

/** Klarna may have acted on a request whose answer never came clear (retries ran out on 5xx, a timeout or a broken connection). */
export function isOutcomeUnknown(
  error: unknown,
): error is (KlarnaApiError | KlarnaNetworkError) & { outcomeUnknown: true } {
  return (error instanceof KlarnaApiError || error instanceof KlarnaNetworkError) && error.outcomeUnknown;
}

const sentences: Record<string, string> = {
  UNAUTHORIZED: 'Klarna did not accept the API key. Check the credentials under Settings → API credentials.',
  OPERATION_FORBIDDEN: 'Klarna refused this: the API key may not do this to this resource.',
  RATE_LIMITED: 'Klarna is receiving too many requests right now. Try again in a moment.',
  RESOURCE_NOT_FOUND: 'Klarna does not know this resource. It may have expired or belong to another account.',
  RESOURCE_CONFLICT: 'Klarna refused this because it conflicts with the current state (it may have changed meanwhile).',
  VALIDATION_ERROR: 'Klarna rejected some of the values.',
  INVALID_CONTENT_TYPE: 'Klarna could not read the request.',
  NOT_FOUND: 'Klarna does not offer this operation at that address.',
  INTERNAL_ERROR: 'Klarna had an internal error.',
  TEMPORARY_UNAVAILABLE: 'Klarna is temporarily unavailable.',
  TIMEOUT: 'Klarna did not finish in time.',
};

export function describeKlarnaError(error: KlarnaApiError | KlarnaNetworkError): string {
  if (error instanceof KlarnaNetworkError) {
    return error.kind === 'timeout'
      ? 'Klarna did not answer in time. The outcome is unknown; retrying is safe and will not act twice.'
      : 'Klarna could not be reached. Nothing was confirmed; retrying is safe and will not act twice.';
  }
  let sentence =
    (error.errorCode && sentences[error.errorCode]) ||
    `Klarna answered with an error (HTTP ${error.status}${error.errorCode ? `, ${error.errorCode}` : ''}).`;
  // Klarna's reason makes a conflict actionable; its text is quoted, never reworded (amounts are minor units).
  if (error.errorMessage && (error.status === 409 || error.status === 403))
    sentence = `${(error.errorCode && sentences[error.errorCode]) || 'Klarna refused this.'} ${klarnasWords(error.errorMessage)}`;
  // Field errors that only repeat Klarna's reason add nothing.
  const fields = error.errors
    .filter((e) => e.parameter && e.message.replace(/\.$/, '') !== error.errorMessage?.replace(/\.$/, ''))
    .map((e) => `${e.parameter}: ${e.message.replace(/\.$/, '')}`);
  if (fields.length) sentence += ` ${fields.join('; ')}.`;
  if (error.errorId) sentence += ` Klarna error id: ${error.errorId}.`;
  return sentence;
}

/** Klarna writes amounts in minor units ("Cannot refund 1500" is 15.00 EUR), so a text with numbers says so. */
export function klarnasWords(message: string): string {
  const text = message.trim().replace(/\.$/, '');
  return /\d/.test(text)
    ? `Klarna's words (Klarna writes amounts in minor units: 1500 is 15.00): “${text}”.`
    : `Klarna's words: “${text}”.`;
}
