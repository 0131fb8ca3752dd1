import 'server-only';
import { migrateDatabase } from '@/db/migrate';
import { appDb } from '@/lib/db';
import { env } from '@/lib/env';
import { klarnaSettings } from '@/lib/credentials/connection';
import { provisionSandbox } from '@/lib/provision';
import { appJobs, registerAreas } from '@/lib/app';
import { startJobs } from '@/lib/jobs/queue';
import { queueApiRequestMaskingIfNeeded } from '@/lib/klarna/jobs';
import { seedDemoMerchants } from '@/lib/merchants/demo';
import { seedDemoSettlement } from '@/lib/settlements/demo';
import { demoCredentialsFile, ensureFirstAdmin } from '@/lib/users/bootstrap';

/** Once per server process before requests (instrumentation.ts): validate config, migrate, create the first admin. */
export async function startApp(log: (line: string) => void = console.log): Promise<void> {
  // Every area's webhook handlers and domain-event listeners, before anything can deliver an event.
  registerAreas();
  const config = env();
  const handle = appDb();
  log(
    `▸ database: ${handle.driver === 'postgres' ? 'Postgres (DATABASE_URL)' : `embedded PGlite in ${config.DATA_DIR}/pglite`}`,
  );
  if (config.generatedSecrets) log(`▸ secrets: development keys from ${config.DATA_DIR}/secrets.json`);
  await migrateDatabase(handle);
  const result = await ensureFirstAdmin(handle.db, config);
  const banner = (email: string, password: string, note: string) =>
    log(
      `\n  Demo admin (${note}):\n    email:    ${email}\n    password: ${password}\n    (kept in ${demoCredentialsFile(config.DATA_DIR)})\n`,
    );
  if (result.kind === 'created-demo') banner(result.email, result.password, 'created now');
  if (result.kind === 'existing' && result.demo) banner(result.demo.email, result.demo.password, 'from the first run');
  if (result.kind === 'created-from-env') log(`▸ first admin created: ${result.email}`);
  // Jobs (settlement imports and fetches, retention) run in every app process; they share the queue in Postgres.
  const jobs = appJobs(log);
  await startJobs(handle, jobs.handlers, jobs.schedules);
  if (await queueApiRequestMaskingIfNeeded(handle.db))
    log('▸ jobs: masking personal data in API request log rows stored before masking existed (shown masked meanwhile)');
  log(
    `▸ jobs: settlement imports, a fetch of new Klarna settlement reports every 15 minutes, mass-refund runs (a sweep every minute resumes one whose instance died), and hourly retention (rejected webhooks ${config.RETENTION_REJECTED_WEBHOOKS_DAYS} d, webhook events ${config.RETENTION_WEBHOOK_EVENTS_DAYS} d, API requests ${config.RETENTION_API_REQUESTS_DAYS} d, sign-in attempts ${config.RETENTION_SIGN_IN_ATTEMPTS_DAYS} d)`,
  );
  if (config.SANDBOX_AUTO_PROVISION) {
    // In the background: the sandbox may still be starting next to us (scripts/dev.ts).
    const settings = klarnaSettings(config);
    void provisionSandbox(handle.db, settings, config.APP_URL)
      .then(async (what) => {
        if (what !== 'already provisioned') log(`▸ Klarna sandbox: ${what}`);
        if (config.SEED_DEMO && what !== 'already provisioned') {
          log(`▸ demo merchants: ${await seedDemoMerchants(handle.db, settings)}`);
          log(`▸ demo settlement: ${await seedDemoSettlement(handle.db, settings)}`);
        }
      })
      .catch((error: Error) => log(`! Klarna sandbox not set up: ${error.message}`));
  }
  if (result.kind === 'no-admin')
    log('! No users exist. Set ADMIN_EMAIL and ADMIN_PASSWORD and restart to create the first admin.');
}

const globalForStartup = globalThis as unknown as { __appStarting?: Promise<void> };

/** For instrumentation.ts: a server that cannot start says why and stops, rather than serving errors. */
export async function startAppOrExit(): Promise<void> {
  try {
    // On globalThis: the production server (server.ts) waits for this same start-up before it listens.
    await (globalForStartup.__appStarting ??= startApp());
  } catch (error) {
    console.error(`\n✖ The dashboard cannot start.\n${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
