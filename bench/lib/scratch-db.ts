import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';

export type ScratchDatabase = {
  name: string;
  url: string;
  /** Drops the database (unless BENCH_KEEP_DB is set) and closes the admin connection. */
  drop: () => Promise<void>;
};

/**
 * A new database `kpd_bench_<bench>_<random>` on the server of TEST_DATABASE_URL (or
 * DATABASE_URL), migrated with the app's own migrations (db/migrate.ts). `BENCH_KEEP_DB=1` keeps
 * it after the run (its URL goes to stderr) to study plans.
 */
export async function createScratchDatabase(bench: string): Promise<ScratchDatabase> {
  const base = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!base)
    throw new Error(
      `bench:${bench} needs a real Postgres: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)`,
    );
  const name = `kpd_bench_${bench.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const drop = async () => {
    if (!process.env.BENCH_KEEP_DB) await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
  try {
    if (process.env.BENCH_KEEP_DB) console.error(`BENCH_KEEP_DB: ${url.toString()} is kept; drop it when done`);
    const handle = openDatabase({ url: url.toString() });
    if (handle.driver !== 'postgres') throw new Error('expected the postgres driver');
    await migrateDatabase(handle);
    await handle.close();
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url: url.toString(), drop };
}
