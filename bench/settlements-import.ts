/**
 * The app side of `npm run bench:settlements`, in its own process so its peak RSS is the
 * import's alone: the file is streamed in as the upload route streams a request body
 * (`storeUpload`), recorded (`createImport`), then imported and reconciled by the job's own
 * function (`runImport`: papaparse → COPY → one INSERT … SELECT with verdicts → missing and
 * payout totals). Prints one JSON line: seconds, status, lines, peak RSS.
 */
import { createReadStream } from 'node:fs';
import { openDatabase } from '@/db/client';
import { createImport, runImport, storeUpload } from '@/lib/settlements/import';

async function main() {
  const [url, file, dir] = process.argv.slice(2);
  if (!url || !file || !dir) throw new Error('usage: settlements-import.ts <database url> <file> <upload dir>');
  const handle = openDatabase({ url });
  try {
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const started = performance.now();
    const stored = await storeUpload(createReadStream(file, { highWaterMark: 1 << 20 }), dir);
    const row = await createImport(handle.db, stored, { source: 'upload', fileName: 'bench-settlement.csv', uploadedByEmail: 'bench@example.com' });
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
