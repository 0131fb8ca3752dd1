'use server';

import { revalidatePath } from 'next/cache';
import { actionClient } from '@/lib/action';
import { reprocessInputSchema, reprocessWebhookEvent } from '@/lib/webhooks/events';

export const reprocessWebhookEventAction = actionClient
  .metadata({ name: 'reprocessWebhookEvent', capability: 'webhooks.manage' })
  .inputSchema(reprocessInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await reprocessWebhookEvent(ctx, parsedInput.id);
    revalidatePath('/webhooks/events');
    revalidatePath(`/webhooks/events/${parsedInput.id}`);
    return result;
  });
