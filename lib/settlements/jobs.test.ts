import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settlementImports, settlementLines } from '@/db/schema';
import { enqueue, queues, startJobs, stopJobs } from '@/lib/jobs/queue';
import { extendedCsvHeader } from '@/lib/klarna/schemas/settlements';
import { openTestDatabase, type Driver } from '@/test/db';
import { receiveSettlementFile, runImport } from './import';

const realPostgres = Boolean(process.env.TEST_DATABASE_URL);

async function* bytesOf(text: string) {
  yield Buffer.from(text);
}

const line = (i: number) =>
  `2026-11-02T10:00:00Z,,,tx-${i},,cap-${i},,,${100 + i},,100,1200000,0,0,0,0,EUR,,,,,,acct,JOB-1,SALE,101,0,${-1 + i}\r\n`;

for (const driver of ['pglite', 'postgres'] as const satisfies Driver[]) {
  (driver === 'postgres' && !realPostgres ? describe.skip : describe)(
    `settlement import as a queued job [${driver}]`,
    () => {
      let handle: Awaited<ReturnType<typeof openTestDatabase>>;
      let dir: string;
      beforeAll(async () => {
        handle = await openTestDatabase(driver);
        dir = await mkdtemp(path.join(os.tmpdir(), 'settle-job-'));
      });
      afterAll(async () => {
        await stopJobs();
        await handle?.dispose();
        await rm(dir, { recursive: true, force: true });
      });

      it('runs a queued import to the end through pg-boss, and a second run of the same job changes nothing', async () => {
        const ran: string[] = [];
        await startJobs(
          handle,
          {
            [queues.settlementImport]: async ({ importId }) => {
              ran.push(importId);
              await runImport(handle, importId);
            },
            [queues.settlementFetch]: async () => {},
            [queues.settlementRecheck]: async () => {},
          },
          { pollingIntervalSeconds: 0.5 },
        );
        const row = await receiveSettlementFile(
          handle,
          bytesOf(extendedCsvHeader + Array.from({ length: 50 }, (_, i) => line(i)).join('')),
          { source: 'upload', fileName: 'job.csv' },
          { queue: async () => {} },
        );
        await enqueue(queues.settlementImport, { importId: row.id });
        let status = row.status;
        for (let i = 0; i < 100 && status !== 'done' && status !== 'failed'; i++) {
          await new Promise((r) => setTimeout(r, 200));
          const [current] = await handle.db
            .select({ status: settlementImports.status })
            .from(settlementImports)
            .where(eq(settlementImports.id, row.id));
          status = current!.status;
        }
        expect(status).toBe('done');
        expect(ran).toEqual([row.id]);
        const again = await runImport(handle, row.id);
        expect(again.status).toBe('done');
        expect(await handle.db.$count(settlementLines, eq(settlementLines.importId, row.id))).toBe(50);
      }, 60_000);
    },
  );
}
