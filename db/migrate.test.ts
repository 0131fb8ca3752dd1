import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachDriver } from '@/test/db';
import { recordAudit } from '@/lib/audit';
import { auditLog } from './schema';
import { migrateDatabase } from './migrate';
import { executePrepared, openDatabase } from './client';

describeEachDriver('migrations', (db) => {
  it('apply from an empty database and create the first schema', async () => {
    const rows = await db().execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const tables = (Array.isArray(rows) ? rows : (rows as unknown as { rows: { table_name: string }[] }).rows).map(
      (r) => r.table_name,
    );
    expect(tables).toEqual(expect.arrayContaining(['api_requests', 'audit_log', 'sign_in_attempts', 'users']));
  });

  it('make the audit log append-only', async () => {
    await recordAudit(db(), { actor: 'system', action: 'users.bootstrap_admin' });
    await expect(db().update(auditLog).set({ action: 'users.create' })).rejects.toThrow();
    await expect(db().delete(auditLog)).rejects.toThrow();
    expect((await db().select().from(auditLog)).map((r) => r.action)).toEqual(['users.bootstrap_admin']);
  });

  it('run a fixed-text statement through executePrepared, in and out of a transaction', async () => {
    const doubled = (n: number) => executePrepared<{ n: number }>(db(), sql`select (${n}::int * 2) as n`);
    expect(await doubled(4)).toEqual([{ n: 8 }]);
    expect(await doubled(5)).toEqual([{ n: 10 }]);
    const inTx = await db().transaction(async (tx) => {
      await tx.insert(auditLog).values({ action: 'test.prepared', actorEmail: 'system', outcome: 'success' });
      // Sees the transaction's own uncommitted row: it runs on the transaction's connection.
      return executePrepared<{ n: number }>(
        tx,
        sql`select count(*)::int as n from audit_log where action = ${'test.prepared'}`,
      );
    });
    expect(inTx).toEqual([{ n: 1 }]);
  });
});

it('running the migrations twice is harmless', async () => {
  const handle = openDatabase({ pgliteDir: 'memory://' });
  await migrateDatabase(handle);
  await migrateDatabase(handle);
  await handle.close();
});
