import 'server-only';
import { createHash } from 'node:crypto';
import { and, eq, lt, ne, sql } from 'drizzle-orm';
import type { Db, DbHandle } from '@/db/client';
import {
  settlementImports,
  settlementLines,
  settlementMerchantTotals,
  settlementQuarantine,
  settlementReissues,
  settlements,
  type MerchantTotals,
  type SettlementImportRow,
} from '@/db/schema';
import { AppError } from '@/lib/errors';
import { openCopy, type Copier } from './copy';
import {
  COPY_DELIMITER,
  copyColumnsOf,
  parseSettlementFile,
  RowWriter,
  SettlementFileError,
  type ParseProgress,
} from './parse';
import { reconcileImport } from './reconcile';
import { recheckImportsSettledBy } from './recheck';

/** Instances share no disk, so a file is never stored: lines are COPYed as they arrive; any instance reconciles. */

export const MAX_UPLOAD_BYTES = 20 * 1024 ** 3;
/** Times the reconciliation job starts on an import before it is failed (lib/jobs/queue.ts: retryLimit 2). */
export const RECONCILE_ATTEMPTS = 3;
/** An import still `importing` with no progress for this long lost its request (its instance stopped). */
export const STALE_RECEIVE_MS = 10 * 60 * 1000;

export class DuplicateImportError extends AppError {
  override name = 'DuplicateImportError';
  constructor(readonly existing: SettlementImportRow) {
    super(
      'conflict',
      'DUPLICATE',
      `This file was already imported${existing.createdAt ? ` on ${existing.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}${existing.uploadedByEmail ? ` by ${existing.uploadedByEmail}` : existing.source === 'klarna' ? ' from Klarna' : ''}.`,
      { details: { importId: existing.id } },
    );
  }
}

export class UploadTooLargeError extends AppError {
  override name = 'UploadTooLargeError';
  constructor(message = 'The file is too large.') {
    super('too_large', 'TOO_LARGE', message);
  }
}

/** The stale sweep failed this import while its bytes were still arriving: the uploader must send it again. */
export class UploadStalledError extends AppError {
  override name = 'UploadStalledError';
  constructor() {
    super(
      'timeout',
      'STALLED',
      `The upload stalled for more than ${STALE_RECEIVE_MS / 60_000} minutes and was stopped; nothing of this file was kept. Upload it again.`,
    );
  }
}

export const STALE_RECEIVE_MESSAGE = `The upload stopped before the whole file was in (no data for ${STALE_RECEIVE_MS / 60_000} minutes: the connection stalled or the server handling it restarted); nothing of it was kept. Upload it again.`;

export { chunksOf } from '@/lib/csv';

export type ImportMeta = {
  source: 'upload' | 'klarna';
  fileName: string;
  klarnaSettlementId?: string | null;
  uploadedBy?: string | null;
  uploadedByEmail?: string | null;
  expectedBytes?: number | null;
};

/** Never the error's own text (it can hold a path, host or SQL); details go to the server log under `ref`. */
export const unexpectedFailureMessage = (ref: string, what: string) =>
  `${what} (reference ${ref}). Nothing of this file was kept; try again, and quote the reference if it happens again.`;

const deleteLinesOf = async (db: Db, importId: string) => {
  await db.delete(settlementLines).where(eq(settlementLines.importId, importId));
  await db.delete(settlementQuarantine).where(eq(settlementQuarantine.importId, importId));
  await db.delete(settlementMerchantTotals).where(eq(settlementMerchantTotals.importId, importId));
};

async function saveMerchantTotals(
  handle: DbHandle,
  importId: string,
  totals: readonly MerchantTotals[],
): Promise<void> {
  if (totals.length === 0) return;
  const out = new RowWriter();
  const delimiter = COPY_DELIMITER.charCodeAt(0);
  for (const t of totals) {
    out.ascii(importId, delimiter);
    out.text(t.settlementId, delimiter);
    out.text(t.accountId, delimiter);
    out.text(t.currency, delimiter);
    out.natural(t.lineCount, delimiter);
    out.ascii(String(t.captured), delimiter);
    out.ascii(String(t.fees), 10);
  }
  const copier = await openCopy(
    handle,
    ['import_id', 'settlement_id', 'account_id', 'currency', 'line_count', 'captured', 'fees'],
    'settlement_merchant_totals',
  );
  try {
    await copier.write({ data: out.take() });
    await copier.end();
  } catch (error) {
    await copier.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

const isUniqueViolation = (error: unknown): boolean => {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
};

/** Refuses a duplicate (SHA-256) leaving nothing behind; memory stays bounded as the source is read only as fast
 * as COPY takes it. */
export async function receiveSettlementFile(
  handle: DbHandle,
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  meta: ImportMeta,
  options: { queue: (importId: string) => Promise<unknown>; maxBytes?: number },
): Promise<SettlementImportRow> {
  const db = handle.db;
  const maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES;
  const [created] = await db
    .insert(settlementImports)
    .values({
      source: meta.source,
      fileName: meta.fileName.slice(0, 255) || 'settlement.csv',
      sha256: null,
      sizeBytes: meta.expectedBytes && meta.expectedBytes > 0 ? meta.expectedBytes : 0,
      klarnaSettlementId: meta.klarnaSettlementId ?? null,
      status: 'importing',
      uploadedBy: meta.uploadedBy ?? null,
      uploadedByEmail: meta.uploadedByEmail ?? null,
      startedAt: new Date(),
    })
    .returning();
  const importId = created!.id;
  const hash = createHash('sha256');
  let size = 0;
  // Set when a write keyed on `status = 'importing'` found the import failed by the sweep.
  let stalled = false;
  const stillImporting = and(eq(settlementImports.id, importId), eq(settlementImports.status, 'importing'));
  async function* measured(): AsyncGenerator<Uint8Array> {
    for await (const chunk of bytes) {
      if (stalled) throw new UploadStalledError();
      size += chunk.length;
      if (size > maxBytes)
        throw new UploadTooLargeError(`The file is larger than ${Math.round(maxBytes / 1024 ** 3)} GB.`);
      hash.update(chunk);
      yield chunk;
    }
  }
  let lastWrite = 0;
  let latest: ParseProgress = { bytesRead: 0, linesRead: 0, quarantined: 0 };
  let imported = 0;
  let pending: Promise<unknown> = Promise.resolve();
  /** Also refreshes `updated_at`, so an upload still making progress is never swept as stale. */
  const saveProgress = (force = false) => {
    const now = Date.now();
    if (!force && now - lastWrite < 250) return pending;
    lastWrite = now;
    const p = latest;
    pending = pending.then(async () => {
      const saved = await db
        .update(settlementImports)
        .set({
          bytesRead: p.bytesRead,
          linesRead: p.linesRead,
          linesQuarantined: p.quarantined,
          linesImported: imported,
          sizeBytes: sql`greatest(${settlementImports.sizeBytes}, ${p.bytesRead})`,
          updatedAt: new Date(),
        })
        .where(stillImporting)
        .returning({ id: settlementImports.id });
      if (saved.length === 0) stalled = true;
    });
    return pending;
  };
  let mark = performance.now();
  const timing = (what: string) => {
    if (process.env.SETTLEMENT_IMPORT_TIMING)
      console.error(`${what}: ${((performance.now() - mark) / 1000).toFixed(2)} s`);
    mark = performance.now();
  };
  // Opened once the header is read: the rows' columns follow the file's (parse.ts copyColumnsOf).
  let copier = null as Copier | null;
  let copyWait = 0;
  try {
    const parsed = await parseSettlementFile(
      measured(),
      {
        header: async (h) => {
          await db
            .update(settlementImports)
            .set({ columns: h.columns, extraColumns: h.extras.map((e) => e.name) })
            .where(stillImporting);
          copier = await openCopy(handle, copyColumnsOf(h));
        },
        lines: async (batch) => {
          const waited = performance.now();
          await copier!.write({ data: batch.data });
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
    // The per-merchant sums go in on a second connection while Postgres takes the last lines.
    const [linesEnded, sumsSaved] = await Promise.allSettled([
      copier?.end().then(() => (copyWait += performance.now() - ending)),
      saveMerchantTotals(handle, importId, parsed.merchantTotals),
    ]);
    if (linesEnded.status === 'rejected') throw linesEnded.reason;
    if (sumsSaved.status === 'rejected') throw sumsSaved.reason;
    timing(
      `parse+copy (${(copyWait / 1000).toFixed(2)} s of it waiting for Postgres; ${parsed.merchantTotals.length.toLocaleString('en')} per-merchant sums beside it)`,
    );
    await saveProgress(true);
    if (stalled) throw new UploadStalledError();
    const sha256 = hash.digest('hex');
    const [existing] = await db
      .select()
      .from(settlementImports)
      .where(and(eq(settlementImports.sha256, sha256), ne(settlementImports.status, 'failed')))
      .limit(1);
    if (existing) throw new DuplicateImportError(existing);
    let row: SettlementImportRow | undefined;
    try {
      [row] = await db
        .update(settlementImports)
        .set({
          sha256,
          sizeBytes: size,
          status: 'queued',
          linesImported: imported,
          accountIds: parsed.accounts,
          payoutTotals: parsed.totals,
          updatedAt: new Date(),
        })
        // Only an import still receiving: one the sweep failed meanwhile stays failed.
        .where(stillImporting)
        .returning();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another upload of the same bytes finished first.
      const [winner] = await db
        .select()
        .from(settlementImports)
        .where(and(eq(settlementImports.sha256, sha256), ne(settlementImports.status, 'failed')))
        .limit(1);
      throw winner ? new DuplicateImportError(winner) : error;
    }
    // The sweep failed it (and removed what was committed then) while the bytes still came.
    if (!row) throw new UploadStalledError();
    await options.queue(importId);
    return row;
  } catch (error) {
    await copier?.abort(error instanceof Error ? error : new Error(String(error))).catch(() => {});
    await pending.catch(() => {});
    const foreseen =
      error instanceof SettlementFileError ||
      error instanceof UploadTooLargeError ||
      error instanceof DuplicateImportError;
    const swept = error instanceof UploadStalledError;
    if (swept)
      console.warn(
        `settlement import ${importId}: the stale sweep failed it while the file was still arriving; its lines are removed`,
      );
    else if (!foreseen) console.error(`settlement import ${importId}: receiving the file failed`, error);
    try {
      await deleteLinesOf(db, importId);
      // The request answers a foreseen refusal itself: no import to show for it.
      if (foreseen) await db.delete(settlementImports).where(eq(settlementImports.id, importId));
      // Failed by the sweep already, with its message: left as it is.
      else if (!swept)
        await db
          .update(settlementImports)
          .set({
            status: 'failed',
            error: unexpectedFailureMessage(importId.slice(0, 8), 'The file could not be read in to the end'),
            finishedAt: new Date(),
            updatedAt: new Date(),
          })
          .where(eq(settlementImports.id, importId));
    } catch (cleanup) {
      // The database is gone too: the stale sweep (failStaleReceives) fails the import later.
      console.error(`settlement import ${importId}: cleaning up after the failure failed`, cleanup);
    }
    throw error;
  } finally {
    await pending.catch(() => {});
  }
}

/** Writes of receiveSettlementFile are keyed on `status = 'importing'`, so a stalled request that resumes stops. */
export async function failStaleReceives(db: Db, now = new Date()): Promise<number> {
  const stale = await db
    .update(settlementImports)
    .set({ status: 'failed', error: STALE_RECEIVE_MESSAGE, finishedAt: now, updatedAt: now })
    .where(
      and(
        eq(settlementImports.status, 'importing'),
        lt(settlementImports.updatedAt, new Date(now.getTime() - STALE_RECEIVE_MS)),
      ),
    )
    .returning({ id: settlementImports.id });
  for (const { id } of stale) await deleteLinesOf(db, id);
  return stale.length;
}

export async function runImport(handle: DbHandle, importId: string): Promise<SettlementImportRow> {
  const db = handle.db;
  const [claimed] = await db
    .update(settlementImports)
    .set({
      status: 'reconciling',
      attempts: sql`${settlementImports.attempts} + 1`,
      updatedAt: new Date(),
      error: null,
    })
    .where(and(eq(settlementImports.id, importId), sql`${settlementImports.status} IN ('queued', 'reconciling')`))
    .returning();
  if (!claimed) {
    const [row] = await db.select().from(settlementImports).where(eq(settlementImports.id, importId));
    if (!row) throw new Error(`settlement import ${importId} not found`);
    return row;
  }
  const started = performance.now();
  try {
    await reconcileImport(db, importId, claimed.payoutTotals ? { totals: claimed.payoutTotals } : {});
    if (process.env.SETTLEMENT_IMPORT_TIMING)
      console.error(`reconcile: ${((performance.now() - started) / 1000).toFixed(2)} s`);
    // Earlier payouts that listed as missing what this file settles are re-checked before this import says done.
    await recheckImportsSettledBy(db, importId);
    await db
      .update(settlementImports)
      .set({ status: 'done', finishedAt: new Date(), updatedAt: new Date(), payoutTotals: null })
      .where(eq(settlementImports.id, importId));
  } catch (error) {
    console.error(
      `settlement import ${importId}: reconciliation failed (attempt ${claimed.attempts} of ${RECONCILE_ATTEMPTS})`,
      error,
    );
    if (claimed.attempts < RECONCILE_ATTEMPTS) {
      await db
        .update(settlementImports)
        .set({ status: 'queued', updatedAt: new Date() })
        .where(eq(settlementImports.id, importId));
      throw error;
    }
    await deleteLinesOf(db, importId).catch(() => {});
    await db
      .update(settlementImports)
      .set({
        status: 'failed',
        error: unexpectedFailureMessage(
          importId.slice(0, 8),
          `Reconciling this file failed ${RECONCILE_ATTEMPTS} times`,
        ),
        finishedAt: new Date(),
        updatedAt: new Date(),
        payoutTotals: null,
      })
      .where(eq(settlementImports.id, importId));
  }
  const [row] = await db.select().from(settlementImports).where(eq(settlementImports.id, importId));
  return row!;
}

export async function settlementIdsOf(db: Db, importId: string): Promise<string[]> {
  const rows = await db
    .select({ id: settlements.settlementId })
    .from(settlements)
    .where(eq(settlements.importId, importId));
  const held = await db
    .select({ id: settlementReissues.settlementId })
    .from(settlementReissues)
    .where(and(eq(settlementReissues.importId, importId), eq(settlementReissues.status, 'pending')));
  return [...rows, ...held].map((r) => r.id);
}
