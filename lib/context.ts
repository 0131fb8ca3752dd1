import 'server-only';
import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/guard';
import { klarnaSettings, type KlarnaSettings } from '@/lib/credentials/connection';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';

/** What every service verb receives first (`verb(ctx, input)`); only verbs that call Klarna open its connection. */
export type ServiceContext = {
  db: Db;
  /** Who acts; null for the system (jobs, webhooks, start-up). */
  actor: Actor | null;
  settings: KlarnaSettings;
  /** Ties audit entries and logs to the request; jobs get one of their own. */
  requestId: string | null;
  now: () => Date;
};

export function serviceContext(
  parts: Pick<ServiceContext, 'db' | 'settings'> & Partial<Omit<ServiceContext, 'db' | 'settings'>>,
): ServiceContext {
  return { actor: null, requestId: null, now: () => new Date(), ...parts };
}

/** For a request of a signed-in person (pages, actions, route handlers): the app's database and the process's settings. */
export function requestContext(actor: Actor, requestId: string): ServiceContext & { actor: Actor } {
  return { ...serviceContext({ db: getDb(), settings: klarnaSettings(env()), requestId }), actor };
}

export function publicContext(requestId: string): ServiceContext {
  return serviceContext({ db: getDb(), settings: klarnaSettings(env()), requestId });
}

/** For jobs and start-up work: the app's database, the process's settings, no actor, a request id per job. */
export function jobContext(parts: Partial<ServiceContext> = {}): ServiceContext {
  return serviceContext({
    db: parts.db ?? getDb(),
    settings: parts.settings ?? klarnaSettings(env()),
    requestId: `job-${globalThis.crypto.randomUUID()}`,
    ...parts,
  });
}
