/** Whether a failed action named fields (Klarna's or the server's check): the dialog goes back to its form to show them. */
export function hasFieldErrors(error: { serverError?: unknown; validationErrors?: unknown }): boolean {
  const server = error.serverError as { fields?: Record<string, unknown> } | undefined;
  if (server?.fields && Object.keys(server.fields).length > 0) return true;
  const validation = error.validationErrors as { fieldErrors?: Record<string, unknown[] | undefined> } | undefined;
  return Object.values(validation?.fieldErrors ?? {}).some((v) => Boolean(v?.length));
}
