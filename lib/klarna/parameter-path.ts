/**
 * Klarna's parameter paths, as its error objects name them: `event_types[0]`, `url`,
 * `account_owner.email`, `channel.websites[0].urls[0]`. The sandbox names validation errors
 * this way and the dashboard's forms name their fields this way, so errors land on fields.
 */
export function parameterPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
