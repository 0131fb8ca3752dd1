import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgDialect, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import * as schema from './schema';

/** The one database type services take: either driver behind drizzle's common Postgres API. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DbHandle =
  | { driver: 'postgres'; db: Db; client: postgres.Sql; url: string; close(): Promise<void> }
  | { driver: 'pglite'; db: Db; client: PGlite; close(): Promise<void> };

export type DbTarget = { url: string } | { pgliteDir: string | 'memory://' };

export function openDatabase(target: DbTarget): DbHandle {
  if ('url' in target) {
    const client = postgres(target.url, { max: 10, onnotice: () => {} });
    return {
      driver: 'postgres',
      client,
      url: target.url,
      db: drizzlePostgres(client, { schema }) as unknown as Db,
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (target.pgliteDir !== 'memory://') mkdirSync(target.pgliteDir, { recursive: true });
  const client = new PGlite(target.pgliteDir);
  return {
    driver: 'pglite',
    client,
    db: drizzlePglite(client, { schema }) as unknown as Db,
    close: () => client.close(),
  };
}

/** Where the app's data lives: `DATABASE_URL` when set, otherwise embedded PGlite under DATA_DIR. */
export function appDbTarget(config: { DATABASE_URL?: string; DATA_DIR: string }): DbTarget {
  return config.DATABASE_URL ? { url: config.DATABASE_URL } : { pgliteDir: path.resolve(config.DATA_DIR, 'pglite') };
}

// One handle per process. Next bundles server code into several module graphs, so the
// singleton lives on globalThis: two PGlite instances on one directory would corrupt it.
const globalForDb = globalThis as unknown as { __appDb?: DbHandle };

export function setAppDatabase(handle: DbHandle): void {
  globalForDb.__appDb = handle;
}

export function appDatabase(open: () => DbHandle): DbHandle {
  globalForDb.__appDb ??= open();
  return globalForDb.__appDb;
}

/** The rows of a `db.execute` result on either driver (postgres.js returns an array, PGlite `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return (result as { rows?: T[] }).rows ?? [];
}

/**
 * Runs a statement whose text never changes (values only in parameters) as a named prepared
 * statement on postgres.js: one round trip instead of drizzle's two (postgres.js describes an
 * unnamed statement before binding it), and Postgres parses and plans it once per connection.
 * Hot paths only (the webhook writer): every distinct text stays prepared on each connection.
 * On PGlite it is a plain `execute`.
 */
export async function executePrepared<T>(db: Db, query: SQL): Promise<T[]> {
  const session = db._.session as unknown as { client?: unknown; dialect?: PgDialect };
  const client = session.client;
  if (session.dialect && client && typeof (client as postgres.Sql).unsafe === 'function') {
    const { sql: text, params } = session.dialect.sqlToQuery(query);
    return (await (client as postgres.Sql).unsafe(text, params as postgres.ParameterOrJSON<never>[], {
      prepare: true,
    })) as unknown as T[];
  }
  return rowsOf<T>(await db.execute(query));
}

/**
 * A query's rows in batches of `batch` from one postgres.js portal (the extended protocol's
 * Execute with a row limit): planned for its whole result (a sequential scan and a sort where
 * that is cheaper than an index walk), holding one pooled connection until the last batch is
 * read or the iterator is returned. Null on PGlite, which cannot keep a query open beside
 * others: the caller pages instead.
 */
export function queryCursor<T>(db: Db, query: SQL, batch: number): AsyncIterator<T[]> | null {
  const session = db._.session as unknown as { client?: unknown; dialect?: PgDialect };
  const client = session.client;
  if (!session.dialect || !client || typeof (client as postgres.Sql).unsafe !== 'function') return null;
  const { sql: text, params } = session.dialect.sqlToQuery(query);
  const cursor = (client as postgres.Sql)
    .unsafe(text, params as postgres.ParameterOrJSON<never>[])
    .cursor(batch) as AsyncIterable<T[]>;
  return cursor[Symbol.asyncIterator]();
}
