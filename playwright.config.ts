import { defineConfig, devices } from '@playwright/test';
import { e2eServers } from './e2e/servers';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export default defineConfig({
  testDir: './e2e',
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: 2,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: '.data/test-results/playwright.json' }]],
  outputDir: '.data/test-results/playwright',
  use: {
    ...devices['Desktop Chrome'],
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      // The machine's network is closed: background fetches only produce refused connections.
      args: [
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        ...(isRoot ? ['--no-sandbox'] : []),
      ],
    },
  },
  projects: e2eServers.flatMap((server) => [
    {
      name: `setup-${server.name}`,
      testMatch: /auth\.setup\.ts/,
      use: { baseURL: `http://localhost:${server.port}` },
    },
    // The Klarna wire spec starts from "no key stored" and walks the set-up in order, so it
    // runs alone first; the specs after it (merchants, …) use the connection it leaves.
    {
      name: `wire-${server.name}`,
      dependencies: [`setup-${server.name}`],
      testMatch: /klarna-wire\.spec\.ts/,
      grep: server.full ? undefined : /@smoke/,
      use: { baseURL: `http://localhost:${server.port}` },
    },
    {
      name: server.name,
      dependencies: [`wire-${server.name}`],
      testIgnore: [/auth\.setup\.ts/, /klarna-wire\.spec\.ts/],
      grep: server.full ? undefined : /@smoke/,
      use: { baseURL: `http://localhost:${server.port}` },
    },
  ]),
  webServer: e2eServers.map((server) => ({
    command: `tsx --conditions=react-server scripts/e2e-server.ts ${server.name} ${server.port}`,
    url: `http://localhost:${server.port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe' as const,
    stderr: 'pipe' as const,
  })),
});
