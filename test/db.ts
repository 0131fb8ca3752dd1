import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type Db, type DbHandle } from '@/db/client';
import { migrateDatabase, MIGRATIONS_FOLDER } from '@/db/migrate';

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

/**
 * `describe` once per driver for a migration's test: the suite's database is migrated up to (not including) the
 * migration whose tag ends with `_<tagSuffix>` (found by name: numbers change at merge); the test stores rows as
 * they were, then calls `migrateDatabase(handle())` to apply the rest.
 */
export function describeMigration(
  title: string,
  tagSuffix: string,
  body: (handle: () => DbHandle, driver: Driver) => void,
): void {
  for (const driver of ['pglite', 'postgres'] as const) {
    describe.skipIf(driver === 'postgres' && !realPostgres)(`${title} [${driver}]`, () => {
      const before = migrationsBefore(tagSuffix);
      let handle: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
      beforeAll(async () => {
        handle = await openTestDatabase(driver, { migrationsFolder: before });
      });
      afterAll(async () => {
        await handle?.dispose();
        rmSync(before, { recursive: true, force: true });
      });
      body(() => {
        if (!handle) throw new Error('database not open yet');
        return handle;
      }, driver);
    });
  }
}

/** A copy of the committed migrations up to (not including) the one whose tag ends with `_<tagSuffix>`. */
function migrationsBefore(tagSuffix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kpd-migrations-'));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalFile = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.endsWith(`_${tagSuffix}`));
  if (at <= 0) throw new Error(`no migration tagged …_${tagSuffix} after the first`);
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return dir;
}
