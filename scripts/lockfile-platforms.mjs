#!/usr/bin/env node
/**
 * Keeps package-lock.json usable by `npm ci` here. The npm registry this project's machines
 * reach serves platform-specific binary packages (next's SWC, tailwind's oxide, …) only for
 * linux-x64, so `npm install` leaves the other platforms' optional packages out of the lock,
 * and `npm ci` then refuses the lock as "Missing: … from lock file". This adds an entry for
 * each such package with its os/cpu, as the public registry would; npm skips them on every
 * other platform without downloading anything.
 *
 *   node scripts/lockfile-platforms.mjs          # fix the lock in place (runs as postinstall)
 *   node scripts/lockfile-platforms.mjs --check  # exit 1 if entries are missing
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages ?? {};

// Platform suffixes as napi-rs and friends name their packages.
const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = ['x64', 'arm64', 'arm', 'ia32', 'loong64', 'ppc64', 's390x', 'riscv64', 'mips64el', 'wasm32', 'universal'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  if (!cpu) return null;
  if (cpu === 'wasm32') return { cpu: ['wasm32'] };
  const entry = { ...(os ? { os: [os] } : {}), cpu: cpu === 'universal' ? ['x64', 'arm64'] : [cpu] };
  if (os === 'linux') entry.libc = [parts.includes('musl') || parts.includes('musleabihf') ? 'musl' : 'glibc'];
  return entry;
}

const added = [];
for (const [location, meta] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) continue;
    packages[`node_modules/${name}`] = {
      version: spec,
      ...(meta.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added.push(`${name}@${spec}`);
  }
}

if (process.argv.includes('--check')) {
  if (added.length) {
    console.error(
      `package-lock.json lacks ${added.length} platform package entries (${added.slice(0, 3).join(', ')}, …).\nRun: node scripts/lockfile-platforms.mjs`,
    );
    process.exit(1);
  }
  process.exit(0);
}
if (added.length) {
  lock.packages = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
  );
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`lockfile-platforms: added ${added.length} platform package entries to package-lock.json`);
}
