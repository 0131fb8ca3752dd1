import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: '@', replacement: root },
      // lib's server modules import 'server-only', which throws outside Next's server bundles.
      { find: /^server-only$/, replacement: path.join(root, 'test/server-only.ts') },
    ],
  },
  test: {
    environment: 'node',
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**', '.data/**'],
    // argon2 hashing and a fresh migrated database per suite take a few seconds each.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
