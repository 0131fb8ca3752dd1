import type { KlarnaEnvironment } from '@/db/schema';
import { describeKlarnaError, KlarnaApiError, klarnasWords, KlarnaNetworkError } from '@/lib/klarna/errors';

/** The one family of errors whose message is safe to show a user; anything else is logged and shown as
 * "Something went wrong (ref …)". */
export const errorStatus = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  timeout: 408,
  conflict: 409,
  too_large: 413,
  klarna_refused: 422,
  rate_limited: 429,
  klarna_not_configured: 503,
  outcome_unknown: 503,
  unavailable: 503,
} as const;

export type ErrorKind = keyof typeof errorStatus;
export const errorKinds = Object.keys(errorStatus) as ErrorKind[];

export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  override name = 'AppError';
  readonly fields?: FieldErrors;
  /** Extra facts a client may act on (a duplicate's import id); never server internals. */
  readonly details?: Record<string, string | number | boolean | null>;
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    options: { fields?: FieldErrors; details?: Record<string, string | number | boolean | null> } = {},
  ) {
    super(message);
    if (options.fields) this.fields = options.fields;
    if (options.details) this.details = options.details;
  }
}

export class UnauthenticatedError extends AppError {
  override name = 'UnauthenticatedError';
  constructor(message = 'Your session has ended. Sign in again.') {
    super('unauthenticated', 'UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  constructor(message: string) {
    super('forbidden', 'FORBIDDEN', message);
  }
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super('not_found', 'NOT_FOUND', message);
  }
}

export class ConflictError extends AppError {
  override name = 'ConflictError';
  constructor(message: string, fields?: FieldErrors) {
    super('conflict', 'CONFLICT', message, { fields });
  }
}

export class InputError extends AppError {
  override name = 'InputError';
  constructor(message: string, fields?: FieldErrors) {
    super('validation', 'INVALID_INPUT', message, { fields });
  }
}

export class KlarnaNotConfiguredError extends AppError {
  override name = 'KlarnaNotConfiguredError';
  constructor(environment: KlarnaEnvironment) {
    super(
      'klarna_not_configured',
      'KLARNA_NOT_CONFIGURED',
      `No Klarna API key is active for the ${environment} environment. An admin can add one under Settings → API credentials.`,
    );
  }
}

/** Maps Klarna's `errors[].parameter` to a form field: a table (also matching without `[n]` indexes) or a function. */
export type FieldMap = Record<string, string> | ((parameter: string) => string | undefined);

function klarnaFields(cause: KlarnaApiError | KlarnaNetworkError, fieldMap: FieldMap): FieldErrors | undefined {
  if (!(cause instanceof KlarnaApiError)) return undefined;
  const fields: FieldErrors = {};
  // A refusal's text (a conflict, a limit) with numbers is quoted as Klarna's, whose amounts are minor units.
  const refusal = cause.status === 409 || cause.status === 403;
  for (const e of cause.errors) {
    const field = e.parameter
      ? typeof fieldMap === 'function'
        ? fieldMap(e.parameter)
        : (fieldMap[e.parameter] ?? fieldMap[e.parameter.replace(/\[\d+\]/g, '')])
      : undefined;
    if (field) (fields[field] ??= []).push(refusal && /\d/.test(e.message) ? klarnasWords(e.message) : e.message);
  }
  return Object.keys(fields).length ? fields : undefined;
}

function klarnaKind(cause: KlarnaApiError | KlarnaNetworkError): ErrorKind {
  if (cause.outcomeUnknown) return 'outcome_unknown';
  if (cause instanceof KlarnaNetworkError) return 'unavailable';
  if (cause.status === 429) return 'rate_limited';
  return cause.status >= 500 ? 'unavailable' : 'klarna_refused';
}

/** Klarna's refusal (or Klarna out of reach) as a user-safe error with Klarna's error id; `code` is Klarna's. */
export class KlarnaRefusedError extends AppError {
  override name = 'KlarnaRefusedError';
  constructor(
    readonly klarnaError: KlarnaApiError | KlarnaNetworkError,
    fieldMap: FieldMap = {},
  ) {
    const cause = klarnaError;
    const said =
      cause instanceof KlarnaApiError
        ? { klarnaErrorId: cause.errorId, klarnaErrorCode: cause.errorCode, klarnaMessage: cause.errorMessage }
        : {};
    const details = Object.fromEntries(Object.entries(said).filter(([, v]) => v !== null));
    super(
      klarnaKind(cause),
      cause instanceof KlarnaApiError ? (cause.errorCode ?? 'KLARNA_ERROR') : 'KLARNA_UNREACHABLE',
      describeKlarnaError(cause),
      {
        fields: klarnaFields(cause, fieldMap),
        ...(Object.keys(details).length ? { details } : {}),
      },
    );
  }

  withFields(fieldMap: FieldMap): KlarnaRefusedError {
    return new KlarnaRefusedError(this.klarnaError, fieldMap);
  }

  get klarnaErrorId(): string | null {
    return this.klarnaError instanceof KlarnaApiError ? this.klarnaError.errorId : null;
  }

  get klarnaErrorCode(): string | null {
    return this.klarnaError instanceof KlarnaApiError ? this.klarnaError.errorCode : null;
  }
}

export type PublicError = {
  kind: ErrorKind | 'internal';
  code: string;
  message: string;
  fields?: FieldErrors;
  details?: AppError['details'];
  ref?: string;
};

/** An error as a client may see it; an unexpected one is logged under a ref, its text (paths, SQL) never sent. */
export function publicError(
  error: unknown,
  options: { requestId?: string | null; unexpected?: { code: string; message: string }; log?: string } = {},
): PublicError {
  if (error instanceof AppError) {
    return {
      kind: error.kind,
      code: error.code,
      message: error.message,
      ...(error.fields ? { fields: error.fields } : {}),
      ...(error.details ? { details: error.details } : {}),
    };
  }
  const ref = globalThis.crypto.randomUUID().slice(0, 8);
  console.error(
    `[${options.log ?? 'error'} ref=${ref}${options.requestId ? ` request=${options.requestId}` : ''}]`,
    error,
  );
  return {
    kind: 'internal',
    code: options.unexpected?.code ?? 'INTERNAL',
    message: options.unexpected?.message ?? `Something went wrong (ref ${ref}).`,
    ref,
  };
}

export function toResponse(
  error: unknown,
  options: { requestId?: string | null; unexpected?: { code: string; message: string }; headers?: HeadersInit } = {},
): Response {
  const shown = publicError(error, { ...options, log: 'route error' });
  const status = shown.kind === 'internal' ? 500 : errorStatus[shown.kind];
  const body = {
    ...shown.details,
    code: shown.code.toLowerCase(),
    message: shown.message,
    ...(shown.fields ? { fields: shown.fields } : {}),
    ...(shown.ref ? { ref: shown.ref } : {}),
  };
  return Response.json({ error: body }, { status, headers: options.headers });
}
