import { headers } from 'next/headers';
import { requestIdFrom } from './request-id';

/**
 * The request id proxy.ts stamps on every request, for logs and audit entries. The routes the
 * proxy skips (the settlement upload) see the client's header as sent, so it is checked here too.
 */
export async function currentRequestId(): Promise<string> {
  return requestIdFrom((await headers()).get('x-request-id'));
}
