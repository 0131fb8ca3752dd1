/** Klarna's error parameter paths (`channel.websites[0].urls[0]`), also our form fields' names. */
export function parameterPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

type Issue = { code: string; path: readonly PropertyKey[]; message: string; keys?: readonly string[] };

/** A zod error's issues as field errors keyed by Klarna parameter path (unknown keys name the key). */
export function fieldErrorsByPath(issues: readonly Issue[]): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of issues) {
    const unknownKeys = issue.code === 'unrecognized_keys' ? (issue.keys ?? []) : null;
    const paths = unknownKeys ? unknownKeys.map((k) => [...issue.path, k]) : [issue.path];
    for (const path of paths) {
      const list = (fields[parameterPath(path) || 'form'] ??= []);
      const message = unknownKeys ? 'is not a known field' : issue.message;
      if (!list.includes(message)) list.push(message);
    }
  }
  return fields;
}
