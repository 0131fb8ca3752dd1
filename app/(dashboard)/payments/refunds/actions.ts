'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { actionClient } from '@/lib/action';
import { approveBatchSchema, approveRefundBatch, cancelRefundBatch } from '@/lib/refunds/service';

const run = (name: string) => actionClient.metadata({ name, capability: 'refunds.run' });

const refreshed = <T>(batchId: string, value: T) => {
  revalidatePath('/payments/refunds');
  revalidatePath(`/payments/refunds/${batchId}`);
  return value;
};

/** Approves (four-eyes) or confirms (typed total) a batch in dry run; the service checks who may and the totals. */
export const approveRefundBatchAction = run('approveRefundBatch')
  .inputSchema(approveBatchSchema)
  .action(async ({ parsedInput, ctx }) => {
    const batch = await approveRefundBatch(ctx, parsedInput);
    return refreshed(batch.id, { status: batch.status });
  });

/** Cancels a batch: rows not sent yet are skipped. */
export const cancelRefundBatchAction = run('cancelRefundBatch')
  .inputSchema(z.object({ batchId: z.uuid() }))
  .action(async ({ parsedInput, ctx }) => {
    const batch = await cancelRefundBatch(ctx, parsedInput.batchId);
    return refreshed(batch.id, { status: batch.status, skipped: batch.rowsSkipped });
  });
