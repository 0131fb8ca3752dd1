import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db, DbHandle } from '@/db/client';
import { settlementImports, settlementLines, settlementQuarantine, settlementReissues, settlements, type SettlementImportRow } from '@/db/schema';
import { openCopy } from './copy';
import { headerFromPrefix, parseSettlementFile, SettlementFileError, type ParseProgress } from './parse';
import { reconcileImport } from './reconcile';
import { recheckImportsSettledBy } from './recheck';

/**
 * Bringing a settlement file in: the bytes are stored (hashed on the way), checked for a
 * usable header and for being the same file as one already imported, then an import job
 * (lib/settlements/jobs.ts) parses, COPYs and reconciles it, storing its progress on the
 * import row so every browser sees the same progress bar.
 *
 * The stored file lives under `<DATA_DIR>/uploads` until its job is done: with several app
 * instances that directory must be shared storage (the job may run on another instance).
 */

export const MAX_UPLOAD_BYTES = 20 * 1024 ** 3;

export class DuplicateImportError extends Error {
  constructor(readonly existing: SettlementImportRow) {
    super(
      `This file was already imported${existing.createdAt ? ` on ${existing.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}${existing.uploadedByEmail ? ` by ${existing.uploadedByEmail}` : existing.source === 'klarna' ? ' from Klarna' : ''}.`,
    );
  }
}

export class UploadTooLargeError extends Error {}

export type StoredFile = { storagePath: string; sha256: string; sizeBytes: number };

/** A web stream's chunks as an async iterable (a request body, a download from Klarna). */
export async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Streams bytes to a file under `dir`, hashing them, refusing at once a file whose first
 * bytes are not a settlement CSV header (SettlementFileError names what is missing).
 */
export async function storeUpload(bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, dir: string, maxBytes = MAX_UPLOAD_BYTES): Promise<StoredFile> {
  await mkdir(dir, { recursive: true });
  const storagePath = path.join(dir, `${randomUUID()}.csv`);
  const out = createWriteStream(storagePath);
  const hash = createHash('sha256');
  let size = 0;
  let prefix = '';
  let headerChecked = false;
  const checkHeader = () => {
    headerChecked = true;
    if (prefix.slice(0, 4096).includes('\u0000')) throw new SettlementFileError('not_csv', 'This is not a CSV file: it holds binary data (an Excel workbook or a zip?). Export the report as CSV.');
    headerFromPrefix(prefix);
  };
  try {
    for await (const chunk of bytes) {
      size += chunk.length;
      if (size > maxBytes) throw new UploadTooLargeError(`The file is larger than ${Math.round(maxBytes / 1024 ** 3)} GB.`);
      hash.update(chunk);
      if (!headerChecked) {
        prefix += Buffer.from(chunk).toString('utf8');
        if (/\r?\n/.test(prefix.replace(/^\uFEFF/, '')) || prefix.length > 1 << 20) checkHeader();
      }
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    if (size === 0) throw new SettlementFileError('empty_file', 'The file is empty.');
    if (!headerChecked) checkHeader();
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    return { storagePath, sha256: hash.digest('hex'), sizeBytes: size };
  } catch (error) {
    // The stream may still be opening the file: wait for it to close before removing it.
    if (!out.closed) await new Promise<void>((resolve) => out.destroy().once('close', () => resolve()));
    await rm(storagePath, { force: true });
    throw error;
  }
}

export function uploadDir(dataDir: string): string {
  return path.resolve(dataDir, 'uploads');
}

/**
 * Records a stored file as a queued import, unless the same bytes were imported already
 * (then the stored copy is removed and DuplicateImportError names the earlier import).
 */
export async function createImport(
  db: Db,
  file: StoredFile,
  meta: { source: 'upload' | 'klarna'; fileName: string; klarnaSettlementId?: string | null; uploadedBy?: string | null; uploadedByEmail?: string | null },
): Promise<SettlementImportRow> {
  const [existing] = await db.select().from(settlementImports).where(and(eq(settlementImports.sha256, file.sha256), ne(settlementImports.status, 'failed'))).limit(1);
  if (existing) {
    await rm(file.storagePath, { force: true });
    throw new DuplicateImportError(existing);
  }
  const [row] = await db
    .insert(settlementImports)
    .values({
      source: meta.source,
      fileName: meta.fileName.slice(0, 255) || 'settlement.csv',
      sha256: file.sha256,
      sizeBytes: file.sizeBytes,
      klarnaSettlementId: meta.klarnaSettlementId ?? null,
      status: 'queued',
      storagePath: file.storagePath,
      uploadedBy: meta.uploadedBy ?? null,
      uploadedByEmail: meta.uploadedByEmail ?? null,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) {
    // Another upload of the same bytes won the race.
    const [winner] = await db.select().from(settlementImports).where(and(eq(settlementImports.sha256, file.sha256), ne(settlementImports.status, 'failed'))).limit(1);
    await rm(file.storagePath, { force: true });
    throw new DuplicateImportError(winner!);
  }
  return row;
}

const fileErrorMessage = (error: unknown) =>
  error instanceof SettlementFileError ? error.message : `The import failed: ${error instanceof Error ? error.message : String(error)}. Nothing of this file was kept; try again.`;

/**
 * The import job: parse the stored file and COPY its lines into `settlement_lines`
 * (quarantining bad lines), then reconcile them in one transaction. Progress is written to
 * the import row at most every 250 ms. Safe to run again: a finished import is left alone, an
 * unfinished one (its instance died) starts over from its stored file.
 */
export async function runImport(handle: DbHandle, importId: string): Promise<SettlementImportRow> {
  const db = handle.db;
  const [claimed] = await db
    .update(settlementImports)
    .set({ status: 'importing', startedAt: new Date(), updatedAt: new Date(), bytesRead: 0, linesRead: 0, linesImported: 0, linesQuarantined: 0, error: null })
    .where(and(eq(settlementImports.id, importId), sql`${settlementImports.status} IN ('queued', 'importing', 'reconciling')`))
    .returning();
  if (!claimed) {
    const [row] = await db.select().from(settlementImports).where(eq(settlementImports.id, importId));
    if (!row) throw new Error(`settlement import ${importId} not found`);
    return row;
  }
  const clear = async () => {
    await db.delete(settlementLines).where(eq(settlementLines.importId, importId));
    await db.delete(settlementQuarantine).where(eq(settlementQuarantine.importId, importId));
  };
  await clear();
  let lastWrite = 0;
  let latest: ParseProgress = { bytesRead: 0, linesRead: 0, quarantined: 0 };
  let imported = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const saveProgress = (force = false) => {
    const now = Date.now();
    if (!force && now - lastWrite < 250) return pending;
    lastWrite = now;
    const p = latest;
    pending = pending.then(() =>
      db
        .update(settlementImports)
        .set({ bytesRead: p.bytesRead, linesRead: p.linesRead, linesQuarantined: p.quarantined, linesImported: imported, updatedAt: new Date() })
        .where(eq(settlementImports.id, importId)),
    );
    return pending;
  };
  let mark = performance.now();
  const timing = (what: string) => {
    if (process.env.SETTLEMENT_IMPORT_TIMING) console.error(`${what}: ${((performance.now() - mark) / 1000).toFixed(2)} s`);
    mark = performance.now();
  };
  const copier = await openCopy(handle);
  let copyWait = 0;
  try {
    if (!claimed.storagePath) throw new Error('the uploaded file is no longer stored');
    const size = (await stat(claimed.storagePath)).size;
    if (size !== claimed.sizeBytes) throw new Error('the stored file is incomplete');
    const parsed = await parseSettlementFile(
      createReadStream(claimed.storagePath, { highWaterMark: 1 << 20 }),
      {
        header: async (h) => {
          await db
            .update(settlementImports)
            .set({ columns: h.columns, extraColumns: h.extras.map((e) => e.name) })
            .where(eq(settlementImports.id, importId));
        },
        lines: async (batch) => {
          const waited = performance.now();
          await copier.write(batch);
          copyWait += performance.now() - waited;
          imported += batch.count;
        },
        quarantine: async (batch) => {
          await db
            .insert(settlementQuarantine)
            .values(batch.map((q) => ({ importId, lineNo: q.lineNo, column: q.column, reason: q.reason, raw: q.raw })))
            .onConflictDoNothing();
        },
        progress: (p) => {
          latest = { ...p };
          void saveProgress();
        },
      },
      { importId },
    );
    const ending = performance.now();
    await copier.end();
    copyWait += performance.now() - ending;
    timing(`parse+copy (${(copyWait / 1000).toFixed(2)} s of it waiting for Postgres)`);
    await saveProgress(true);
    await db.update(settlementImports).set({ status: 'reconciling', linesImported: imported, accountIds: parsed.accounts, updatedAt: new Date() }).where(eq(settlementImports.id, importId));
    await reconcileImport(db, importId, { totals: parsed.totals });
    timing('reconcile');
    // Earlier payouts that listed as missing what this file settles are stale now; re-checked
    // before this import says done, so what the pages show then is final.
    await recheckImportsSettledBy(db, importId);
    await db.update(settlementImports).set({ status: 'done', finishedAt: new Date(), updatedAt: new Date(), storagePath: null }).where(eq(settlementImports.id, importId));
    if (claimed.storagePath) await rm(claimed.storagePath, { force: true });
  } catch (error) {
    if (!(error instanceof SettlementFileError)) console.error(`settlement import ${importId} failed`, error);
    await copier.abort(error instanceof Error ? error : new Error(String(error))).catch(() => {});
    await pending.catch(() => {});
    await clear().catch(() => {});
    await db
      .update(settlementImports)
      .set({ status: 'failed', error: fileErrorMessage(error), finishedAt: new Date(), updatedAt: new Date(), storagePath: null })
      .where(eq(settlementImports.id, importId));
    if (claimed.storagePath) await rm(claimed.storagePath, { force: true });
  } finally {
    await pending.catch(() => {});
  }
  const [row] = await db.select().from(settlementImports).where(eq(settlementImports.id, importId));
  return row!;
}

/** The settlement ids an import brought in, or re-issues and awaits review for (for its summary and links). */
export async function settlementIdsOf(db: Db, importId: string): Promise<string[]> {
  const rows = await db.select({ id: settlements.settlementId }).from(settlements).where(eq(settlements.importId, importId));
  const held = await db.select({ id: settlementReissues.settlementId }).from(settlementReissues).where(and(eq(settlementReissues.importId, importId), eq(settlementReissues.status, 'pending')));
  return [...rows, ...held].map((r) => r.id);
}
