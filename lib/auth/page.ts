import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { ForbiddenError } from '@/lib/errors';
import { assertCan, type Actor } from './guard';
import type { Capability } from './roles';
import { getActor } from './session';

/** Where to come back to after signing in; only same-site paths, never another origin. */
export function safeCallbackPath(value: string | null | undefined): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/';
}

/**
 * For pages: sends a signed-out visitor to sign-in (coming back afterwards) and tells the page
 * whether the role may see it, so it can render a refusal instead of its content.
 */
export async function pageActor(capability: Capability): Promise<{ actor: Actor; denied: string | null }> {
  const actor = await getActor();
  if (!actor) {
    const back = safeCallbackPath((await headers()).get('x-pathname'));
    redirect(back === '/' ? '/sign-in' : `/sign-in?callbackUrl=${encodeURIComponent(back)}`);
  }
  try {
    assertCan(actor, capability);
    return { actor, denied: null };
  } catch (error) {
    if (error instanceof ForbiddenError) return { actor, denied: error.message };
    throw error;
  }
}
