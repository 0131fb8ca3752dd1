import type { z } from 'zod';
import { InputError } from '@/lib/errors';
import { fieldErrorsByPath } from '@/lib/klarna/parameter-path';

/** Parses with a wire schema; failures become an InputError whose fields are Klarna's parameter paths. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  message = 'Some values need fixing.',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = fieldErrorsByPath(result.error.issues);
  throw new InputError(message, fields);
}
