import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachDriver } from '@/test/db';
import { recordAudit } from '@/lib/audit';
import { auditLog } from './schema';
import { migrateDatabase } from './migrate';
import { openDatabase } from './client';

describeEachDriver('migrations', (db) => {
  it('apply from an empty database and create the first schema', async () => {
    const rows = await db().execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const tables = (Array.isArray(rows) ? rows : (rows as unknown as { rows: { table_name: string }[] }).rows).map((r) => r.table_name);
    expect(tables).toEqual(expect.arrayContaining(['api_requests', 'audit_log', 'sign_in_attempts', 'users']));
  });

  it('make the audit log append-only', async () => {
    await recordAudit(db(), { actor: 'system', action: 'users.bootstrap_admin' });
    await expect(db().update(auditLog).set({ action: 'users.create' })).rejects.toThrow();
    await expect(db().delete(auditLog)).rejects.toThrow();
    expect((await db().select().from(auditLog)).map((r) => r.action)).toEqual(['users.bootstrap_admin']);
  });
});

it('running the migrations twice is harmless', async () => {
  const handle = openDatabase({ pgliteDir: 'memory://' });
  await migrateDatabase(handle);
  await migrateDatabase(handle);
  await handle.close();
});
