import 'server-only';
import { appDatabase, appDbTarget, openDatabase, type Db, type DbHandle } from '@/db/client';
import { env } from './env';

/** The app's database handle (one per process), from `DATABASE_URL` or embedded PGlite. */
export function appDb(): DbHandle {
  return appDatabase(() => openDatabase(appDbTarget(env())));
}

export function getDb(): Db {
  return appDb().db;
}

export type { Db };
