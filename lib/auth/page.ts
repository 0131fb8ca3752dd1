import 'server-only';
import { headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { requestContext, type ServiceContext } from '@/lib/context';
import { env } from '@/lib/env';
import { ForbiddenError } from '@/lib/errors';
import { currentRequestId } from '@/lib/request';
import { safeCallbackPath } from './callback';
import { assertCan, type Actor } from './guard';
import { capabilityForPath } from './page-access';
import type { Capability } from './roles';
import { getActor } from './session';

/** The path of the current request (set by proxy.ts), made safe to come back to. */
async function currentPath(): Promise<string> {
  return safeCallbackPath((await headers()).get('x-pathname'), env().APP_URL);
}

/** For pages: sends a signed-out visitor to sign-in and says whether the role may see the page. */
export async function pageActor(capability: Capability): Promise<{ actor: Actor; denied: string | null }> {
  const actor = await getActor();
  if (!actor) {
    const back = await currentPath();
    redirect(back === '/' ? '/sign-in' : `/sign-in?callbackUrl=${encodeURIComponent(back)}`);
  }
  return { actor, denied: deniedMessage(actor, capability) };
}

/** A page's service context; `denied` is the refusal to render instead of the content, or null. */
export async function pageContext(
  capability: Capability,
): Promise<{ ctx: ServiceContext & { actor: Actor }; denied: string | null }> {
  const { actor, denied } = await pageActor(capability);
  return { ctx: requestContext(actor, await currentRequestId()), denied };
}

export function deniedMessage(actor: Actor, capability: Capability): string | null {
  try {
    assertCan(actor, capability);
    return null;
  } catch (error) {
    if (error instanceof ForbiddenError) return error.message;
    throw error;
  }
}

/** For the layout: the actor or a redirect, and a 403 if the role falls short (set here: before streaming starts). */
export async function layoutActor(): Promise<Actor> {
  const { actor } = await pageActor('dashboard.read');
  if (deniedMessage(actor, capabilityForPath(await currentPath()))) forbidden();
  return actor;
}

/** What app/forbidden.tsx says: the refusal for the requested page, read again. */
export async function forbiddenMessage(): Promise<string | null> {
  const actor = await getActor();
  return actor ? deniedMessage(actor, capabilityForPath(await currentPath())) : null;
}
