import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '@/db/client';
import { migrateDatabase, MIGRATIONS_FOLDER } from '@/db/migrate';
import { openTestDatabase } from '@/test/db';

/** The migrations before the one that makes a refund file's hash unique. */
function migrationsBeforeUniqueHash(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kpd-migrations-'));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalFile = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.endsWith('_refund_batches_sha256_unique'));
  if (at < 0) throw new Error('the unique-hash migration is not in the journal');
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return dir;
}

for (const driver of ['pglite', 'postgres'] as const) {
  describe.skipIf(driver === 'postgres' && !process.env.TEST_DATABASE_URL)(
    `the migration making a refund file's hash unique [${driver}]`,
    () => {
      const before = migrationsBeforeUniqueHash();
      let handle: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
      beforeAll(async () => {
        handle = await openTestDatabase(driver, { migrationsFolder: before });
      });
      afterAll(async () => {
        await handle?.dispose();
        rmSync(before, { recursive: true, force: true });
      });

      it('applies over one file stored twice by the old race: the earlier batch keeps the hash', async () => {
        const db = handle!.db;
        const insert = (file: string, hash: string, at: string) =>
          db.execute(
            sql`insert into refund_batches (file_name, sha256, size_bytes, columns, amount_unit, status, uploaded_by_email, approval_rule, rows_total, rows_will_refund, rows_refused, totals, created_at)
                values (${file}, ${hash}, 10, '[]'::jsonb, 'minor', 'dry_run', 'op@example.com', 'typed_total', 1, 1, 0, '[]'::jsonb, ${at}::timestamptz)`,
          );
        await insert('first.csv', 'aaa', '2026-12-01T10:00:00Z');
        await insert('again.csv', 'aaa', '2026-12-01T10:00:00.5Z');
        await insert('other.csv', 'bbb', '2026-12-01T10:00:01Z');
        await migrateDatabase(handle!);
        const rows = rowsOf<{ file_name: string; sha256: string; id: string }>(
          await db.execute(sql`select file_name, sha256, id::text from refund_batches order by created_at`),
        );
        expect(rows.map((r) => [r.file_name, r.sha256])).toEqual([
          ['first.csv', 'aaa'],
          ['again.csv', `aaa:${rows[1]!.id}`],
          ['other.csv', 'bbb'],
        ]);
        await expect(insert('third.csv', 'aaa', '2026-12-02T00:00:00Z')).rejects.toThrow();
      });
    },
  );
}
