import { requireCapability } from '@/lib/auth/session';
import type { Actor } from '@/lib/auth/guard';
import type { Capability } from '@/lib/auth/roles';
import { ForbiddenError, toResponse, UnauthenticatedError } from '@/lib/errors';

/** A route handler's role check: the actor, or the JSON answer (401/403) to send instead. */
export async function routeActor(
  capability: Capability,
  attempted: string,
): Promise<{ actor: Actor; denied?: undefined } | { actor?: undefined; denied: Response }> {
  try {
    return { actor: await requireCapability(capability, attempted) };
  } catch (error) {
    if (error instanceof UnauthenticatedError || error instanceof ForbiddenError) return { denied: toResponse(error) };
    throw error;
  }
}
