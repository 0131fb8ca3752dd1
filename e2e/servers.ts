/**
 * The servers the end-to-end run starts (see scripts/e2e-server.ts). With TEST_DATABASE_URL
 * the full suite runs against real Postgres and a smoke subset against embedded PGlite;
 * without it, the full suite runs against PGlite.
 */
export type E2eServer = { name: 'pglite' | 'postgres'; port: number; full: boolean };

/** Each e2e server has its own Klarna sandbox (scripts/e2e-server.ts) on port + 1000. */
export const sandboxUrlFor = (port: number) => `http://127.0.0.1:${port + 1000}`;

const realPostgres = Boolean(process.env.TEST_DATABASE_URL);

export const e2eServers: E2eServer[] = realPostgres
  ? [
      { name: 'postgres', port: 3102, full: true },
      { name: 'pglite', port: 3101, full: false },
    ]
  : [{ name: 'pglite', port: 3101, full: true }];

export const e2eDataDir = (name: string) => `.data/e2e-${name}`;

/** Users the e2e server seeds next to the demo admin (scripts/e2e-server.ts). */
export const FIXTURE_PASSWORD = 'e2e fixture password 2026';
export const fixtureUsers = {
  operator: 'e2e-operator@example.com',
  viewer: 'e2e-viewer@example.com',
} as const;
