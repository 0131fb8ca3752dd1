import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settlementImports, settlementLines } from '@/db/schema';
import { extendedCsvHeader } from '@/lib/klarna/schemas/settlements';
import { createUser } from '@/test/factories';
import { openTestDatabase } from '@/test/db';

/**
 * Issue 14, point 7: two app instances that share only Postgres (each its own DATA_DIR, no
 * shared disk). Every upload goes to the web instance; the other instance's worker imports it.
 * Real processes, since a shared module (the job queue, the database handle) in one process
 * would hide what two machines do not share.
 */
const url = process.env.TEST_DATABASE_URL;
const line = (file: number, i: number) =>
  `2026-11-0${1 + (file % 8)}T10:00:00Z,,,tx-${file}-${i},,cap-${file}-${i},,,${100 + i},,100,1200000,0,0,0,0,EUR,,,,,,acct-${file},TWO-${file},SALE,101,0,${-1 + i}\r\n`;

type Message = { ready?: boolean; port?: number; reconciled?: string };

function start(
  mode: 'web' | 'worker',
  env: Record<string, string>,
  onMessage: (m: Message) => void,
): Promise<{ child: ChildProcess; port?: number }> {
  const child = fork(path.resolve('lib/settlements/testing/instance.ts'), [mode], {
    execArgv: ['--conditions=react-server', '--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (m: Message) => {
      if (m.ready) resolve({ child, port: m.port });
      else onMessage(m);
    });
    child.once('exit', (code) => reject(new Error(`the ${mode} instance exited (${code})`)));
  });
}

(url ? describe : describe.skip)('settlement uploads across two instances that share no disk [postgres]', () => {
  let handle: Awaited<ReturnType<typeof openTestDatabase>>;
  const children: ChildProcess[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    handle = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await handle?.dispose();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("takes 8 uploads on one instance and imports all of them with the other instance's worker", async () => {
    const { actor } = await createUser(handle.db, { role: 'operator' });
    const [webDir, workerDir] = [
      await mkdtemp(path.join(os.tmpdir(), 'kpd-web-')),
      await mkdtemp(path.join(os.tmpdir(), 'kpd-worker-')),
    ];
    dirs.push(webDir, workerDir);
    const reconciledBy = new Map<string, string>();
    const common = {
      DATABASE_URL: handle.driver === 'postgres' ? handle.url : '',
      SANDBOX_AUTO_PROVISION: 'false',
      SEED_DEMO: 'false',
    };
    const worker = await start(
      'worker',
      { ...common, DATA_DIR: workerDir },
      (m) => m.reconciled && reconciledBy.set(m.reconciled, 'worker'),
    );
    children.push(worker.child);
    const web = await start('web', { ...common, DATA_DIR: webDir, INSTANCE_ACTOR: JSON.stringify(actor) }, () => {});
    children.push(web.child);

    const answers = await Promise.all(
      Array.from({ length: 8 }, async (_, file) => {
        const body = extendedCsvHeader + Array.from({ length: 40 }, (_, i) => line(file, i)).join('');
        const response = await fetch(`http://127.0.0.1:${web.port}/upload`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv', 'x-file-name': `two-${file}.csv` },
          body,
        });
        return {
          status: response.status,
          body: (await response.json()) as { import?: { id: string }; error?: { message: string } },
        };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(202));
    const ids = answers.map((a) => a.body.import!.id);

    let rows: { id: string; status: string; error: string | null }[] = [];
    for (let i = 0; i < 150; i++) {
      rows = await handle.db
        .select({ id: settlementImports.id, status: settlementImports.status, error: settlementImports.error })
        .from(settlementImports)
        .where(inArray(settlementImports.id, ids));
      if (rows.every((r) => r.status === 'done' || r.status === 'failed')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(rows.map((r) => [r.status, r.error])).toEqual(Array(8).fill(['done', null]));
    // The worker tells us over IPC after its job returns, which can be just after the row says done.
    await expect.poll(() => [...reconciledBy.keys()].sort(), { timeout: 10_000 }).toEqual([...ids].sort());
    expect(await handle.db.$count(settlementLines, inArray(settlementLines.importId, ids))).toBe(8 * 40);
    // Neither instance kept a copy of any file.
    for (const dir of [webDir, workerDir]) expect((await readdir(dir)).filter((f) => f !== 'secrets.json')).toEqual([]);
  }, 90_000);
});
