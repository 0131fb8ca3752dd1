import { z } from 'zod';
import { openEnum } from './open';

/** Seed, "Account credential management"; field names of the secret are ours (klarna-api-notes.md). */
export const credentialTypes = ['API', 'CLIENT'] as const;
export const credentialEnvironments = ['TEST', 'LIVE'] as const;

export const credentialCreateRequestSchema = z.strictObject({
  description: z.string().trim().max(100, 'at most 100 characters').optional(),
  type: z.enum(credentialTypes),
  environment: z.enum(credentialEnvironments),
});
export type CredentialCreateRequest = z.infer<typeof credentialCreateRequestSchema>;

export const credentialSchema = z
  .object({
    credential_id: z.string(),
    type: openEnum(credentialTypes),
    environment: openEnum(credentialEnvironments),
    description: z.string().nullish(),
    created_at: z.string(),
    /** Only in the answer to create, once. */
    api_key: z.string().optional(),
    client_id: z.string().optional(),
  })
  .loose();
export type Credential = z.infer<typeof credentialSchema>;

export const credentialListSchema = z.object({ credentials: z.array(credentialSchema) }).loose();

/** Seed, "Create and manage signing keys": the key comes back once, at creation. */
export const signingKeyCreatedSchema = z
  .object({ signing_key_id: z.string(), signing_key: z.string(), created_at: z.string() })
  .loose();
export type SigningKeyCreated = z.infer<typeof signingKeyCreatedSchema>;

export const signingKeySchema = z.object({ signing_key_id: z.string(), created_at: z.string() }).loose();
export const signingKeyListSchema = z.object({ signing_keys: z.array(signingKeySchema) }).loose();
export const MAX_SIGNING_KEYS = 50;
