import 'server-only';
import { z } from 'zod';

/** A verdict to resolve and the operator's note on why it is fine or what was done. */

export const RESOLUTION_NOTE_MAX = 1000;
export const resolutionNoteSchema = z
  .string()
  .trim()
  .min(1, 'Write a note: what you checked or did.')
  .max(RESOLUTION_NOTE_MAX, `At most ${RESOLUTION_NOTE_MAX} characters.`);

export const resolveLineInputSchema = z.object({
  importId: z.uuid(),
  lineNo: z.number().int().min(1),
  note: resolutionNoteSchema,
});
export const resolveMissingInputSchema = z.object({
  importId: z.uuid(),
  operationId: z.string().trim().min(1).max(300),
  note: resolutionNoteSchema,
});
export type ResolveLineInput = z.input<typeof resolveLineInputSchema>;
export type ResolveMissingInput = z.input<typeof resolveMissingInputSchema>;
export type Resolved = { settlementId: string | null; resolvedAt: Date };
