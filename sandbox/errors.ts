import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { parameterPath } from '../lib/klarna/parameter-path';

export { parameterPath };

/** Klarna's error object (seed, "Error handling"), as the sandbox sends it. */
export type SandboxErrorBody = {
  error_id: string;
  error_type: string;
  error_code: string;
  error_message: string;
  errors?: { parameter: string; error_message: string }[];
};

/** Thrown by handlers; the pipeline turns it into the error object and status. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    readonly errorCode: string,
    message: string,
    readonly errors?: { parameter: string; error_message: string }[],
  ) {
    super(message);
  }

  toBody(): SandboxErrorBody {
    return {
      error_id: randomUUID(),
      error_type: this.errorType,
      error_code: this.errorCode,
      error_message: this.message,
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }
}

export const sandboxErrors = {
  notFound: () => new SandboxError(404, 'ACCESS_ERROR', 'NOT_FOUND', 'The requested API route does not exist.'),
  unauthorized: () =>
    new SandboxError(401, 'ACCESS_ERROR', 'UNAUTHORIZED', 'The presented credentials failed authentication.'),
  rateLimited: () =>
    new SandboxError(429, 'ACCESS_ERROR', 'RATE_LIMITED', 'The caller was rate limited due to too many requests.'),
  invalidContentType: (detail: string) =>
    new SandboxError(
      400,
      'INPUT_ERROR',
      'INVALID_CONTENT_TYPE',
      `The input does not conform to the expected content type syntax: ${detail}.`,
    ),
  validation: (errors: { parameter: string; error_message: string }[]) =>
    new SandboxError(
      400,
      'INPUT_ERROR',
      'VALIDATION_ERROR',
      'One or more input parameters failed input validation.',
      errors,
    ),
  /** Authenticated, but this partner may not touch the resource (e.g. an account another partner onboarded). */
  forbidden: (message: string) => new SandboxError(403, 'RESOURCE_ERROR', 'OPERATION_FORBIDDEN', message),
  resourceNotFound: (what: string) =>
    new SandboxError(404, 'RESOURCE_ERROR', 'RESOURCE_NOT_FOUND', `${what} was not found.`),
  conflict: (message: string) => new SandboxError(409, 'RESOURCE_ERROR', 'RESOURCE_CONFLICT', message),
  unavailable: (message = 'The service is temporarily unavailable; try again later.') =>
    new SandboxError(503, 'TECHNICAL_ERROR', 'TEMPORARY_UNAVAILABLE', message),
  internal: (message = 'An unknown error occurred.') =>
    new SandboxError(500, 'TECHNICAL_ERROR', 'INTERNAL_ERROR', message),
};

/** Validates a body with a shared wire schema; failures become VALIDATION_ERROR with parameter paths. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw sandboxErrors.validation(
    result.error.issues
      .map((issue) => {
        // Unknown keys of a strict object name the key itself as the parameter.
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
        return keys.map((key) => ({
          parameter: parameterPath(key === undefined ? issue.path : [...issue.path, key]) || 'body',
          error_message: key === undefined ? issue.message : 'is not a known parameter',
        }));
      })
      .flat(),
  );
}
