'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { actionClient } from '@/lib/action';
import {
  activateCredential,
  addCredential,
  addCredentialInputSchema,
  createAtKlarnaInputSchema,
  createCredentialAtKlarna,
  deleteCredential,
  deleteKlarnaCredential,
  rotateCredential,
} from '@/lib/credentials/service';

const credentialsAction = (name: string) => actionClient.metadata({ name, capability: 'credentials.manage' });
const done = <T>(value: T) => {
  revalidatePath('/settings/api-credentials');
  return value;
};

export const addCredentialAction = credentialsAction('addCredential')
  .inputSchema(addCredentialInputSchema)
  .action(async ({ parsedInput, ctx }) => done({ credential: await addCredential(ctx, parsedInput) }));

export const createCredentialAtKlarnaAction = credentialsAction('createCredentialAtKlarna')
  .inputSchema(createAtKlarnaInputSchema)
  .action(async ({ parsedInput, ctx }) => done(await createCredentialAtKlarna(ctx, parsedInput)));

export const activateCredentialAction = credentialsAction('activateCredential')
  .inputSchema(z.object({ id: z.uuid() }))
  .action(async ({ parsedInput, ctx }) =>
    done({ activated: (await activateCredential(ctx, parsedInput.id), parsedInput.id) }),
  );

export const rotateCredentialAction = credentialsAction('rotateCredential')
  .inputSchema(z.object({ intentId: z.uuid() }))
  .action(async ({ parsedInput, ctx }) => done(await rotateCredential(ctx, parsedInput)));

export const deleteCredentialAction = credentialsAction('deleteCredential')
  .inputSchema(z.object({ id: z.uuid(), atKlarna: z.boolean() }))
  .action(async ({ parsedInput, ctx }) =>
    done({ deleted: (await deleteCredential(ctx, parsedInput), parsedInput.id) }),
  );

export const deleteKlarnaCredentialAction = credentialsAction('deleteKlarnaCredential')
  .inputSchema(z.object({ credentialId: z.string().min(1).max(300) }))
  .action(async ({ parsedInput, ctx }) =>
    done({ deleted: (await deleteKlarnaCredential(ctx, parsedInput.credentialId), parsedInput.credentialId) }),
  );
