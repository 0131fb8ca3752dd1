import path from 'node:path';
import { faultsFromEnv } from './faults';
import { DEFAULT_ACCOUNT_ACTIVATION_MS } from './runtime';
import { startSandbox } from './start';

/**
 * `npm run sandbox`: the embedded Klarna sandbox on its own port.
 * SANDBOX_PORT (4100), SANDBOX_HOST (127.0.0.1), SANDBOX_DATA_DIR (.data/sandbox),
 * SANDBOX_RATE_LIMITS (playground | production | off), SANDBOX_WEBHOOK_TIME_SCALE (1),
 * SANDBOX_ACCOUNT_ACTIVATION_MS (2000),
 * and the fault settings SANDBOX_LATENCY_MS, SANDBOX_ERROR_RATE, SANDBOX_DROP_RATE,
 * SANDBOX_WEBHOOK_FAILURE_RATE. See sandbox/README.md.
 */
async function main() {
  const env = process.env;
  const port = Number(env.SANDBOX_PORT ?? 4100);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`SANDBOX_PORT must be a port number, got "${env.SANDBOX_PORT}"`);
  const rateLimits = env.SANDBOX_RATE_LIMITS ?? 'playground';
  if (!['playground', 'production', 'off'].includes(rateLimits))
    throw new Error(`SANDBOX_RATE_LIMITS must be playground, production or off, got "${rateLimits}"`);
  const timeScale = Number(env.SANDBOX_WEBHOOK_TIME_SCALE ?? 1);
  if (!(timeScale > 0))
    throw new Error(`SANDBOX_WEBHOOK_TIME_SCALE must be a number above 0, got "${env.SANDBOX_WEBHOOK_TIME_SCALE}"`);
  const activationMs = Number(env.SANDBOX_ACCOUNT_ACTIVATION_MS || DEFAULT_ACCOUNT_ACTIVATION_MS);
  if (!Number.isInteger(activationMs) || activationMs < 0) {
    throw new Error(
      `SANDBOX_ACCOUNT_ACTIVATION_MS must be a whole number of milliseconds ≥ 0, got "${env.SANDBOX_ACCOUNT_ACTIVATION_MS}"`,
    );
  }
  const dataDir = path.resolve(env.SANDBOX_DATA_DIR || '.data/sandbox');

  const sandbox = await startSandbox({
    port,
    host: env.SANDBOX_HOST || '127.0.0.1',
    dataDir,
    faults: faultsFromEnv(env),
    rateLimits: rateLimits as 'playground' | 'production' | 'off',
    webhookTimeScale: timeScale,
    accountActivationMs: activationMs,
  });
  const info = await sandbox.control.info();
  console.log(`Klarna sandbox listening on ${sandbox.baseUrl}`);
  console.log(`  partner account ${info.partner_account_id}, state in ${dataDir}`);
  console.log(`  first API key: curl -X POST ${sandbox.baseUrl}/_sandbox/bootstrap-key`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: saving state and stopping`);
    await sandbox.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
