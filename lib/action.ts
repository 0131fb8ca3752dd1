import 'server-only';
import { createSafeActionClient } from 'next-safe-action';
import { z } from 'zod';
import { requireCapability } from '@/lib/auth/session';
import { capabilities } from '@/lib/auth/roles';
import { requestContext } from '@/lib/context';
import { publicError, type ErrorKind, type FieldErrors } from '@/lib/errors';
import { currentRequestId } from '@/lib/request';

/** What a failed action tells the browser. `ref` ties an unexpected error to the server log. */
export type ActionError = {
  kind: ErrorKind | 'internal';
  code: string;
  message: string;
  fields?: FieldErrors;
  ref?: string;
};

/** The client every server action is built from: its middleware checks the declared capability before parsing. */
export const actionClient = createSafeActionClient({
  defineMetadataSchema: () => z.object({ name: z.string(), capability: z.enum(capabilities) }),
  defaultValidationErrorsShape: 'flattened',
  handleServerError(error): ActionError {
    const { kind, code, message, fields, ref } = publicError(error, { log: 'action error' });
    return { kind, code, message, ...(fields ? { fields } : {}), ...(ref ? { ref } : {}) };
  },
}).use(async ({ next, metadata }) => {
  const actor = await requireCapability(metadata.capability, metadata.name);
  return next({ ctx: requestContext(actor, await currentRequestId()) });
});
