/**
 * `npm run dev`: the embedded Klarna sandbox (sandbox/main.ts, port 4100) and `next dev`
 * together, with their output prefixed. Against Klarna's test or live environment
 * (KLARNA_ENVIRONMENT), only the dashboard starts. Ctrl-C stops both.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, command: string, args: string[], options: { essential: boolean }) {
  const child = spawn(command, args, { stdio: ['inherit', 'pipe', 'pipe'], env: process.env });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split(/\r?\n/)
      .filter((line, i, all) => line || i < all.length - 1)
      .map((line) => `[${name}] ${line}`)
      .join('\n') + '\n';
  child.stdout!.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  child.on('exit', (code) => {
    if (stopping) return;
    if (options.essential) {
      stop(code ?? 0);
    } else if (code) {
      console.error(
        `[${name}] stopped (exit ${code}); if another sandbox already listens on its port, the dashboard uses that one.`,
      );
    }
  });
  children.push(child);
}

function stop(code: number) {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
}

// Klarna's webhooks must reach this server: on another port (PORT=3300 npm run dev) the default
// APP_URL would point them at 3000.
if (process.env.PORT && !process.env.APP_URL) process.env.APP_URL = `http://localhost:${process.env.PORT}`;

const environment = process.env.KLARNA_ENVIRONMENT || 'sandbox';
if (environment === 'sandbox' && !process.env.KLARNA_BASE_URL) {
  // The sandbox keeps its state next to the dashboard's, so one DATA_DIR holds a whole setup.
  process.env.SANDBOX_DATA_DIR ||= `${process.env.DATA_DIR || '.data'}/sandbox`;
  run('sandbox', process.execPath, [require.resolve('tsx/cli'), 'sandbox/main.ts'], { essential: false });
}
run('next', process.execPath, [require.resolve('next/dist/bin/next'), 'dev', ...process.argv.slice(2)], {
  essential: true,
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(0));
