import path from 'node:path';
import postgres from 'postgres';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { DbHandle } from './client';

export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'db', 'migrations');
// Any constant works; it only has to be the same for every instance of this app.
const MIGRATION_LOCK_ID = 7_342_118_001;

/** Applies the committed migrations. Safe to run from several app instances at once. */
export async function migrateDatabase(handle: DbHandle, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  if (handle.driver === 'pglite') {
    await migratePglite(drizzlePglite(handle.client), { migrationsFolder });
    return;
  }
  // A single dedicated connection, so the session-level advisory lock covers the migration.
  const conn = postgres(handle.url, { max: 1, onnotice: () => {} });
  try {
    await conn`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await migratePostgres(drizzlePostgres(conn), { migrationsFolder });
    await conn`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
  } finally {
    await conn.end({ timeout: 5 });
  }
}
