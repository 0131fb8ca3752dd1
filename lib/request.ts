import { randomUUID } from 'node:crypto';
import { headers } from 'next/headers';

/** The request id proxy.ts stamps on every request, for logs and audit entries. */
export async function currentRequestId(): Promise<string> {
  return (await headers()).get('x-request-id') ?? randomUUID();
}
