/** A refund-run worker as a real process (kill.test.ts kills it mid-run): runs one batch and exits. */
import { openDatabase } from '@/db/client';
import { serviceContext } from '@/lib/context';
import { parseKeyring } from '@/lib/crypto/secrets';
import { runRefundBatch } from '@/lib/refunds/service';

async function main() {
  const handle = openDatabase({ url: process.env.DATABASE_URL! });
  const ctx = serviceContext({
    db: handle.db,
    settings: {
      environment: 'sandbox',
      baseUrl: process.env.SANDBOX_URL!,
      rateLimits: 'production',
      keyring: parseKeyring(process.env.KEY_SPEC!),
    },
  });
  const result = await runRefundBatch(ctx, process.env.BATCH_ID!, { concurrency: 2 });
  process.send!({ result });
  await handle.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
