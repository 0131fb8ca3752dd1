import { z } from 'zod';
import { toResponse } from '@/lib/errors';
import { chunksOf } from '@/lib/settlements/import';
import { SettlementFileError } from '@/lib/settlements/parse';
import { uploadSettlementFile, type SettlementCtx } from '@/lib/settlements/service';

const uploadHeadersSchema = z.object({
  // Browsers send the name URI-encoded; one that is not is kept as sent. No path or control characters.
  fileName: z
    .string()
    .nullable()
    .transform((raw) => {
      let name = raw ?? '';
      try {
        name = decodeURIComponent(name);
      } catch {
        // Not URI-encoded: keep as sent.
      }
      return (
        name
          .replace(/[\u0000-\u001f\\/]/g, '_')
          .trim()
          .slice(0, 255) || 'settlement.csv'
      );
    }),
  expectedBytes: z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullable().catch(null),
});

const UPLOAD_FAILED = {
  code: 'upload_failed',
  message: 'The upload failed before the whole file was in; nothing was imported. Try again.',
};

/**
 * The upload route's work once the actor is known (route.ts checks the role), apart so that a
 * test can run it in plain Node processes (lib/settlements/two-instances.test.ts). `queue`
 * hands the import to the reconciliation job (default: this process's pg-boss).
 */
export async function handleSettlementUpload(
  request: Request,
  ctx: SettlementCtx & { queue?: (importId: string) => Promise<unknown> },
): Promise<Response> {
  if (!request.body) return toResponse(new SettlementFileError('empty_file', 'The file is empty.'));
  const { fileName, expectedBytes } = uploadHeadersSchema.parse({
    fileName: request.headers.get('x-file-name'),
    expectedBytes: request.headers.get('content-length'),
  });
  try {
    const { importId } = await uploadSettlementFile(ctx, {
      bytes: chunksOf(request.body),
      fileName,
      expectedBytes,
      queue: ctx.queue,
    });
    return Response.json({ import: { id: importId } }, { status: 202 });
  } catch (error) {
    // An unforeseen failure: receiveSettlementFile failed the import; the client gets no server detail.
    return toResponse(error, { requestId: ctx.requestId, unexpected: UPLOAD_FAILED });
  }
}
