import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { settlementImports, settlementLines, settlementQuarantine } from '@/db/schema';
import { queues, startJobs, stopJobs } from '@/lib/jobs/queue';
import { extendedCsvHeader } from '@/lib/klarna/schemas/settlements';
import { openTestDatabase, type Driver } from '@/test/db';
import {
  failStaleReceives,
  receiveSettlementFile,
  RECONCILE_ATTEMPTS,
  runImport,
  STALE_RECEIVE_MS,
  UploadStalledError,
} from './import';
import * as reconcile from './reconcile';

/**
 * Issue 14, point 7: what an upload leaves in Postgres (nothing but its lines and its import),
 * and that no failure leaves an orphan or shows a server path.
 */
vi.mock('./reconcile', async (original) => {
  const actual = await original<typeof reconcile>();
  return { ...actual, reconcileImport: vi.fn(actual.reconcileImport) };
});
const reconcileImport = vi.mocked(reconcile.reconcileImport);

const realPostgres = Boolean(process.env.TEST_DATABASE_URL);
const line = (tag: string, i: number) =>
  `2026-11-02T10:00:00Z,,,tx-${tag}-${i},,cap-${tag}-${i},,,${100 + i},,100,1200000,0,0,0,0,EUR,,,,,,acct,${tag},SALE,101,0,${-1 + i}\r\n`;
const file = (tag: string, lines = 20) =>
  extendedCsvHeader + Array.from({ length: lines }, (_, i) => line(tag, i)).join('');
// What a failure must never show a user (the message of the original bug: a server path).
const serverPath = "ENOENT: no such file or directory, open '/srv/kpd/.data/uploads/5d1c.csv'";
const noQueue = { queue: async () => {} };

for (const driver of ['pglite', 'postgres'] as const satisfies Driver[]) {
  (driver === 'postgres' && !realPostgres ? describe.skip : describe)(
    `settlement uploads kept in Postgres only [${driver}]`,
    () => {
      let handle: Awaited<ReturnType<typeof openTestDatabase>>;
      beforeAll(async () => {
        handle = await openTestDatabase(driver);
      });
      afterAll(async () => {
        await stopJobs();
        await handle?.dispose();
      });
      const importRow = async (id: string) =>
        (await handle.db.select().from(settlementImports).where(eq(settlementImports.id, id)))[0];
      const linesOf = (id: string) => handle.db.$count(settlementLines, eq(settlementLines.importId, id));

      it('keeps nothing of the upload but its lines: queued with its digest, and after the job only the reconciled lines', async () => {
        const queued: string[] = [];
        const row = await receiveSettlementFile(
          handle,
          [Buffer.from(file('KEEP-1'))],
          { source: 'upload', fileName: 'keep.csv' },
          { queue: async (id) => void queued.push(id) },
        );
        expect(queued).toEqual([row.id]);
        expect(row).toMatchObject({
          status: 'queued',
          linesImported: 20,
          sizeBytes: Buffer.byteLength(file('KEEP-1')),
        });
        expect(row.sha256).toBe(createHash('sha256').update(file('KEEP-1')).digest('hex'));
        expect(row.payoutTotals).toHaveLength(1);
        expect(await linesOf(row.id)).toBe(20);
        const done = await runImport(handle, row.id);
        expect(done).toMatchObject({ status: 'done', error: null, payoutTotals: null, attempts: 1 });
        expect(await linesOf(row.id)).toBe(20);
      });

      it('a reconciliation that fails is retried (the import waits, queued), and after the last attempt fails naming no server path, its lines removed', async () => {
        const row = await receiveSettlementFile(
          handle,
          [Buffer.from(file('RETRY-1'))],
          { source: 'upload', fileName: 'retry.csv' },
          noQueue,
        );
        reconcileImport.mockRejectedValueOnce(Object.assign(new Error(serverPath), { code: 'ENOENT' }));
        await expect(runImport(handle, row.id)).rejects.toThrow(/ENOENT/);
        expect(await importRow(row.id)).toMatchObject({ status: 'queued', attempts: 1 });
        expect(await linesOf(row.id)).toBe(20);
        expect((await runImport(handle, row.id)).status).toBe('done');

        const doomed = await receiveSettlementFile(
          handle,
          [Buffer.from(file('RETRY-2'))],
          { source: 'upload', fileName: 'doomed.csv' },
          noQueue,
        );
        for (let attempt = 1; attempt < RECONCILE_ATTEMPTS; attempt++) {
          reconcileImport.mockRejectedValueOnce(new Error(serverPath));
          await expect(runImport(handle, doomed.id)).rejects.toThrow();
        }
        reconcileImport.mockRejectedValueOnce(new Error(serverPath));
        const failed = await runImport(handle, doomed.id);
        expect(failed.status).toBe('failed');
        expect(failed.error).toMatch(
          /^Reconciling this file failed 3 times \(reference [0-9a-f]{8}\)\. Nothing of this file was kept; try again/,
        );
        expect(failed.error).not.toMatch(/\/srv|ENOENT|uploads/);
        expect(await linesOf(doomed.id)).toBe(0);
        // Failed, the same bytes may come in again.
        const again = await receiveSettlementFile(
          handle,
          [Buffer.from(file('RETRY-2'))],
          { source: 'upload', fileName: 'doomed.csv' },
          noQueue,
        );
        expect(again.status).toBe('queued');
      });

      it('pg-boss retries a failed reconciliation job until the import is done', async () => {
        await startJobs(
          handle,
          {
            [queues.settlementImport]: async ({ importId }) => void (await runImport(handle, importId)),
            [queues.settlementFetch]: async () => {},
            [queues.settlementRecheck]: async () => {},
          },
          { pollingIntervalSeconds: 0.5 },
        );
        reconcileImport.mockRejectedValueOnce(new Error(serverPath));
        const { enqueue } = await import('@/lib/jobs/queue');
        const row = await receiveSettlementFile(
          handle,
          [Buffer.from(file('BOSS-1'))],
          { source: 'upload', fileName: 'boss.csv' },
          { queue: (importId) => enqueue(queues.settlementImport, { importId }) },
        );
        let current = await importRow(row.id);
        for (let i = 0; i < 150 && current?.status !== 'done' && current?.status !== 'failed'; i++) {
          await new Promise((r) => setTimeout(r, 200));
          current = await importRow(row.id);
        }
        expect(current).toMatchObject({ status: 'done', attempts: 2 });
        await stopJobs();
      }, 60_000);

      it('an upload cut off mid-way fails visibly with no server path and leaves no lines (no orphan)', async () => {
        const text = file('CUT-1', 200);
        async function* cut() {
          yield Buffer.from(text.slice(0, 4000));
          throw Object.assign(new Error(serverPath), { code: 'ENOENT' });
        }
        const error = await receiveSettlementFile(
          handle,
          cut(),
          { source: 'upload', fileName: 'cut.csv' },
          noQueue,
        ).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        const [row] = await handle.db.select().from(settlementImports).where(eq(settlementImports.fileName, 'cut.csv'));
        expect(row).toMatchObject({ status: 'failed', sha256: null });
        expect(row!.error).toMatch(/^The file could not be read in to the end \(reference [0-9a-f]{8}\)/);
        expect(row!.error).not.toMatch(/\/srv|ENOENT|uploads/);
        expect(await linesOf(row!.id)).toBe(0);
        expect(await handle.db.$count(settlementQuarantine, eq(settlementQuarantine.importId, row!.id))).toBe(0);
      });

      it('a queue that cannot take the job fails the upload (no import left waiting for a job that never comes)', async () => {
        const error = await receiveSettlementFile(
          handle,
          [Buffer.from(file('NOQ-1'))],
          { source: 'upload', fileName: 'noqueue.csv' },
          { queue: async () => Promise.reject(new Error('The job queue is not running')) },
        ).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        const [row] = await handle.db
          .select()
          .from(settlementImports)
          .where(eq(settlementImports.fileName, 'noqueue.csv'));
        expect(row!.status).toBe('failed');
        expect(await linesOf(row!.id)).toBe(0);
      });

      /** A client that sends its first part, then stalls before each further part until `resume()`. */
      const stallingUpload = (...parts: string[]) => {
        const opens: (() => void)[] = [];
        const gates = parts.slice(1).map(() => new Promise<void>((resolve) => opens.push(resolve)));
        let next = 0;
        async function* bytes() {
          for (const [i, part] of parts.entries()) {
            if (i > 0) await gates[i - 1];
            yield Buffer.from(part);
          }
        }
        return { bytes: bytes(), resume: () => opens[next++]!() };
      };
      const receivingImport = async (fileName: string, bytesAtLeast: number) => {
        for (let i = 0; i < 200; i++) {
          const [row] = await handle.db
            .select()
            .from(settlementImports)
            .where(eq(settlementImports.fileName, fileName));
          if (row && row.bytesRead >= bytesAtLeast) return row;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error(`${fileName}: no progress recorded`);
      };

      it('an upload the sweep declared stale mid-way stays failed when its client resumes: nothing queued, no lines left, a clear error', async () => {
        // A bad line before the stall: its quarantine row is what the sweep removed in the finding.
        const text = file('STALL-1', 300).replace(line('STALL-1', 5), line('STALL-1', 5).replace(',EUR,', ',XXX,'));
        const cut = text.indexOf('\r\n', 6000) + 2;
        const upload = stallingUpload(text.slice(0, cut), text.slice(cut));
        const queued: string[] = [];
        const receiving = receiveSettlementFile(
          handle,
          upload.bytes,
          { source: 'upload', fileName: 'stall.csv' },
          { queue: async (id) => void queued.push(id) },
        ).catch((e: unknown) => e);
        const row = await receivingImport('stall.csv', cut);
        // The sweep runs as if the client had been silent for longer than the threshold.
        expect(await failStaleReceives(handle.db, new Date(Date.now() + STALE_RECEIVE_MS + 60_000))).toBe(1);
        upload.resume();
        const error = await receiving;
        expect(error).toBeInstanceOf(UploadStalledError);
        expect((error as Error).message).toBe(
          'The upload stalled for more than 10 minutes and was stopped; nothing of this file was kept. Upload it again.',
        );
        expect((error as Error).message).not.toMatch(/\/srv|ENOENT|uploads|\//);
        expect(queued).toEqual([]);
        const after = await importRow(row.id);
        expect(after).toMatchObject({
          status: 'failed',
          sha256: null,
          error: expect.stringMatching(/^The upload stopped before the whole file was in \(no data for 10 minutes/),
        });
        expect(await linesOf(row.id)).toBe(0);
        expect(await handle.db.$count(settlementQuarantine, eq(settlementQuarantine.importId, row.id))).toBe(0);
        // The job, were it ever started for it, leaves a failed import alone.
        expect((await runImport(handle, row.id)).status).toBe('failed');
        // And the same file can be uploaded again.
        const again = await receiveSettlementFile(
          handle,
          [Buffer.from(text)],
          { source: 'upload', fileName: 'stall-again.csv' },
          noQueue,
        );
        expect(again).toMatchObject({ status: 'queued', linesImported: 299, linesQuarantined: 1 });
      });

      it('an upload still making progress refreshes its updated_at, so the sweep leaves it alone', async () => {
        const text = file('ALIVE-1', 300);
        const cut = text.indexOf('\r\n', 6000) + 2;
        const cut2 = text.indexOf('\r\n', 12000) + 2;
        const upload = stallingUpload(text.slice(0, cut), text.slice(cut, cut2), text.slice(cut2));
        const receiving = receiveSettlementFile(
          handle,
          upload.bytes,
          { source: 'upload', fileName: 'alive.csv' },
          noQueue,
        );
        const row = await receivingImport('alive.csv', cut);
        // Silent for 11 minutes (as if), then more bytes arrive; the progress bar writes at most every 250 ms.
        await handle.db
          .update(settlementImports)
          .set({ updatedAt: new Date(Date.now() - 11 * 60 * 1000) })
          .where(eq(settlementImports.id, row.id));
        await new Promise((r) => setTimeout(r, 300));
        upload.resume();
        const progressed = await receivingImport('alive.csv', cut2);
        // That progress refreshed updated_at: the sweep, with the real clock, sees an upload alive.
        expect(progressed.updatedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
        expect(await failStaleReceives(handle.db)).toBe(0);
        expect((await importRow(row.id))!.status).toBe('importing');
        upload.resume();
        const done = await receiving;
        expect(done).toMatchObject({ id: row.id, status: 'queued', linesImported: 300 });
        expect(done.updatedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
        expect(await failStaleReceives(handle.db)).toBe(0);
        expect((await importRow(row.id))!.status).toBe('queued');
        expect(await linesOf(row.id)).toBe(300);
      });

      it('an upload whose instance stopped mid-way is failed by the sweep; one still arriving is left alone', async () => {
        const [stale] = await handle.db
          .insert(settlementImports)
          .values({
            source: 'upload',
            fileName: 'stale.csv',
            sizeBytes: 1000,
            status: 'importing',
            updatedAt: new Date(Date.now() - 11 * 60 * 1000),
          })
          .returning();
        const [fresh] = await handle.db
          .insert(settlementImports)
          .values({ source: 'upload', fileName: 'fresh.csv', sizeBytes: 1000, status: 'importing' })
          .returning();
        expect(await failStaleReceives(handle.db)).toBe(1);
        expect(await importRow(stale!.id)).toMatchObject({
          status: 'failed',
          error: expect.stringMatching(/stopped before the whole file was in/),
        });
        expect((await importRow(fresh!.id))!.status).toBe('importing');
      });
    },
  );
}
