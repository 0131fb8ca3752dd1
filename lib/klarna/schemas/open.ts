import { z } from 'zod';

/**
 * An enum that also accepts values it does not know (seed, "Versioning": new enum values and
 * event types are backward-compatible changes). Known values keep their literal types.
 */
export function openEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.union([z.enum(values), z.string().min(1)]) as unknown as z.ZodType<T[number] | (string & {})>;
}
