/**
 * The app side of `npm run bench:settlements`, in its own process so its peak RSS is the
 * import's alone: the file is streamed in as the upload route streams a request body, through
 * the route's own `receiveSettlementFile` (parse → COPY as the bytes arrive, hashed; nothing
 * stored), then reconciled by the job's own function (`runImport`: one INSERT … SELECT with
 * verdicts → missing and payout totals). Prints one JSON line: seconds, status, lines, peak RSS.
 */
import { createReadStream } from 'node:fs';
import { openDatabase } from '@/db/client';
import { receiveSettlementFile, runImport } from '@/lib/settlements/import';

async function main() {
  const [url, file] = process.argv.slice(2);
  if (!url || !file) throw new Error('usage: settlements-import.ts <database url> <file>');
  const handle = openDatabase({ url });
  try {
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const started = performance.now();
    // The route's `queue` sends the job; here this process runs it next, as a worker would.
    const row = await receiveSettlementFile(
      handle,
      createReadStream(file, { highWaterMark: 1 << 20 }),
      { source: 'upload', fileName: 'bench-settlement.csv', uploadedByEmail: 'bench@example.com' },
      { queue: async () => {} },
    );
    const uploaded = performance.now();
    const done = await runImport(handle, row.id);
    const finished = performance.now();
    clearInterval(sampler);
    const maxRss = Math.max(peak, process.resourceUsage().maxRSS * 1024);
    console.log(
      JSON.stringify({
        importId: row.id,
        status: done.status,
        error: done.error,
        linesImported: done.linesImported,
        linesQuarantined: done.linesQuarantined,
        upload_seconds: (uploaded - started) / 1000,
        import_seconds: (finished - uploaded) / 1000,
        seconds: (finished - started) / 1000,
        peak_rss_mb: Math.round((maxRss / 1024 / 1024) * 10) / 10,
      }),
    );
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
