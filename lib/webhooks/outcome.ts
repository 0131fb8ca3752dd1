import { ZodError } from 'zod';
import { isIgnoredEvent } from './handlers';

/** Why an event was not applied: a sentence, a blank line, then raw detail (splitOutcomeNote). */
export function outcomeNote(error: unknown): string {
  if (isIgnoredEvent(error)) return error.message;
  // By name as well: a second copy of zod in another bundle has its own ZodError class.
  if (
    error instanceof ZodError ||
    (error instanceof Error && error.name === 'ZodError' && Array.isArray((error as ZodError).issues))
  ) {
    const issues = (error as ZodError).issues;
    const fields = [...new Set(issues.map((i) => i.path.join('.') || 'payload'))];
    const named = fields.slice(0, 4).join(', ') + (fields.length > 4 ? ` and ${fields.length - 4} more` : '');
    const detail = issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('\n');
    return `Not applied: the payload is missing or has unexpected values for ${named}, so nothing was changed; re-process it once the cause is fixed.\n\n${detail}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The sentence of an outcome note and its raw detail (null when there is none). */
export function splitOutcomeNote(note: string): { sentence: string; detail: string | null } {
  const at = note.indexOf('\n\n');
  return at < 0 ? { sentence: note, detail: null } : { sentence: note.slice(0, at), detail: note.slice(at + 2) };
}
