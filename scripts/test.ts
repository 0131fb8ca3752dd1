/**
 * `npm test`: typecheck, lint, format check (prettier), unit + integration tests (Vitest), production build, and the
 * Playwright end-to-end tests in Chromium. Every step runs even when an earlier one failed
 * (except e2e, which needs the build), and the last line sums them all: `N passed, N failed`.
 * The exit code is non-zero when anything failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

type Outcome = { step: string; passed: number; failed: number; skipped: number; seconds: number; note?: string };

const resultsDir = path.resolve('.data/test-results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: process.env.FORCE_COLOR ?? '1' };
const outcomes: Outcome[] = [];

function run(step: string, command: string, args: string[]): { ok: boolean; seconds: number } {
  console.log(`\n━━ ${step}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  return { ok: result.status === 0, seconds: (Date.now() - started) / 1000 };
}

/** A step that is one check: it passes or fails as a whole. */
function check(step: string, command: string, args: string[]): boolean {
  const { ok, seconds } = run(step, command, args);
  outcomes.push({ step, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, seconds });
  return ok;
}

/** A step whose runner writes a JSON report we can count tests from. */
function suite(
  step: string,
  command: string,
  args: string[],
  report: string,
  count: (json: unknown) => Omit<Outcome, 'step' | 'seconds'>,
) {
  const { ok, seconds } = run(step, command, args);
  if (!existsSync(report)) {
    outcomes.push({ step, passed: 0, failed: 1, skipped: 0, seconds, note: 'runner crashed before reporting' });
    return;
  }
  const counted = count(JSON.parse(readFileSync(report, 'utf8')));
  // A runner that exits non-zero with no failed test (a crash in a hook, say) still fails.
  if (!ok && counted.failed === 0) counted.failed = 1;
  outcomes.push({ step, seconds, ...counted });
}

const vitestReport = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number(),
});
const playwrightReport = z.object({
  stats: z.object({ expected: z.number(), unexpected: z.number(), flaky: z.number(), skipped: z.number() }),
});

const bin = (name: string) => path.resolve('node_modules/.bin', name);
check('typecheck', bin('tsc'), ['--noEmit']);
check('lint', bin('eslint'), ['--max-warnings', '0', '.']);
check('format', bin('prettier'), ['--check', '.']);
suite(
  'unit + integration',
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile=${resultsDir}/vitest.json`],
  `${resultsDir}/vitest.json`,
  (json) => {
    const r = vitestReport.parse(json);
    return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
  },
);
if (check('build', bin('next'), ['build'])) {
  suite('end-to-end', bin('playwright'), ['test'], `${resultsDir}/playwright.json`, (json) => {
    const { stats } = playwrightReport.parse(json);
    return { passed: stats.expected, failed: stats.unexpected + stats.flaky, skipped: stats.skipped };
  });
} else {
  outcomes.push({
    step: 'end-to-end',
    passed: 0,
    failed: 1,
    skipped: 0,
    seconds: 0,
    note: 'not run: the build failed',
  });
}

console.log('\n━━ summary');
for (const o of outcomes) {
  const mark = o.failed ? '✖' : '✔';
  console.log(
    `${mark} ${o.step.padEnd(20)} ${String(o.passed).padStart(4)} passed ${String(o.failed).padStart(3)} failed ${String(o.skipped).padStart(3)} skipped  ${o.seconds.toFixed(1)} s${o.note ? `  (${o.note})` : ''}`,
  );
}
const passed = outcomes.reduce((n, o) => n + o.passed, 0);
const failed = outcomes.reduce((n, o) => n + o.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
