/**
 * Starts one production server (what `npm start` runs: server.ts) for the end-to-end run on a
 * fresh database:
 *   tsx --conditions=react-server scripts/e2e-server.ts <pglite|postgres> <port>
 * (the condition lets lib's `import 'server-only'` load outside Next's bundles)
 * Seeds what the specs expect (the demo admin through the real bootstrap, plus an operator and
 * a viewer), starts a Klarna sandbox for it on port + 1000, then hands over to package.json's
 * `start` script. Needs `next build` first.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { users } from '@/db/schema';
import { hashPassword } from '@/lib/auth/password';
import { generateKeySpec } from '@/lib/crypto/secrets';
import { ensureFirstAdmin } from '@/lib/users/bootstrap';
import { startSandbox } from '@/sandbox/start';
import { e2eDataDir, FIXTURE_PASSWORD, fixtureUsers } from '@/e2e/servers';

async function main() {
  const [driver, port] = process.argv.slice(2);
  if ((driver !== 'pglite' && driver !== 'postgres') || !port)
    throw new Error('usage: e2e-server.ts <pglite|postgres> <port>');
  const dataDir = path.resolve(e2eDataDir(driver));
  rmSync(dataDir, { recursive: true, force: true });

  let databaseUrl: string | undefined;
  if (driver === 'postgres') {
    const base = process.env.TEST_DATABASE_URL;
    if (!base) throw new Error('TEST_DATABASE_URL is needed for the postgres e2e server');
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe('drop database if exists kpd_e2e with (force)');
    await admin.unsafe('create database kpd_e2e');
    await admin.end();
    const url = new URL(base);
    url.pathname = '/kpd_e2e';
    databaseUrl = url.toString();
  }

  const handle = openDatabase(databaseUrl ? { url: databaseUrl } : { pgliteDir: path.join(dataDir, 'pglite') });
  await migrateDatabase(handle);
  await ensureFirstAdmin(handle.db, { SEED_DEMO: true, DATA_DIR: dataDir });
  const passwordHash = await hashPassword(FIXTURE_PASSWORD);
  await handle.db.insert(users).values([
    { email: fixtureUsers.operator, name: 'Olga Operator', role: 'operator', passwordHash },
    { email: fixtureUsers.viewer, name: 'Victor Viewer', role: 'viewer', passwordHash },
  ]);
  await handle.close();

  // The Klarna this server talks to: its own sandbox, in memory, retrying failed webhook
  // deliveries 600× faster (10 s → ~17 ms) so a spec can watch the schedule play out. A new
  // account stays "Setting up" for 6 s rather than 2, so a loaded machine still shows it.
  const sandbox = await startSandbox({
    port: Number(port) + 1000,
    dataDir: null,
    webhookTimeScale: 600,
    accountActivationMs: 6000,
  });

  // Exactly what `npm start` runs (exec'd, so the signals below reach the server itself).
  const start = (JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { scripts: { start: string } })
    .scripts.start;
  const child = spawn('sh', ['-c', `exec ${start} -p ${port}`], {
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl ?? '',
      APP_URL: `http://localhost:${port}`,
      AUTH_SECRET: `e2e-${driver}-secret-that-is-long-enough-0123456789`,
      ENCRYPTION_KEYS: generateKeySpec('e2e'),
      SEED_DEMO: 'true',
      KLARNA_ENVIRONMENT: 'sandbox',
      KLARNA_BASE_URL: sandbox.baseUrl,
      SANDBOX_AUTO_PROVISION: 'false',
    },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => void sandbox.close().finally(() => process.exit(code ?? 0)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
