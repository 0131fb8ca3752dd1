'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { actionClient } from '@/lib/action';
import { eventTypePatternSchema } from '@/lib/klarna/schemas/webhooks';
import {
  createSigningKey,
  createWebhook,
  deleteSigningKey,
  deleteWebhook,
  endSigningKeyGrace,
  findReceivedEvent,
  rotateSigningKey,
  simulateWebhookEvent,
  updateWebhook,
  webhookFormSchema,
} from '@/lib/webhooks/management';

const manage = (name: string) => actionClient.metadata({ name, capability: 'webhooks.manage' });
const done = <T>(value: T) => {
  revalidatePath('/webhooks');
  return value;
};
const intent = z.object({ intentId: z.uuid() });
const webhookId = z.string().min(1).max(300);
const form = webhookFormSchema;

export const createSigningKeyAction = manage('createSigningKey')
  .inputSchema(intent)
  .action(async ({ parsedInput, ctx }) => done(await createSigningKey(ctx, parsedInput)));

export const rotateSigningKeyAction = manage('rotateSigningKey')
  .inputSchema(intent.extend({ signingKeyId: z.string().min(1).max(300) }))
  .action(async ({ parsedInput, ctx }) => done(await rotateSigningKey(ctx, parsedInput)));

export const deleteSigningKeyAction = manage('deleteSigningKey')
  .inputSchema(z.object({ signingKeyId: z.string().min(1).max(300) }))
  .action(async ({ parsedInput, ctx }) =>
    done({ deleted: (await deleteSigningKey(ctx, parsedInput.signingKeyId), parsedInput.signingKeyId) }),
  );

export const endSigningKeyGraceAction = manage('endSigningKeyGrace')
  .inputSchema(z.object({ signingKeyId: z.string().min(1).max(300) }))
  .action(async ({ parsedInput, ctx }) =>
    done({ ended: (await endSigningKeyGrace(ctx, parsedInput.signingKeyId), parsedInput.signingKeyId) }),
  );

export const createWebhookAction = manage('createWebhook')
  .inputSchema(form.extend(intent.shape))
  .action(async ({ parsedInput, ctx }) => done({ webhook: await createWebhook(ctx, parsedInput) }));

export const updateWebhookAction = manage('updateWebhook')
  .inputSchema(form.extend(intent.shape).extend({ webhookId }))
  .action(async ({ parsedInput, ctx }) => done({ webhook: await updateWebhook(ctx, parsedInput) }));

export const deleteWebhookAction = manage('deleteWebhook')
  .inputSchema(z.object({ webhookId }))
  .action(async ({ parsedInput, ctx }) =>
    done({ deleted: (await deleteWebhook(ctx, parsedInput.webhookId), parsedInput.webhookId) }),
  );

export const simulateWebhookEventAction = manage('simulateWebhookEvent')
  .inputSchema(intent.extend({ webhookId, eventType: eventTypePatternSchema }))
  .action(async ({ parsedInput, ctx }) => simulateWebhookEvent(ctx, parsedInput));

/** Polled by the simulate dialog until the event arrives at the receiver. */
export const findReceivedEventAction = actionClient
  .metadata({ name: 'findReceivedEvent', capability: 'dashboard.read' })
  .inputSchema(z.object({ eventId: z.string().min(1).max(300) }))
  .action(async ({ parsedInput, ctx }) => ({ event: await findReceivedEvent(ctx.db, parsedInput.eventId) }));
