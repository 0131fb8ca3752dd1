import type { ActionError } from '@/lib/action';

/** What next-safe-action's hooks hand to onError, in the shape our action client produces. */
export type ActionFailure = {
  serverError?: ActionError;
  validationErrors?: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> };
};

/** One sentence for a toast or an alert. */
export function failureMessage(error: ActionFailure): string {
  if (error.serverError) return error.serverError.message;
  const v = error.validationErrors;
  if (v) return v.formErrors[0] ?? Object.values(v.fieldErrors).flat().find(Boolean) ?? 'Check the highlighted fields.';
  return 'The request did not reach the server. Check your connection and try again.';
}

/** Field errors from either validation or a service's AppError.fields. */
export function failureFields(error: ActionFailure | undefined): Record<string, string[]> {
  if (!error) return {};
  const fromValidation = Object.fromEntries(
    Object.entries(error.validationErrors?.fieldErrors ?? {}).filter((e): e is [string, string[]] =>
      Boolean(e[1]?.length),
    ),
  );
  return { ...fromValidation, ...(error.serverError?.fields ?? {}) };
}
