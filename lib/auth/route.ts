import 'server-only';
import { requireCapability } from '@/lib/auth/session';
import type { Actor } from '@/lib/auth/guard';
import type { Capability } from '@/lib/auth/roles';
import { requestContext, type ServiceContext } from '@/lib/context';
import { ForbiddenError, toResponse, UnauthenticatedError } from '@/lib/errors';
import { requestIdFrom } from '@/lib/request-id';

/** A route handler's role check: the actor, or the JSON answer (401/403) to send instead. */
export async function routeActor(
  capability: Capability,
  attempted: string,
  options: { recent?: boolean } = {},
): Promise<{ actor: Actor; denied?: undefined } | { actor?: undefined; denied: Response }> {
  try {
    return { actor: await requireCapability(capability, attempted, options) };
  } catch (error) {
    if (error instanceof UnauthenticatedError || error instanceof ForbiddenError) return { denied: toResponse(error) };
    throw error;
  }
}

/**
 * A route handler's service context, or the 401/403 JSON to send instead. `recent: true` takes
 * the session as checked within a few seconds (lib/auth/session.ts `getRecentActor`): for the
 * live pages' read-only polls only.
 */
export async function routeContext(
  request: Request,
  capability: Capability,
  attempted: string,
  options: { recent?: boolean } = {},
): Promise<{ ctx: ServiceContext & { actor: Actor }; denied?: undefined } | { ctx?: undefined; denied: Response }> {
  const { actor, denied } = await routeActor(capability, attempted, options);
  if (denied) return { denied };
  return { ctx: requestContext(actor, requestIdFrom(request.headers.get('x-request-id'))) };
}
