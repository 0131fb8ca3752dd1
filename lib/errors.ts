/**
 * Errors whose message is safe to show a user. Anything else reaching a boundary is logged
 * with a reference and shown as "Something went wrong (ref …)".
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
  }
}

export class UnauthenticatedError extends AppError {
  override name = 'UnauthenticatedError';
  constructor(message = 'Your session has ended. Sign in again.') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class ConflictError extends AppError {
  override name = 'ConflictError';
  constructor(message: string, fields?: Record<string, string[]>) {
    super('CONFLICT', message, fields);
  }
}

export class InputError extends AppError {
  override name = 'InputError';
  constructor(message: string, fields?: Record<string, string[]>) {
    super('INVALID_INPUT', message, fields);
  }
}
