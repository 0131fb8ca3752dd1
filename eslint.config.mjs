import { readdirSync } from 'node:fs';
import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

/**
 * Import boundaries between the areas of lib/ (each folder lib/<area>/). A file of an area may
 * import its own area, and of the rest of lib/ only:
 * - the shared modules: every lib/*.ts except the composition files (lib/app.ts, the one module
 *   that lists every area; startup.ts; provision.ts; action.ts, the server-action client for app/;
 *   version-polls.ts, the live pages' fingerprints of several areas),
 *   the whole of lib/klarna, lib/ui and lib/crypto, and the files in `shared` below;
 * - another area's public surface: its service.ts (verbs, and the reads it re-exports) or index.ts;
 * - the few edges in `edges`.
 * A cross-area effect is a job (lib/jobs/queue.ts) or a domain event (lib/domain-events.ts) that
 * lib/app.ts wires, never an import. Tests and lib/<area>/testing/ may cross freely.
 */
const lib = readdirSync(new URL('lib', import.meta.url), { withFileTypes: true });
const areas = lib.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
const composition = ['app.ts', 'startup.ts', 'provision.ts', 'action.ts', 'version-polls.ts'];
const shared = [
  ...lib
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.test.ts') && !composition.includes(entry.name))
    .map((entry) => entry.name),
  'klarna',
  'ui',
  'crypto',
  'jobs/queue.ts',
  'audit/index.ts',
  'auth/guard.ts',
  'auth/roles.ts',
  'credentials/connection.ts',
  // What other areas' webhook handlers use: the registry's types, and whether an event is a test event.
  'webhooks/handlers.ts',
  'webhooks/simulations.ts',
];
const publicSurfaces = areas.flatMap((area) => [`${area}/service.ts`, `${area}/index.ts`]);
/** Allowed edges beyond the above, each with its reason. */
const edges = {
  // Managing users hashes passwords and ends sessions, which auth owns.
  users: ['auth/password.ts', 'auth/sessions.ts'],
  // The receiver reads the client IP as sign-in throttling does.
  webhooks: ['auth/request-ip.ts'],
  // The demo settlement file settles the demo payments.
  settlements: ['payments/demo.ts'],
  // A card reveal needs the session's step-up, which auth owns.
  cards: ['auth/step-up.ts'],
  // The client half of a server action's result: the error shape lib/action.ts produces.
  ui: ['action.ts'],
};
const boundaryZones = [
  ...areas.map((area) => ({
    target: `./lib/${area}`,
    from: './lib',
    except: [...new Set([area, ...shared, ...publicSurfaces, ...(edges[area] ?? [])])].map((path) => `./${path}`),
    message: `lib/${area} may import another area only through its service.ts or the shared modules (eslint.config.mjs); use a job or a domain event wired in lib/app.ts.`,
  })),
  { target: './lib', from: './app', message: 'lib/ does not import app/.' },
  { target: './lib', from: './components', message: 'lib/ does not import components/.' },
  {
    target: './sandbox',
    from: './lib',
    except: ['./klarna'],
    message: 'The sandbox shares only lib/klarna with the app.',
  },
];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    '.next/**',
    '.next-*/**',
    '.data/**',
    'node_modules/**',
    'next-env.d.ts',
    'db/migrations/**',
    'test-results/**',
    'playwright-report/**',
  ]),
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['lib/**', 'sandbox/**'],
    ignores: ['**/*.test.ts', 'lib/*/testing/**'],
    rules: { 'import/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: boundaryZones }] },
  },
  {
    // Playwright fixtures take a `use` callback, which the React hooks rule mistakes for React's.
    files: ['e2e/**'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
]);
