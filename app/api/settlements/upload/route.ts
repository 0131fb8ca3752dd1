import { recordAudit } from '@/lib/audit';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { enqueue, queues } from '@/lib/jobs/queue';
import { currentRequestId } from '@/lib/request';
import { chunksOf, createImport, DuplicateImportError, storeUpload, uploadDir, UploadTooLargeError } from '@/lib/settlements/import';
import { SettlementFileError } from '@/lib/settlements/parse';
import { routeActor } from '@/lib/auth/route';

export const dynamic = 'force-dynamic';
// Files of several GB take a while to arrive.
export const maxDuration = 3600;

function fileNameOf(request: Request): string {
  const raw = request.headers.get('x-file-name') ?? '';
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    // Not URI-encoded: keep as sent.
  }
  return name.replace(/[\u0000-\u001f\\/]/g, '_').trim().slice(0, 255) || 'settlement.csv';
}

/**
 * A settlement file upload: the raw file as the request body (not multipart), streamed to
 * disk while hashed, never held whole in memory (proxy.ts leaves this route out so Next.js
 * does not buffer it). Answers at once with the import to follow; the import job parses and
 * reconciles it (GET /api/settlements/imports/{id} shows its progress).
 */
export async function POST(request: Request) {
  const { actor, denied } = await routeActor('settlements.reconcile', 'uploadSettlementFile');
  if (denied) return denied;
  if (!request.body) return Response.json({ error: { code: 'empty_file', message: 'The file is empty.' } }, { status: 400 });
  const db = getDb();
  const fileName = fileNameOf(request);
  try {
    const stored = await storeUpload(chunksOf(request.body), uploadDir(env().DATA_DIR));
    const row = await createImport(db, stored, { source: 'upload', fileName, uploadedBy: actor.id, uploadedByEmail: actor.email });
    await enqueue(queues.settlementImport, { importId: row.id });
    await recordAudit(db, {
      actor,
      action: 'settlements.upload',
      target: { type: 'settlement_import', id: row.id },
      details: { file_name: fileName, size_bytes: stored.sizeBytes, sha256: stored.sha256 },
      requestId: await currentRequestId(),
    });
    return Response.json({ import: { id: row.id } }, { status: 202 });
  } catch (error) {
    if (error instanceof DuplicateImportError) {
      return Response.json({ error: { code: 'duplicate', message: error.message, importId: error.existing.id } }, { status: 409 });
    }
    if (error instanceof SettlementFileError) return Response.json({ error: { code: error.code, message: error.message } }, { status: 400 });
    if (error instanceof UploadTooLargeError) return Response.json({ error: { code: 'too_large', message: error.message } }, { status: 413 });
    console.error('[settlement upload failed]', error);
    return Response.json({ error: { code: 'upload_failed', message: 'The upload failed before the file was stored; nothing was imported. Try again.' } }, { status: 500 });
  }
}
