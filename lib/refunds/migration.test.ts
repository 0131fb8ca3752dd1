import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { rowsOf } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { describeMigration } from '@/test/db';

describeMigration("the migration making a refund file's hash unique", 'refund_batches_sha256_unique', (handle) => {
  it('applies over one file stored twice by the old race: the earlier batch keeps the hash', async () => {
    const db = handle().db;
    const insert = (file: string, hash: string, at: string) =>
      db.execute(
        sql`insert into refund_batches (file_name, sha256, size_bytes, columns, amount_unit, status, uploaded_by_email, approval_rule, rows_total, rows_will_refund, rows_refused, totals, created_at)
            values (${file}, ${hash}, 10, '[]'::jsonb, 'minor', 'dry_run', 'op@example.com', 'typed_total', 1, 1, 0, '[]'::jsonb, ${at}::timestamptz)`,
      );
    await insert('first.csv', 'aaa', '2026-12-01T10:00:00Z');
    await insert('again.csv', 'aaa', '2026-12-01T10:00:00.5Z');
    await insert('other.csv', 'bbb', '2026-12-01T10:00:01Z');
    await migrateDatabase(handle());
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
});
