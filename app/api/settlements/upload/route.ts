import { recordAudit } from '@/lib/audit';
import { appDb } from '@/lib/db';
import { enqueue, queues } from '@/lib/jobs/queue';
import { currentRequestId } from '@/lib/request';
import { chunksOf, DuplicateImportError, receiveSettlementFile, UploadTooLargeError } from '@/lib/settlements/import';
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
 * A settlement file upload: the raw file as the request body (not multipart), parsed as it
 * arrives and COPYed into Postgres while hashed, never held whole in memory nor written to disk
 * (proxy.ts leaves this route out so Next.js does not buffer it), so any instance can take it
 * and any instance's worker reconciles it. Answers when the last byte is in, with the import
 * to follow (GET /api/settlements/imports/{id} shows the reconciliation's progress).
 */
export async function POST(request: Request) {
  const { actor, denied } = await routeActor('settlements.reconcile', 'uploadSettlementFile');
  if (denied) return denied;
  if (!request.body) return Response.json({ error: { code: 'empty_file', message: 'The file is empty.' } }, { status: 400 });
  const handle = appDb();
  const fileName = fileNameOf(request);
  const announced = Number(request.headers.get('content-length'));
  try {
    const row = await receiveSettlementFile(
      handle,
      chunksOf(request.body),
      { source: 'upload', fileName, uploadedBy: actor.id, uploadedByEmail: actor.email, expectedBytes: Number.isSafeInteger(announced) ? announced : null },
      { queue: (importId) => enqueue(queues.settlementImport, { importId }) },
    );
    await recordAudit(handle.db, {
      actor,
      action: 'settlements.upload',
      target: { type: 'settlement_import', id: row.id },
      details: { file_name: fileName, size_bytes: row.sizeBytes, sha256: row.sha256, lines: row.linesRead, quarantined: row.linesQuarantined },
      requestId: await currentRequestId(),
    });
    return Response.json({ import: { id: row.id } }, { status: 202 });
  } catch (error) {
    if (error instanceof DuplicateImportError) {
      return Response.json({ error: { code: 'duplicate', message: error.message, importId: error.existing.id } }, { status: 409 });
    }
    if (error instanceof SettlementFileError) return Response.json({ error: { code: error.code, message: error.message } }, { status: 400 });
    if (error instanceof UploadTooLargeError) return Response.json({ error: { code: 'too_large', message: error.message } }, { status: 413 });
    // receiveSettlementFile logged it and failed the import; never the error's own text here.
    return Response.json({ error: { code: 'upload_failed', message: 'The upload failed before the whole file was in; nothing was imported. Try again.' } }, { status: 500 });
  }
}
