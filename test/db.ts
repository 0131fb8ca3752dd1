import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type Db, type DbHandle } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';

/**
 * Integration tests run once per driver: embedded PGlite always, and the real Postgres at
 * TEST_DATABASE_URL when it is set (CI sets it). Each suite gets its own fresh database.
 */
export type Driver = 'pglite' | 'postgres';
const realPostgres = process.env.TEST_DATABASE_URL;

/** `migrationsFolder`: migrate from another folder (a test of a migration applies those before it first). */
export async function openTestDatabase(
  driver: Driver,
  options: { migrationsFolder?: string } = {},
): Promise<DbHandle & { dispose(): Promise<void> }> {
  if (driver === 'pglite') {
    const handle = openDatabase({ pgliteDir: 'memory://' });
    await migrateDatabase(handle, options.migrationsFolder);
    return Object.assign(handle, { dispose: () => handle.close() });
  }
  if (!realPostgres) throw new Error('TEST_DATABASE_URL is not set');
  const name = `kpd_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(realPostgres, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(realPostgres);
  url.pathname = `/${name}`;
  const handle = openDatabase({ url: url.toString() });
  await migrateDatabase(handle, options.migrationsFolder);
  return Object.assign(handle, {
    async dispose() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  });
}

/** `describe` once per driver; `db()` is that suite's database. */
export function describeEachDriver(title: string, body: (db: () => Db, driver: Driver) => void): void {
  describeEachHandle(title, (handle, driver) => body(() => handle().db, driver));
}

/**
 * `describe` once per driver with the whole handle (driver and URL, which pg-boss needs, not only
 * drizzle); `hooks.after` (e.g. stopping jobs) runs before the database is dropped.
 */
export function describeEachHandle(
  title: string,
  body: (handle: () => DbHandle, driver: Driver) => void,
  hooks: { after?: () => Promise<unknown> } = {},
): void {
  for (const driver of ['pglite', 'postgres'] as const) {
    const suite = driver === 'postgres' && !realPostgres ? describe.skip : describe;
    suite(`${title} [${driver}]`, () => {
      let handle: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
      beforeAll(async () => {
        handle = await openTestDatabase(driver);
      });
      afterAll(async () => {
        await hooks.after?.();
        await handle?.dispose();
      });
      body(() => {
        if (!handle) throw new Error('database not open yet');
        return handle;
      }, driver);
    });
  }
}
