'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { actionClient } from '@/lib/action';
import { stepUp, stepUpInputSchema } from '@/lib/auth/step-up';
import {
  checkCancellation,
  createPromise,
  createPromiseInputSchema,
  createSettlement,
  createSettlementInputSchema,
  enrolKey,
  enrolKeyInputSchema,
  generateKey,
  generateKeyInputSchema,
  importKey,
  importKeyInputSchema,
  requestCancel,
  requestCancelInputSchema,
  retireKey,
  retireKeyInputSchema,
  revealCard,
  revealCardInputSchema,
} from '@/lib/cards/service';

// Each action parses with its verb's schema (errors name the form's fields); the verb checks again.
const keys = (name: string) => actionClient.metadata({ name, capability: 'cards.keys' });
const operate = (name: string) => actionClient.metadata({ name, capability: 'cards.operate' });
const refreshed = <T>(value: T, ...paths: string[]) => {
  for (const path of ['/virtual-cards', ...paths]) revalidatePath(path);
  return value;
};

export const generateKeyAction = keys('generateCardKey')
  .inputSchema(generateKeyInputSchema)
  .action(async ({ parsedInput, ctx }) => refreshed(await generateKey(ctx, parsedInput), '/virtual-cards/keys'));

export const importKeyAction = keys('importCardKey')
  .inputSchema(importKeyInputSchema)
  .action(async ({ parsedInput, ctx }) => refreshed(await importKey(ctx, parsedInput), '/virtual-cards/keys'));

export const enrolKeyAction = keys('enrolCardKey')
  .inputSchema(enrolKeyInputSchema)
  .action(async ({ parsedInput, ctx }) => refreshed(await enrolKey(ctx, parsedInput), '/virtual-cards/keys'));

export const retireKeyAction = keys('retireCardKey')
  .inputSchema(retireKeyInputSchema)
  .action(async ({ parsedInput, ctx }) => refreshed(await retireKey(ctx, parsedInput), '/virtual-cards/keys'));

export const createPromiseAction = operate('createCardPromise')
  .inputSchema(createPromiseInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const created = await createPromise(ctx, parsedInput);
    return refreshed({ ...created, expiresAt: created.expiresAt.toISOString() });
  });

export const createSettlementAction = operate('createCardSettlement')
  .inputSchema(createSettlementInputSchema)
  .action(async ({ parsedInput, ctx }) => refreshed(await createSettlement(ctx, parsedInput)));

export const requestCancelAction = operate('requestCardCancellation')
  .inputSchema(requestCancelInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const row = await requestCancel(ctx, parsedInput);
    return refreshed({ status: row.status, checkAfter: row.checkAfter?.toISOString() ?? null });
  });

export const checkCancellationAction = operate('checkCardCancellation')
  .inputSchema(z.object({ orderId: z.string().min(1).max(255) }))
  .action(async ({ parsedInput, ctx }) => {
    const row = await checkCancellation(ctx, parsedInput);
    return refreshed({ status: row.status });
  });

/** Re-entering a password or code; the reveal that follows checks it on the server. */
export const stepUpAction = actionClient
  .metadata({ name: 'stepUp', capability: 'cards.reveal' })
  .inputSchema(stepUpInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const { until } = await stepUp(ctx, parsedInput);
    return { until: until.toISOString() };
  });

/** The card's number and CVV for this answer only: nothing is cached or revalidated. */
export const revealCardAction = actionClient
  .metadata({ name: 'revealCard', capability: 'cards.reveal' })
  .inputSchema(revealCardInputSchema)
  .action(async ({ parsedInput, ctx }) => revealCard(ctx, parsedInput));
