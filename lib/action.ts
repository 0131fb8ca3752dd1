import { randomUUID } from 'node:crypto';
import { createSafeActionClient } from 'next-safe-action';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit';
import { getActor } from '@/lib/auth/session';
import { assertCan } from '@/lib/auth/guard';
import { capabilities } from '@/lib/auth/roles';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { AppError, ForbiddenError } from '@/lib/errors';
import { currentRequestId } from '@/lib/request';

/** What a failed action tells the browser. `ref` ties an unexpected error to the server log. */
export type ActionError = { code: string; message: string; fields?: Record<string, string[]>; ref?: string };

/**
 * Every server action is built from this client: it declares the capability it needs, and
 * the middleware below checks it on the server before the input is even parsed. Known
 * errors (AppError) reach the user with their message; anything else becomes
 * "Something went wrong (ref …)" and is logged with that ref.
 */
export const actionClient = createSafeActionClient({
  defineMetadataSchema: () => z.object({ name: z.string(), capability: z.enum(capabilities) }),
  defaultValidationErrorsShape: 'flattened',
  handleServerError(error): ActionError {
    if (error instanceof AppError) return { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) };
    const ref = randomUUID().slice(0, 8);
    console.error(`[action error ref=${ref}]`, error);
    return { code: 'INTERNAL', message: `Something went wrong (ref ${ref}).`, ref };
  },
}).use(async ({ next, metadata }) => {
  const requestId = await currentRequestId();
  const actor = await getActor();
  try {
    assertCan(actor, metadata.capability);
  } catch (error) {
    // A refusal of a signed-in user is worth knowing about: record who tried what.
    if (error instanceof ForbiddenError && actor) {
      await recordAudit(getDb(), {
        actor,
        action: 'access.denied',
        outcome: 'denied',
        details: { attempted: metadata.name, capability: metadata.capability },
        requestId,
      });
    }
    throw error;
  }
  return next({ ctx: { actor, requestId, db: getDb(), keyring: env().keyring } });
});
