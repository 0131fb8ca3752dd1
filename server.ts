/**
 * The production server, what `npm start` runs (`node --conditions=react-server --import tsx server.ts`:
 * the condition lets lib's `import 'server-only'` load outside Next's bundles), in place of
 * `next start`: one Node HTTP server that hands `POST /api/webhooks/klarna` straight to the
 * webhook receiver (lib/webhooks/app-receiver.ts, the code the route handler calls under
 * `next dev`), the live pages' version polls (`GET /api/…/version`) straight to
 * lib/version-polls.ts, and every other request to Next.js, which runs proxy.ts and the app.
 * Next's router costs milliseconds per request, so Klarna's deliveries and the polls every open
 * tab makes skip it (bench:webhooks, bench:pages).
 *
 *   npm start [-- -p <port>] [-H <hostname>] [--keepAliveTimeout <ms>]
 *
 * As `next start`: PORT or -p (default 3000); -H or HOSTNAME (default: every interface);
 * --keepAliveTimeout; the app starts (instrumentation.ts: configuration, migrations, first
 * admin, jobs) before the port opens; SIGTERM or SIGINT stop taking connections, let requests
 * in flight finish, then stop the jobs and close the database.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';

// Before Next.js loads: `next start` runs in production mode unless told otherwise.
(process.env as Record<string, string | undefined>).NODE_ENV ??= 'production';

const SHUTDOWN_GRACE_MS = 30_000;

function options() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', short: 'p' },
      hostname: { type: 'string', short: 'H' },
      keepAliveTimeout: { type: 'string' },
    },
    allowPositionals: false,
  });
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(
      `The port must be a whole number from 0 to 65535 (got "${values.port ?? process.env.PORT}" from ${values.port ? '-p' : 'PORT'}).`,
    );
  const keepAliveTimeout = values.keepAliveTimeout === undefined ? undefined : Number(values.keepAliveTimeout);
  if (keepAliveTimeout !== undefined && !(Number.isInteger(keepAliveTimeout) && keepAliveTimeout > 0))
    throw new Error('--keepAliveTimeout must be a whole number of milliseconds above 0.');
  return { port, hostname: values.hostname ?? (process.env.HOSTNAME || undefined), keepAliveTimeout };
}

/** Waits for the start-up Next.js runs in instrumentation.ts (lib/startup.ts); it begins without a request. */
async function appStarted(): Promise<void> {
  // Set by lib/startup.ts startAppOrExit, on globalThis (read here without importing the app).
  const starting = () => (globalThis as { __appStarting?: Promise<void> }).__appStarting;
  const deadline = Date.now() + 120_000;
  while (!starting()) {
    if (Date.now() > deadline)
      throw new Error('The app did not begin its start-up (instrumentation.ts) within 2 minutes.');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await starting();
}

async function main() {
  const { port, hostname, keepAliveTimeout } = options();
  const { default: next } = await import('next');
  const httpServer = createServer();
  const app = next({ dev: false, dir: __dirname, port, hostname: hostname ?? 'localhost', httpServer });
  // Loads the build and .env files and starts Next's own start-up (instrumentation.ts), which
  // `appStarted` waits for: the app (database pool, migrations, jobs) is then up, once, before
  // the receiver below uses the same pool (lib/db.ts keeps one per process on globalThis).
  await app.prepare();
  await appStarted();
  const nextHandler = app.getRequestHandler();
  const { handleKlarnaWebhookNode, flushWebhookRejectionCounts, KLARNA_WEBHOOK_PATH } =
    await import('@/lib/webhooks/app-receiver');
  const { handleVersionPollNode, isVersionPoll } = await import('@/lib/version-polls');

  const isWebhook = (req: IncomingMessage) =>
    req.method === 'POST' &&
    (req.url === KLARNA_WEBHOOK_PATH || req.url?.startsWith(`${KLARNA_WEBHOOK_PATH}?`) === true);
  const failed = (res: ServerResponse, error: unknown) => {
    console.error('request failed', error);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('Internal Server Error');
  };
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (isWebhook(req)) handleKlarnaWebhookNode(req, res).catch((error: unknown) => failed(res, error));
    else if (isVersionPoll(req)) handleVersionPollNode(req, res).catch((error: unknown) => failed(res, error));
    else Promise.resolve(nextHandler(req, res)).catch((error: unknown) => failed(res, error));
  });
  if (keepAliveTimeout !== undefined) httpServer.keepAliveTimeout = keepAliveTimeout;

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, hostname, () => resolve());
  });
  const address = httpServer.address();
  const shown =
    typeof address === 'object' && address ? `http://${hostname ?? 'localhost'}:${address.port}` : String(address);
  console.log(
    `▸ ready on ${shown} (POST ${KLARNA_WEBHOOK_PATH} and the version polls served directly, everything else by Next.js)`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`▸ ${signal}: finishing requests in flight, then stopping`);
    setTimeout(() => {
      console.error(`! requests still running after ${SHUTDOWN_GRACE_MS / 1000} s; stopping anyway`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    void (async () => {
      // No new connections; idle keep-alive ones are closed, busy ones when their request ends.
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await app.close().catch((error: unknown) => console.error(error));
      await flushWebhookRejectionCounts().catch((error: unknown) => console.error(error));
      const { stopJobs } = await import('@/lib/jobs/queue');
      await stopJobs().catch((error: unknown) => console.error(error));
      const { appDb } = await import('@/lib/db');
      await appDb()
        .close()
        .catch((error: unknown) => console.error(error));
      process.exit(signal === 'SIGINT' ? 130 : 143);
    })();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  console.error(
    `\n✖ The dashboard cannot start.\n${code === 'EADDRINUSE' ? 'The port is already in use (set PORT or -p).' : error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
