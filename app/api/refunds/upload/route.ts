import { z } from 'zod';
import { routeContext } from '@/lib/auth/route';
import { chunksOf } from '@/lib/csv';
import { toResponse } from '@/lib/errors';
import { RefundFileError, uploadRefundBatch } from '@/lib/refunds/service';

export const dynamic = 'force-dynamic';

// Browsers send the name URI-encoded; one that is not is kept as sent. No path or control characters.
const fileNameSchema = z
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
        .slice(0, 255) || 'refunds.csv'
    );
  });

/**
 * A mass-refund file: the raw file as the request body (not multipart), read as it arrives (proxy.ts
 * leaves this route out so Next.js does not buffer it), validated and stored as a batch in dry run.
 * Nothing is sent to Klarna until the batch is approved.
 */
export async function POST(request: Request) {
  const { ctx, denied } = await routeContext(request, 'refunds.run', 'uploadRefundFile');
  if (denied) return denied;
  if (!request.body) return toResponse(new RefundFileError('empty_file', 'The file is empty.'));
  try {
    const batch = await uploadRefundBatch(ctx, {
      fileName: fileNameSchema.parse(request.headers.get('x-file-name')),
      bytes: chunksOf(request.body),
    });
    return Response.json({ batch: { id: batch.id } }, { status: 201 });
  } catch (error) {
    return toResponse(error, {
      requestId: ctx.requestId,
      unexpected: { code: 'upload_failed', message: 'The upload failed; no batch was made. Try again.' },
    });
  }
}
