import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { users } from '@/db/schema';
import { listAudit } from '@/lib/audit';
import { verifyPassword } from '@/lib/auth/password';
import { ConfigError } from '@/lib/env';
import { openTestDatabase } from '@/test/db';
import { DEMO_ADMIN_EMAIL, ensureFirstAdmin } from './bootstrap';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'kpd-boot-'));

it('creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD once', async () => {
  const handle = await openTestDatabase('pglite');
  const config = {
    ADMIN_EMAIL: 'Root@Example.com',
    ADMIN_PASSWORD: 'a strong first password',
    SEED_DEMO: false,
    DATA_DIR: dataDir(),
  };
  expect(await ensureFirstAdmin(handle.db, config)).toEqual({ kind: 'created-from-env', email: 'root@example.com' });
  expect(await ensureFirstAdmin(handle.db, config)).toEqual({ kind: 'existing', demo: null });
  const all = await handle.db.select().from(users);
  expect(all).toHaveLength(1);
  expect(all[0]).toMatchObject({ role: 'admin', mustChangePassword: false });
  expect((await listAudit(handle.db, { actor: 'system' })).rows.map((r) => r.action)).toEqual([
    'users.bootstrap_admin',
  ]);
  await handle.dispose();
});

it('refuses a weak ADMIN_PASSWORD naming the variable', async () => {
  const handle = await openTestDatabase('pglite');
  await expect(
    ensureFirstAdmin(handle.db, {
      ADMIN_EMAIL: 'a@example.com',
      ADMIN_PASSWORD: 'short',
      SEED_DEMO: false,
      DATA_DIR: dataDir(),
    }),
  ).rejects.toThrow(ConfigError);
  await expect(
    ensureFirstAdmin(handle.db, {
      ADMIN_EMAIL: 'a@example.com',
      ADMIN_PASSWORD: 'short',
      SEED_DEMO: false,
      DATA_DIR: dataDir(),
    }),
  ).rejects.toThrow(/ADMIN_PASSWORD Use at least 14/);
  await handle.dispose();
});

it('in demo mode creates a demo admin whose credentials are kept for the next start', async () => {
  const handle = await openTestDatabase('pglite');
  const dir = dataDir();
  const created = await ensureFirstAdmin(handle.db, { SEED_DEMO: true, DATA_DIR: dir });
  expect(created).toMatchObject({ kind: 'created-demo', email: DEMO_ADMIN_EMAIL });
  const file = path.join(dir, 'demo-credentials.json');
  expect(existsSync(file)).toBe(true);
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  const [admin] = await handle.db.select().from(users);
  expect(await verifyPassword(admin!.passwordHash, saved.password)).toBe(true);
  expect(await ensureFirstAdmin(handle.db, { SEED_DEMO: true, DATA_DIR: dir })).toEqual({
    kind: 'existing',
    demo: saved,
  });
  await handle.dispose();
});

it('without either, creates nobody and says so', async () => {
  const handle = await openTestDatabase('pglite');
  expect(await ensureFirstAdmin(handle.db, { SEED_DEMO: false, DATA_DIR: dataDir() })).toEqual({ kind: 'no-admin' });
  await handle.dispose();
});
