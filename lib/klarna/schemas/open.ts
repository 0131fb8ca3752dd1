import { z } from 'zod';

/** An enum that accepts unknown values: new enum values are backward-compatible (seed, "Versioning"). */
export function openEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.union([z.enum(values), z.string().min(1)]) as unknown as z.ZodType<T[number] | (string & {})>;
}
