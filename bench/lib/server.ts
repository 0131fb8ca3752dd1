import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** Throws unless the app is built: the benches that start the production server measure the built app. */
export function requireBuild(bench: string): void {
  const distDir = process.env.NEXT_DIST_DIR || '.next';
  if (!existsSync(path.join(root, distDir, 'BUILD_ID'))) {
    throw new Error(
      `bench:${bench} measures the production server on the built app: run \`npm run build\` first (no ${distDir}/BUILD_ID).`,
    );
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export type ProductionServer = { port: number; child: ChildProcess; command: string; exited: Promise<number | null> };

/**
 * Starts what `npm start` runs (package.json's start script, exec'd so signals reach it) on a free
 * port, and waits until /api/health answers 200. `preload`: modules imported after tsx (the start
 * script must be `node … --import tsx …`); `profileDir`: a CPU profile written at the graceful exit
 * (--cpu-prof, which NODE_OPTIONS refuses); `verbose`: the server's stdout on ours.
 */
export async function startProduction(
  env: Record<string, string>,
  options: { preload?: string[]; profileDir?: string; verbose?: boolean } = {},
): Promise<ProductionServer> {
  const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } })
    .scripts.start;
  const port = await freePort();
  const command = `${start} -p ${port}`;
  let run = command;
  if (options.preload?.length) {
    if (!/^node (--\S+ )*--import tsx /.test(run))
      throw new Error(`the start script is not \`node … --import tsx …\` any more (${start}): update the bench`);
    const imports = options.preload.map((m) => `--import ${m}`).join(' ');
    run = run.replace(/--import tsx /, `--import tsx ${imports} `);
  }
  if (options.profileDir) run = run.replace(/^node /, `node --cpu-prof --cpu-prof-dir=${options.profileDir} `);
  const child = spawn('sh', ['-c', `exec ${run}`], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    if (options.verbose) process.stdout.write(`[server] ${chunk}`);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path: '/api/health' }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (ok) break;
    if (child.exitCode !== null)
      throw new Error(`the production server (${command}) exited with ${child.exitCode} before answering`);
    if (Date.now() > deadline)
      throw new Error(`the production server (${command}) did not answer /api/health within 2 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { port, child, command: run, exited };
}

/**
 * The environment the production server runs with in a bench: the scratch database, a temporary
 * DATA_DIR, the keyring, a fresh AUTH_SECRET, the sandbox without provisioning or demo data.
 */
export function productionEnv(options: {
  databaseUrl: string;
  dataDir: string;
  keySpec: string;
}): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: options.dataDir,
    ENCRYPTION_KEYS: options.keySpec,
    AUTH_SECRET: randomBytes(32).toString('base64'),
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    KLARNA_ENVIRONMENT: 'sandbox',
    SANDBOX_AUTO_PROVISION: 'false',
    SEED_DEMO: 'false',
  };
}

/**
 * With BENCH_LOCK=<file>: waits for an exclusive flock(1) on it, held until `release` is called,
 * so a bench can seed while others work and take the machine only while it measures. Without
 * BENCH_LOCK, nothing.
 */
export async function exclusiveLock(): Promise<{ release: () => void }> {
  const file = process.env.BENCH_LOCK;
  if (!file) return { release: () => {} };
  const child = spawn('flock', [file, 'sh', '-c', 'echo locked; read _'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`flock ${file} exited with ${code}`)));
  });
  return { release: () => child.stdin!.end() };
}
