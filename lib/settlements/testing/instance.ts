/** One app instance (`web` or `worker`) for two-instances.test.ts, started by `tsx` as a real process. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import PgBoss from 'pg-boss';
import { handleSettlementUpload } from '@/app/api/settlements/upload/handle';
import { appDb } from '@/lib/db';
import { queues, startJobs } from '@/lib/jobs/queue';
import { settlementJobHandlers } from '@/lib/settlements/jobs';
import type { Actor } from '@/lib/auth/guard';
import { testContext } from '@/test/context';

async function main() {
  const mode = process.argv[2];
  const handle = appDb();
  if (mode === 'worker') {
    const handlers = settlementJobHandlers();
    const reconcile = handlers[queues.settlementImport];
    if (!reconcile) throw new Error('the settlement jobs have no import handler');
    await startJobs(handle, {
      ...handlers,
      [queues.settlementImport]: async (data) => {
        await reconcile(data);
        process.send!({ reconciled: data.importId });
      },
    });
    process.send!({ ready: true });
  } else if (mode === 'web') {
    const actor = JSON.parse(process.env.INSTANCE_ACTOR!) as Actor;
    const boss = new PgBoss({ connectionString: process.env.DATABASE_URL!, max: 2 });
    await boss.start();
    const server = createServer(
      getRequestListener((request) =>
        handleSettlementUpload(request, {
          ...testContext({ db: handle.db, actor }),
          handle,
          queue: (importId) => boss.send(queues.settlementImport, { importId }),
        }),
      ),
    );
    server.listen(0, '127.0.0.1', () => process.send!({ ready: true, port: (server.address() as AddressInfo).port }));
  } else {
    throw new Error('usage: instance.ts <web|worker>');
  }
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
