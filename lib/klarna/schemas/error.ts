import { z } from 'zod';

/** Klarna's error object (seed, "Error handling"); types and codes stay open strings so unknown ones never crash. */
const parameterErrorSchema = z
  .object({
    parameter: z.string().optional(),
    error_message: z.string().optional(),
    reason: z.string().optional(),
    doc_url: z.string().optional(),
  })
  .loose();

export const klarnaErrorBodySchema = z
  .object({
    error_id: z.string().optional(),
    error_type: z.string().optional(),
    error_code: z.string().optional(),
    error_message: z.string().optional(),
    errors: z.array(parameterErrorSchema).optional(),
    validation_errors: z.array(parameterErrorSchema).optional(),
  })
  .loose();

export type KlarnaErrorBody = z.infer<typeof klarnaErrorBodySchema>;
