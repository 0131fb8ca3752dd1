import 'server-only';
import { headers } from 'next/headers';
import { requestIdFrom } from './request-id';

/** The request id proxy.ts stamps; routes it skips (the settlement upload) see the raw header: checked here. */
export async function currentRequestId(): Promise<string> {
  return requestIdFrom((await headers()).get('x-request-id'));
}
