import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SandboxControlClient } from './control-client';
import { SandboxRuntime, type SandboxRuntimeOptions } from './runtime';
import { createSandboxApp } from './server';

export type StartSandboxOptions = SandboxRuntimeOptions & {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
};

export type RunningSandbox = {
  baseUrl: string;
  control: SandboxControlClient;
  /** The in-process instance, for code that runs next to it (later API groups, tests). */
  runtime: SandboxRuntime;
  /** Stops serving and delivering, and writes the state. */
  close(): Promise<void>;
};

/**
 * Starts a sandbox on its own HTTP server. `dataDir` undefined or null keeps the state in
 * memory (what tests want); the CLI (`npm run sandbox`) passes `.data/sandbox`.
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const runtime = await SandboxRuntime.create(options);
  const app = createSandboxApp(runtime);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () =>
      resolve(s as Server),
    ) as Server;
    s.once('error', reject);
  });
  // A connection the pipeline destroyed on purpose (drop_rate) must not take the server down.
  server.on('clientError', (_error, socket) => socket.destroy());
  runtime.start();

  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | null = null;
  return {
    baseUrl,
    control: new SandboxControlClient(baseUrl),
    runtime,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await runtime.stop();
      })();
      return closing;
    },
  };
}
