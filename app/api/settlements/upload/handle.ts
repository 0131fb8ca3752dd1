import type { DbHandle } from '@/db/client';
import type { Actor } from '@/lib/auth/guard';
import { recordAudit } from '@/lib/audit';
import { enqueue, queues } from '@/lib/jobs/queue';
import { chunksOf, DuplicateImportError, receiveSettlementFile, UploadStalledError, UploadTooLargeError } from '@/lib/settlements/import';
import { SettlementFileError } from '@/lib/settlements/parse';

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
 * The upload route's work once the actor is known (route.ts checks the role), apart so that a
 * test can run it in plain Node processes (lib/settlements/two-instances.test.ts). `queue`
 * hands the import to the reconciliation job (default: this process's pg-boss).
 */
export async function handleSettlementUpload(
  request: Request,
  ctx: { handle: DbHandle; actor: Actor; requestId?: string; queue?: (importId: string) => Promise<unknown> },
): Promise<Response> {
  if (!request.body) return Response.json({ error: { code: 'empty_file', message: 'The file is empty.' } }, { status: 400 });
  const { handle, actor } = ctx;
  const fileName = fileNameOf(request);
  const announced = Number(request.headers.get('content-length'));
  try {
    const row = await receiveSettlementFile(
      handle,
      chunksOf(request.body),
      { source: 'upload', fileName, uploadedBy: actor.id, uploadedByEmail: actor.email, expectedBytes: Number.isSafeInteger(announced) ? announced : null },
      { queue: ctx.queue ?? ((importId) => enqueue(queues.settlementImport, { importId })) },
    );
    await recordAudit(handle.db, {
      actor,
      action: 'settlements.upload',
      target: { type: 'settlement_import', id: row.id },
      details: { file_name: fileName, size_bytes: row.sizeBytes, sha256: row.sha256, lines: row.linesRead, quarantined: row.linesQuarantined },
      requestId: ctx.requestId,
    });
    return Response.json({ import: { id: row.id } }, { status: 202 });
  } catch (error) {
    if (error instanceof DuplicateImportError) {
      return Response.json({ error: { code: 'duplicate', message: error.message, importId: error.existing.id } }, { status: 409 });
    }
    if (error instanceof SettlementFileError) return Response.json({ error: { code: error.code, message: error.message } }, { status: 400 });
    if (error instanceof UploadTooLargeError) return Response.json({ error: { code: 'too_large', message: error.message } }, { status: 413 });
    // Our own message (no server detail): the sweep failed the import while the client stalled.
    if (error instanceof UploadStalledError) return Response.json({ error: { code: 'stalled', message: error.message } }, { status: 408 });
    // receiveSettlementFile logged it and failed the import; never the error's own text here.
    return Response.json({ error: { code: 'upload_failed', message: 'The upload failed before the whole file was in; nothing was imported. Try again.' } }, { status: 500 });
  }
}
